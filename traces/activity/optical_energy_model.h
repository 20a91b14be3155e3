#pragma once
// The fitted data-dependent energy model of one optical periphery converter: energy per element
// (pJ, dynamic + leakage) = intercept + sum_f coefficient_f * feature_f, the features of
// optical_features.h; linear, so a stream's total is the model applied to its feature sums. Fitted
// by least squares on gate-level per-element energies (sim/power/optical_power.h). File: the shared
// header (model_header.h) plus "converter", "features", "intercept_pj", "coefficients_pj" and
// "held_out" (the fit's check on layers it did not see, free-form). A file's "features" may be any
// subset of optical_feature_names(unit), each once, in any order; the others get coefficient 0.
#include <filesystem>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "traces/activity/energy_model.h"
#include "traces/activity/optical_features.h"

namespace tessera::traces::activity {

inline constexpr const char* kOpticalModelFileFormat = "tessera-optical-energy-model";
inline constexpr int kOpticalModelFileVersion = 1;

struct OpticalEnergyModel {
  OpticalUnit unit = OpticalUnit::dac;
  double intercept_pj = 0.0;
  std::vector<double> coefficients_pj;  // one per optical_feature_names(unit)
  ModelMetadata metadata;
  nlohmann::json held_out = nlohmann::json::object();

  Eigen::VectorXd predict_pj(const Eigen::MatrixXd& features) const;  // per element
  double predict_total_pj(const Eigen::MatrixXd& features) const;
};

// "optical-dac", "optical-adc", "optical-psum" (the characterize --unit names).
std::string optical_unit_name(OpticalUnit unit);
OpticalUnit parse_optical_unit(const std::string& name);

// Least squares with an intercept; features constant over the training elements get coefficient 0.
// Fills metadata.fitted_ops and r2_train. InputError for a shape mismatch or no elements.
OpticalEnergyModel fit_optical_energy_model(OpticalUnit unit, const Eigen::MatrixXd& features,
                                            const std::vector<double>& energies_pj, ModelMetadata metadata);

nlohmann::json optical_model_to_json(const OpticalEnergyModel& model);
void save_optical_model(const OpticalEnergyModel& model, const std::filesystem::path& path);  // atomically
// InputError naming the file and the field for anything malformed.
OpticalEnergyModel load_optical_model(const std::filesystem::path& path);

}  // namespace tessera::traces::activity
