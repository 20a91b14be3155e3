#pragma once
// A linear data-dependent energy model of the MX dot unit: energy per cycle (pJ) =
// intercept_pj + sum_f coefficient_pj[f] * feature_f over the features of mx_features.h, fitted
// by least squares on gate-level per-cycle energies. Linear, so a layer is priced from its
// MxActivityCounts alone. Stored as JSON:
// {"format": "tessera.mx_energy_model", "version": 1, "unit": ..., "library": ..., "clock_period_ns": ...,
//  "fitted_on": ..., "fitted_pairs": ..., "r2_train": ..., "intercept_pj": ..., "feature_names": [...],
//  "coefficients_pj": [...]}
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "traces/activity/mx_features.h"

namespace tessera::traces::activity {

inline constexpr const char* kMxModelFileFormat = "tessera.mx_energy_model";
inline constexpr int kMxModelFileVersion = 1;

struct MxEnergyModel {
  std::string unit;       // "tessera_mx_dot fp8_e4m3 x fp8_e4m3, block 32"
  std::string library;    // cell library name
  double clock_period_ns = 0.0;
  std::string fitted_on;  // what, in words
  std::uint64_t fitted_pairs = 0;
  double r2_train = 0.0;
  double intercept_pj = 0.0;
  std::vector<std::string> feature_names;  // mx_feature_names() entries
  std::vector<double> coefficients_pj;     // parallel to feature_names

  double predict_pj(const MxCycleFeatures& pair) const;
  double predict_pj(const MxActivityCounts& counts) const;  // a whole set of pairs
  std::vector<double> predict_pj(const std::vector<MxCycleFeatures>& pairs) const;
};

// Least squares over the named features (empty: every column) plus an intercept. Columns constant
// over the training pairs or linearly dependent on earlier ones are left out (they cannot be
// fitted; the model lists what it uses). InputError when sizes disagree or there are too few pairs.
MxEnergyModel fit_mx_energy_model(const std::vector<MxCycleFeatures>& pairs, const std::vector<double>& energies_pj,
                                  std::vector<std::string> feature_names = {});

nlohmann::json mx_model_to_json(const MxEnergyModel& model);
// Every field checked; InputError naming `source` and the field.
MxEnergyModel mx_model_from_json(const nlohmann::json& json, const std::string& source);
void save_mx_model(const MxEnergyModel& model, const std::string& path);  // atomically
MxEnergyModel load_mx_model(const std::string& path);

}  // namespace tessera::traces::activity
