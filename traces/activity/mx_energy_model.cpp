#include "traces/activity/mx_energy_model.h"

#include <cmath>
#include <set>

#include <Eigen/Dense>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "traces/activity/field_reader.h"

namespace tessera::traces::activity {
using nlohmann::json;

double MxEnergyModel::predict_pj(const MxCycleFeatures& pair) const {
  double energy = intercept_pj;
  for (std::size_t i = 0; i < feature_names.size(); ++i) energy += coefficients_pj[i] * pair[mx_feature_column(feature_names[i])];
  return energy;
}

double MxEnergyModel::predict_pj(const MxActivityCounts& counts) const {
  double energy = intercept_pj * static_cast<double>(counts.pairs);
  for (std::size_t i = 0; i < feature_names.size(); ++i) {
    energy += coefficients_pj[i] * counts.sums[mx_feature_column(feature_names[i])];
  }
  return energy;
}

std::vector<double> MxEnergyModel::predict_pj(const std::vector<MxCycleFeatures>& pairs) const {
  std::vector<double> energies;
  energies.reserve(pairs.size());
  for (const MxCycleFeatures& pair : pairs) energies.push_back(predict_pj(pair));
  return energies;
}

MxEnergyModel fit_mx_energy_model(const std::vector<MxCycleFeatures>& pairs, const std::vector<double>& energies_pj,
                                  std::vector<std::string> feature_names) {
  if (pairs.size() != energies_pj.size()) {
    throw InputError("fit MX energy model: " + std::to_string(pairs.size()) + " feature rows but " +
                     std::to_string(energies_pj.size()) + " energies");
  }
  if (feature_names.empty()) feature_names = mx_feature_names();
  // Greedy: a column joins when it adds rank to the intercept and the columns already taken, so
  // constant columns and exact combinations (a lag of a feature that never changes) drop out.
  const auto rows = static_cast<Eigen::Index>(pairs.size());
  std::vector<std::string> used;
  Eigen::MatrixXd x(rows, 1);
  x.col(0).setOnes();
  for (const std::string& name : feature_names) {
    const std::size_t column = mx_feature_column(name);
    Eigen::MatrixXd candidate(rows, x.cols() + 1);
    candidate << x, Eigen::VectorXd::NullaryExpr(rows, [&](Eigen::Index r) { return pairs[static_cast<std::size_t>(r)][column]; });
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(candidate);
    qr.setThreshold(1e-9);
    if (qr.rank() == candidate.cols()) {
      x = std::move(candidate);
      used.push_back(name);
    }
  }
  if (rows < x.cols() + 1) {
    throw InputError("fit MX energy model: " + std::to_string(pairs.size()) + " pairs are too few for " +
                     std::to_string(x.cols()) + " parameters");
  }
  const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(energies_pj.data(), rows);
  const Eigen::VectorXd beta = x.colPivHouseholderQr().solve(y);
  MxEnergyModel model;
  model.intercept_pj = beta[0];
  model.feature_names = used;
  for (Eigen::Index i = 1; i < beta.size(); ++i) model.coefficients_pj.push_back(beta[i]);
  const Eigen::VectorXd residual = y - x * beta;
  const double total = (y.array() - y.mean()).square().sum();
  model.r2_train = total > 0.0 ? 1.0 - residual.squaredNorm() / total : 1.0;
  model.fitted_pairs = pairs.size();
  return model;
}

json mx_model_to_json(const MxEnergyModel& model) {
  return {{"format", kMxModelFileFormat},     {"version", static_cast<std::uint64_t>(kMxModelFileVersion)},
          {"unit", model.unit},               {"library", model.library},
          {"clock_period_ns", model.clock_period_ns}, {"fitted_on", model.fitted_on},
          {"fitted_pairs", model.fitted_pairs}, {"r2_train", model.r2_train},
          {"intercept_pj", model.intercept_pj}, {"feature_names", model.feature_names},
          {"coefficients_pj", model.coefficients_pj}};
}

MxEnergyModel mx_model_from_json(const json& document, const std::string& source) {
  FieldReader top(document, source, "");
  if (top.string("format") != kMxModelFileFormat) {
    top.fail("format", std::string("expected \"") + kMxModelFileFormat + "\"");
  }
  if (top.count("version") != static_cast<std::uint64_t>(kMxModelFileVersion)) {
    top.fail("version", "expected " + std::to_string(kMxModelFileVersion) + " (this tessera reads no other)");
  }
  MxEnergyModel model;
  model.unit = top.string("unit");
  model.library = top.string("library");
  model.clock_period_ns = top.number("clock_period_ns");
  model.fitted_on = top.string("fitted_on");
  model.fitted_pairs = top.count("fitted_pairs");
  model.r2_train = top.number("r2_train");
  model.intercept_pj = top.number("intercept_pj");
  const json& names = top.array("feature_names");
  const json& coefficients = top.array("coefficients_pj");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string field = "feature_names[" + std::to_string(i) + "]";
    if (!names[i].is_string()) top.fail(field, "expected a feature name (string)");
    const std::string name = names[i].get<std::string>();
    try {
      mx_feature_column(name);
    } catch (const ConfigError& e) {
      top.fail(field, e.what());
    }
    if (!seen.insert(name).second) top.fail(field, "'" + name + "' appears twice");
    model.feature_names.push_back(name);
  }
  if (coefficients.size() != names.size()) {
    top.fail("coefficients_pj", "expected " + std::to_string(names.size()) + " numbers (one per feature), got " +
                                    std::to_string(coefficients.size()));
  }
  for (std::size_t i = 0; i < coefficients.size(); ++i) {
    if (!coefficients[i].is_number() || !std::isfinite(coefficients[i].get<double>())) {
      top.fail("coefficients_pj[" + std::to_string(i) + "]", "expected a finite number");
    }
    model.coefficients_pj.push_back(coefficients[i].get<double>());
  }
  top.reject_unknown_keys();
  return model;
}

void save_mx_model(const MxEnergyModel& model, const std::string& path) {
  io::write_file_atomically(path, mx_model_to_json(model).dump(2) + "\n");
}

MxEnergyModel load_mx_model(const std::string& path) {
  const std::string text = io::read_file(path);
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& error) {
    throw InputError(path + ": not valid JSON (" + error.what() + "); expected an MX energy model file");
  }
  return mx_model_from_json(document, path);
}

}  // namespace tessera::traces::activity
