#pragma once
// How well an energy model predicts: per-op R^2 and errors of stream/layer totals, the two
// figures that matter (per-op shape for the SystemC models, totals for layer energy).
#include <optional>
#include <vector>

#include <Eigen/Dense>

#include "traces/activity/energy_model.h"

namespace tessera::traces::activity {

// 1 - sum (y - yhat)^2 / sum (y - mean y)^2. Throws ConfigError on a size mismatch, fewer than
// two values or a constant `actual` (R^2 is undefined then).
double r_squared(const Eigen::VectorXd& actual, const Eigen::VectorXd& predicted);

// R^2 of per-op predictions against per-op energies, or nullopt where it is undefined (sizes that
// differ, fewer than two ops, constant energies): a per-layer figure that may legitimately be absent.
std::optional<double> per_op_r_squared(const std::vector<double>& actual_pj, const std::vector<double>& predicted_pj);

// Signed relative error of a total: (sum predicted - sum actual) / sum actual.
// Throws ConfigError on a size mismatch or a zero actual total.
double total_relative_error(const Eigen::VectorXd& actual, const Eigen::VectorXd& predicted);

// Relative errors of per-stream (or per-layer) totals, |predicted - actual| / actual.
struct TotalErrorSummary {
  double mean_abs_relative_error = 0.0;
  double max_abs_relative_error = 0.0;
  double mean_signed_relative_error = 0.0;  // bias: > 0 over-predicts
};
// actual_totals_pj[i] and predicted_totals_pj[i] are the totals of stream i. Throws ConfigError
// on a size mismatch, no streams, or an actual total that is not positive.
TotalErrorSummary total_error_summary(const std::vector<double>& actual_totals_pj,
                                      const std::vector<double>& predicted_totals_pj);

// A model judged on held-out streams: per-op R^2 over all their ops pooled, and the errors of
// each stream's total (predicted from its summed ActivityCounts, the way layers are priced).
struct StreamEvaluation {
  double per_op_r2 = 0.0;
  TotalErrorSummary totals;
  std::uint64_t ops = 0;
};
StreamEvaluation evaluate_on_streams(const LinearEnergyModel& model, const std::vector<TrainingStream>& streams);

}  // namespace tessera::traces::activity
