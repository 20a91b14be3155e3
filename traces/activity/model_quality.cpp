#include "traces/activity/model_quality.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "golden/common/error.h"

namespace tessera::traces::activity {
namespace {

void check_sizes(Eigen::Index actual, Eigen::Index predicted, const char* what) {
  if (actual != predicted)
    throw ConfigError(std::string(what) + ": " + std::to_string(predicted) + " predictions for " +
                      std::to_string(actual) + " actual values; expected equal lengths");
}

}  // namespace

double r_squared(const Eigen::VectorXd& actual, const Eigen::VectorXd& predicted) {
  check_sizes(actual.size(), predicted.size(), "r_squared");
  if (actual.size() < 2) throw ConfigError("r_squared: needs at least two values");
  const double spread = (actual.array() - actual.mean()).matrix().squaredNorm();
  if (spread == 0.0) throw ConfigError("r_squared: the actual values are all equal, R^2 is undefined");
  return 1.0 - (actual - predicted).squaredNorm() / spread;
}

double total_relative_error(const Eigen::VectorXd& actual, const Eigen::VectorXd& predicted) {
  check_sizes(actual.size(), predicted.size(), "total_relative_error");
  const double actual_total = actual.sum();
  if (actual_total == 0.0) throw ConfigError("total_relative_error: the actual total is 0");
  return (predicted.sum() - actual_total) / actual_total;
}

TotalErrorSummary total_error_summary(const std::vector<double>& actual_totals_pj,
                                      const std::vector<double>& predicted_totals_pj) {
  check_sizes(static_cast<Eigen::Index>(actual_totals_pj.size()), static_cast<Eigen::Index>(predicted_totals_pj.size()),
              "total_error_summary");
  if (actual_totals_pj.empty()) throw ConfigError("total_error_summary: no streams");
  TotalErrorSummary summary;
  for (std::size_t i = 0; i < actual_totals_pj.size(); ++i) {
    if (!(actual_totals_pj[i] > 0.0))
      throw ConfigError("total_error_summary: actual total of stream " + std::to_string(i) + " is " +
                        std::to_string(actual_totals_pj[i]) + ", expected > 0");
    const double error = (predicted_totals_pj[i] - actual_totals_pj[i]) / actual_totals_pj[i];
    summary.mean_signed_relative_error += error;
    summary.mean_abs_relative_error += std::abs(error);
    summary.max_abs_relative_error = std::max(summary.max_abs_relative_error, std::abs(error));
  }
  const auto streams = static_cast<double>(actual_totals_pj.size());
  summary.mean_signed_relative_error /= streams;
  summary.mean_abs_relative_error /= streams;
  return summary;
}

StreamEvaluation evaluate_on_streams(const LinearEnergyModel& model, const std::vector<TrainingStream>& streams) {
  StreamEvaluation evaluation;
  std::vector<double> actual, predicted, actual_totals, predicted_totals;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const TrainingStream& stream = streams[i];
    if (stream.ops.size() != stream.energies_pj.size())
      throw ConfigError("evaluate_on_streams: stream " + std::to_string(i) + " has " +
                        std::to_string(stream.energies_pj.size()) + " energies for " +
                        std::to_string(stream.ops.size()) + " ops");
    double total = 0.0;
    for (std::size_t t = 0; t < stream.ops.size(); ++t) {
      actual.push_back(stream.energies_pj[t]);
      predicted.push_back(model.predict_pj(stream.ops[t]));
      total += stream.energies_pj[t];
    }
    actual_totals.push_back(total);
    predicted_totals.push_back(model.predict_pj(count_activity(stream.ops)));
  }
  const auto as_vector = [](const std::vector<double>& v) {
    return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
  };
  evaluation.per_op_r2 = r_squared(as_vector(actual), as_vector(predicted));
  evaluation.totals = total_error_summary(actual_totals, predicted_totals);
  evaluation.ops = actual.size();
  return evaluation;
}

std::optional<double> per_op_r_squared(const std::vector<double>& actual_pj, const std::vector<double>& predicted_pj) {
  if (actual_pj.size() != predicted_pj.size() || actual_pj.size() < 2) return std::nullopt;
  const auto n = static_cast<Eigen::Index>(actual_pj.size());
  try {
    return r_squared(Eigen::Map<const Eigen::VectorXd>(actual_pj.data(), n),
                     Eigen::Map<const Eigen::VectorXd>(predicted_pj.data(), n));
  } catch (const ConfigError&) {
    return std::nullopt;  // constant energies
  }
}

}  // namespace tessera::traces::activity
