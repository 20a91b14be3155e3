#pragma once
// A linear data-dependent energy model of one arithmetic unit: energy per op (pJ) =
// intercept_pj + sum_f coefficient_pj[f] * feature_f, fitted by least squares on gate-level
// per-op energies (traces/gate replay). Linear in the features, so a whole layer is priced from
// its ActivityCounts alone.
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "traces/activity/features.h"

namespace tessera::traces::activity {

// Where the model came from; carried into the model file so a price can be traced to its source.
struct ModelMetadata {
  std::string unit;                // e.g. "mul8s_1L2H" or "exact"
  std::string library;             // standard-cell library, e.g. "sky130_fd_sc_hd__tt_025C_1v80"
  std::string design;              // netlist / source file the energies came from
  std::string top;                 // top module
  double clock_period_ns = 0.0;
  std::string fitted_on;           // what streams, in words, e.g. "uniform int8 + DNN-like, 40000 ops"
  std::uint64_t fitted_ops = 0;
  std::uint64_t fitted_streams = 0;
  double r2_train = 0.0;
};

struct FitOptions {
  // Minimises sum (y - X beta)^2 + ridge * ops * |beta|^2 (the intercept is not penalised);
  // 0 is ordinary least squares. It damps ill-conditioned fits; exactly dependent features are
  // rejected either way, because their split of the energy would be arbitrary.
  double ridge = 0.0;
  bool fit_intercept = true;
  // A feature column whose pivoted QR diagonal is below this fraction of the largest counts as
  // linearly dependent on the others.
  double rank_tolerance = 1e-9;
};

class LinearEnergyModel {
 public:
  LinearEnergyModel() = default;
  // Throws ConfigError on unknown or repeated feature names or a length mismatch.
  LinearEnergyModel(std::vector<std::string> feature_names, double intercept_pj,
                    std::vector<double> coefficients_pj, ModelMetadata metadata = {});

  const std::vector<std::string>& feature_names() const { return feature_names_; }
  const std::vector<Feature>& features() const { return features_; }
  double intercept_pj() const { return intercept_pj_; }
  const std::vector<double>& coefficients_pj() const { return coefficients_pj_; }
  const ModelMetadata& metadata() const { return metadata_; }
  ModelMetadata& metadata() { return metadata_; }

  double predict_pj(const OpFeatures& op) const;
  // Total energy of all ops counted: intercept * ops + sum_f coef_f * sum_f.
  double predict_pj(const ActivityCounts& counts) const;
  // One prediction per row of a feature matrix whose columns follow feature_names().
  Eigen::VectorXd predict_pj(const Eigen::MatrixXd& features) const;
  std::vector<double> predict_pj(const std::vector<OpFeatures>& ops) const;

 private:
  std::vector<std::string> feature_names_;
  std::vector<Feature> features_;
  double intercept_pj_ = 0.0;
  std::vector<double> coefficients_pj_;
  ModelMetadata metadata_;
};

// Fits the model on one row of features per op (columns named by feature_names) and the op's
// gate-level energy. Fills metadata.fitted_ops and r2_train; the rest of `metadata` is copied.
// Throws InputError when the sizes disagree, a value is not finite, there are fewer ops than
// parameters, or a feature is (linearly) dependent on the others (the message names it).
LinearEnergyModel fit_linear_energy_model(const Eigen::MatrixXd& features, const std::vector<std::string>& feature_names,
                                          const Eigen::VectorXd& energies_pj, const FitOptions& options = {},
                                          ModelMetadata metadata = {});

// The ops of one stream (one unit's operands in order) with their gate-level energies.
struct TrainingStream {
  std::vector<OpFeatures> ops;
  std::vector<double> energies_pj;  // one per op
};

// Fits on the ops of all streams together; also sets metadata.fitted_streams.
LinearEnergyModel fit_linear_energy_model(const std::vector<TrainingStream>& streams,
                                          const std::vector<std::string>& feature_names,
                                          const FitOptions& options = {}, ModelMetadata metadata = {});

}  // namespace tessera::traces::activity
