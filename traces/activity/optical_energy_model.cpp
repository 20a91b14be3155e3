#include "traces/activity/optical_energy_model.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "traces/activity/field_reader.h"
#include "traces/activity/model_header.h"
#include "traces/activity/model_quality.h"

namespace tessera::traces::activity {

Eigen::VectorXd OpticalEnergyModel::predict_pj(const Eigen::MatrixXd& features) const {
  if (static_cast<std::size_t>(features.cols()) != coefficients_pj.size()) {
    throw InputError("optical energy model: " + std::to_string(features.cols()) + " feature columns, the model has " +
                     std::to_string(coefficients_pj.size()));
  }
  const Eigen::Map<const Eigen::VectorXd> beta(coefficients_pj.data(), static_cast<Eigen::Index>(coefficients_pj.size()));
  return (features * beta).array() + intercept_pj;
}

double OpticalEnergyModel::predict_total_pj(const Eigen::MatrixXd& features) const { return predict_pj(features).sum(); }

std::string optical_unit_name(OpticalUnit unit) {
  return unit == OpticalUnit::dac ? "optical-dac" : unit == OpticalUnit::adc ? "optical-adc" : "optical-psum";
}

OpticalUnit parse_optical_unit(const std::string& name) {
  if (name == "optical-dac") return OpticalUnit::dac;
  if (name == "optical-adc") return OpticalUnit::adc;
  if (name == "optical-psum") return OpticalUnit::psum;
  throw InputError("optical unit '" + name + "': expected optical-dac, optical-adc or optical-psum");
}

OpticalEnergyModel fit_optical_energy_model(OpticalUnit unit, const Eigen::MatrixXd& features,
                                            const std::vector<double>& energies_pj, ModelMetadata metadata) {
  const Eigen::Index n = features.rows();
  const std::size_t columns = optical_feature_names(unit).size();
  if (n == 0 || static_cast<std::size_t>(n) != energies_pj.size() || static_cast<std::size_t>(features.cols()) != columns) {
    throw InputError("optical model fit: expected one row of " + std::to_string(columns) + " features per energy, got " +
                     std::to_string(n) + " x " + std::to_string(features.cols()) + " for " +
                     std::to_string(energies_pj.size()) + " energies");
  }
  // Only the columns that vary take part (a constant one is the intercept's).
  std::vector<Eigen::Index> used;
  for (Eigen::Index c = 0; c < features.cols(); ++c) {
    if (features.col(c).maxCoeff() > features.col(c).minCoeff()) used.push_back(c);
  }
  Eigen::MatrixXd x(n, static_cast<Eigen::Index>(used.size()) + 1);
  for (std::size_t i = 0; i < used.size(); ++i) x.col(static_cast<Eigen::Index>(i)) = features.col(used[i]);
  x.col(x.cols() - 1).setOnes();
  const Eigen::Map<const Eigen::VectorXd> y(energies_pj.data(), n);
  const Eigen::VectorXd beta = x.colPivHouseholderQr().solve(y);
  OpticalEnergyModel model;
  model.unit = unit;
  model.coefficients_pj.assign(columns, 0.0);
  for (std::size_t i = 0; i < used.size(); ++i) model.coefficients_pj[static_cast<std::size_t>(used[i])] = beta(static_cast<Eigen::Index>(i));
  model.intercept_pj = beta(x.cols() - 1);
  model.metadata = std::move(metadata);
  model.metadata.fitted_ops = static_cast<std::uint64_t>(n);
  model.metadata.r2_train = r_squared(y, x * beta);
  return model;
}

nlohmann::json optical_model_to_json(const OpticalEnergyModel& model) {
  nlohmann::json out = model_header_to_json(kOpticalModelFileFormat, kOpticalModelFileVersion, model.metadata);
  out["converter"] = optical_unit_name(model.unit);
  out["features"] = optical_feature_names(model.unit);
  out["intercept_pj"] = model.intercept_pj;
  out["coefficients_pj"] = model.coefficients_pj;
  out["held_out"] = model.held_out;
  return out;
}

void save_optical_model(const OpticalEnergyModel& model, const std::filesystem::path& path) {
  io::write_file_atomically(path.string(), optical_model_to_json(model).dump(2) + "\n");
}

OpticalEnergyModel load_optical_model(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path.string() + ": cannot open the optical energy model");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path.string() + ": not JSON: " + e.what());
  }
  FieldReader top(document, path.string(), "");
  OpticalEnergyModel model;
  model.metadata = model_header_from_json(top, kOpticalModelFileFormat, kOpticalModelFileVersion);
  model.unit = parse_optical_unit(top.string("converter"));
  // The file's features: known names of the converter, each once, in any order; a feature the
  // file does not name (a model fitted before it existed) gets coefficient 0.
  const std::vector<std::string>& names = optical_feature_names(model.unit);
  const nlohmann::json& features = top.array("features");
  std::vector<std::size_t> columns;
  for (const auto& f : features) {
    if (!f.is_string()) top.fail("features", "expected feature names, got " + f.dump());
    const auto it = std::find(names.begin(), names.end(), f.get<std::string>());
    if (it == names.end()) {
      top.fail("features", "unknown feature '" + f.get<std::string>() + "' for " + optical_unit_name(model.unit) +
                               " (known: " + nlohmann::json(names).dump() + ")");
    }
    const auto column = static_cast<std::size_t>(it - names.begin());
    if (std::find(columns.begin(), columns.end(), column) != columns.end()) {
      top.fail("features", "feature '" + f.get<std::string>() + "' named twice");
    }
    columns.push_back(column);
  }
  model.intercept_pj = top.number("intercept_pj");
  const nlohmann::json& coefficients = top.array("coefficients_pj");
  if (coefficients.size() != columns.size()) {
    top.fail("coefficients_pj", "expected " + std::to_string(columns.size()) + " numbers, one per feature");
  }
  model.coefficients_pj.assign(names.size(), 0.0);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto& c = coefficients[i];
    if (!c.is_number() || !std::isfinite(c.get<double>())) {
      top.fail("coefficients_pj", "expected numbers, got " + c.dump());
    }
    model.coefficients_pj[columns[i]] = c.get<double>();
  }
  model.held_out = top.get("held_out");
  top.reject_unknown_keys();
  return model;
}

}  // namespace tessera::traces::activity
