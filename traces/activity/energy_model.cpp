#include "traces/activity/energy_model.h"

#include <cmath>
#include <set>
#include <string>

#include "golden/common/error.h"

namespace tessera::traces::activity {

LinearEnergyModel::LinearEnergyModel(std::vector<std::string> feature_names, double intercept_pj,
                                     std::vector<double> coefficients_pj, ModelMetadata metadata)
    : feature_names_(std::move(feature_names)),
      features_(features_from_names(feature_names_)),
      intercept_pj_(intercept_pj),
      coefficients_pj_(std::move(coefficients_pj)),
      metadata_(std::move(metadata)) {
  if (coefficients_pj_.size() != feature_names_.size())
    throw ConfigError("linear energy model: " + std::to_string(coefficients_pj_.size()) + " coefficients for " +
                      std::to_string(feature_names_.size()) + " features; expected one per feature");
  std::set<Feature> seen;
  for (std::size_t i = 0; i < features_.size(); ++i)
    if (!seen.insert(features_[i]).second)
      throw ConfigError("linear energy model: feature '" + feature_names_[i] + "' is listed twice");
}

double LinearEnergyModel::predict_pj(const OpFeatures& op) const {
  double energy = intercept_pj_;
  for (std::size_t i = 0; i < features_.size(); ++i) energy += coefficients_pj_[i] * op[features_[i]];
  return energy;
}

double LinearEnergyModel::predict_pj(const ActivityCounts& counts) const {
  double energy = intercept_pj_ * static_cast<double>(counts.ops);
  for (std::size_t i = 0; i < features_.size(); ++i)
    energy += coefficients_pj_[i] * static_cast<double>(counts.sum(features_[i]));
  return energy;
}

Eigen::VectorXd LinearEnergyModel::predict_pj(const Eigen::MatrixXd& features) const {
  if (static_cast<std::size_t>(features.cols()) != features_.size())
    throw ConfigError("linear energy model: feature matrix has " + std::to_string(features.cols()) +
                      " columns, expected " + std::to_string(features_.size()) + " (one per model feature)");
  const Eigen::Map<const Eigen::VectorXd> coefficients(coefficients_pj_.data(),
                                                       static_cast<Eigen::Index>(coefficients_pj_.size()));
  return (features * coefficients).array() + intercept_pj_;
}

std::vector<double> LinearEnergyModel::predict_pj(const std::vector<OpFeatures>& ops) const {
  std::vector<double> energies;
  energies.reserve(ops.size());
  for (const auto& op : ops) energies.push_back(predict_pj(op));
  return energies;
}

LinearEnergyModel fit_linear_energy_model(const Eigen::MatrixXd& features, const std::vector<std::string>& feature_names,
                                          const Eigen::VectorXd& energies_pj, const FitOptions& options,
                                          ModelMetadata metadata) {
  const std::string what = "energy model fit: ";
  features_from_names(feature_names);  // unknown names fail before any arithmetic
  if (static_cast<std::size_t>(features.cols()) != feature_names.size())
    throw InputError(what + "feature matrix has " + std::to_string(features.cols()) + " columns for " +
                     std::to_string(feature_names.size()) + " feature names");
  if (features.rows() != energies_pj.size())
    throw InputError(what + std::to_string(energies_pj.size()) + " energies for " + std::to_string(features.rows()) +
                     " feature rows; expected one energy per op");
  if (!features.allFinite() || !energies_pj.allFinite())
    throw InputError(what + "features and energies must be finite numbers");
  if (!(options.ridge >= 0.0) || !std::isfinite(options.ridge))
    throw ConfigError(what + "ridge must be a finite number >= 0, got " + std::to_string(options.ridge));
  const Eigen::Index ops = features.rows(), columns = features.cols();
  const Eigen::Index parameters = columns + (options.fit_intercept ? 1 : 0);
  if (ops < parameters + 1)
    throw InputError(what + std::to_string(ops) + " ops for " + std::to_string(parameters) +
                     " parameters; expected more ops than parameters");

  // Centring takes the intercept out of the solve; unit-norm columns make the rank test and the
  // ridge penalty independent of each feature's range (a 0/1 flag next to a 0..64 count).
  Eigen::RowVectorXd feature_mean = Eigen::RowVectorXd::Zero(columns);
  double energy_mean = 0.0;
  if (options.fit_intercept) {
    feature_mean = features.colwise().mean();
    energy_mean = energies_pj.mean();
  }
  Eigen::MatrixXd x = features.rowwise() - feature_mean;
  const Eigen::VectorXd y = energies_pj.array() - energy_mean;
  Eigen::VectorXd scale(columns);
  for (Eigen::Index c = 0; c < columns; ++c) {
    scale(c) = x.col(c).norm();
    if (scale(c) == 0.0)
      throw InputError(what + "feature '" + feature_names[static_cast<std::size_t>(c)] +
                       "' is constant over the training ops, so its coefficient cannot be fitted; drop it or "
                       "train on streams where it varies");
    x.col(c) /= scale(c);
  }

  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(x);
  qr.setThreshold(options.rank_tolerance);
  if (qr.rank() < columns) {
    std::string dependent;
    for (Eigen::Index i = qr.rank(); i < columns; ++i)
      dependent += (dependent.empty() ? "'" : ", '") + feature_names[static_cast<std::size_t>(qr.colsPermutation().indices()(i))] + "'";
    throw InputError(what + "the features are linearly dependent (rank " + std::to_string(qr.rank()) + " of " +
                     std::to_string(columns) + "): " + dependent +
                     " can be written as a combination of the others on these ops; drop it or add varied streams");
  }
  Eigen::VectorXd scaled_coefficients;
  if (options.ridge > 0.0) {
    Eigen::MatrixXd normal = x.transpose() * x;
    normal.diagonal().array() += options.ridge * static_cast<double>(ops);
    scaled_coefficients = normal.ldlt().solve(x.transpose() * y);
  } else {
    scaled_coefficients = qr.solve(y);
  }
  const Eigen::VectorXd coefficients = scaled_coefficients.array() / scale.array();
  const double intercept = options.fit_intercept ? energy_mean - feature_mean.dot(coefficients) : 0.0;

  const Eigen::VectorXd predicted = (features * coefficients).array() + intercept;
  const double residual = (energies_pj - predicted).squaredNorm();
  const double spread = (energies_pj.array() - energies_pj.mean()).matrix().squaredNorm();
  metadata.fitted_ops = static_cast<std::uint64_t>(ops);
  metadata.r2_train = spread > 0.0 ? 1.0 - residual / spread : (residual == 0.0 ? 1.0 : 0.0);
  return LinearEnergyModel(feature_names, intercept,
                           std::vector<double>(coefficients.data(), coefficients.data() + coefficients.size()),
                           std::move(metadata));
}

LinearEnergyModel fit_linear_energy_model(const std::vector<TrainingStream>& streams,
                                          const std::vector<std::string>& feature_names, const FitOptions& options,
                                          ModelMetadata metadata) {
  std::vector<OpFeatures> ops;
  std::vector<double> energies;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    if (streams[i].ops.size() != streams[i].energies_pj.size())
      throw InputError("energy model fit: stream " + std::to_string(i) + " has " +
                       std::to_string(streams[i].energies_pj.size()) + " energies for " +
                       std::to_string(streams[i].ops.size()) + " ops; expected one per op");
    ops.insert(ops.end(), streams[i].ops.begin(), streams[i].ops.end());
    energies.insert(energies.end(), streams[i].energies_pj.begin(), streams[i].energies_pj.end());
  }
  metadata.fitted_streams = streams.size();
  return fit_linear_energy_model(feature_matrix(ops, feature_names), feature_names,
                                 Eigen::Map<const Eigen::VectorXd>(energies.data(), static_cast<Eigen::Index>(energies.size())),
                                 options, std::move(metadata));
}

}  // namespace tessera::traces::activity
