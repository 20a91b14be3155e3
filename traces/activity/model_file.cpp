#include "traces/activity/model_file.h"

#include <cmath>
#include <set>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "traces/activity/field_reader.h"
#include "traces/activity/model_header.h"

namespace tessera::traces::activity {
using nlohmann::json;

json model_to_json(const LinearEnergyModel& model) {
  json document = model_header_to_json(kModelFileFormat, kModelFileVersion, model.metadata());
  document["intercept_pj"] = model.intercept_pj();
  document["feature_names"] = model.feature_names();
  document["coefficients_pj"] = model.coefficients_pj();
  return document;
}

LinearEnergyModel model_from_json(const json& document, const std::string& source) {
  FieldReader top(document, source, "");
  ModelMetadata meta = model_header_from_json(top, kModelFileFormat, kModelFileVersion);
  const double intercept_pj = top.number("intercept_pj");

  std::vector<std::string> names;
  std::set<std::string> seen;
  const json& name_array = top.array("feature_names");
  for (std::size_t i = 0; i < name_array.size(); ++i) {
    const std::string field = "feature_names[" + std::to_string(i) + "]";
    if (!name_array[i].is_string()) top.fail(field, "expected a string, got " + name_array[i].dump());
    std::string name = name_array[i].get<std::string>();
    if (!find_feature(name)) {
      std::string accepted;
      for (const auto& known : all_feature_names()) accepted += (accepted.empty() ? "" : ", ") + known;
      top.fail(field, "unknown feature '" + name + "'; expected one of " + accepted);
    }
    if (!seen.insert(name).second) top.fail(field, "feature '" + name + "' is listed twice");
    names.push_back(std::move(name));
  }
  std::vector<double> coefficients;
  const json& coefficient_array = top.array("coefficients_pj");
  if (coefficient_array.size() != names.size())
    top.fail("coefficients_pj", "has " + std::to_string(coefficient_array.size()) + " entries, expected one per "
             "feature_names entry (" + std::to_string(names.size()) + ")");
  for (std::size_t i = 0; i < coefficient_array.size(); ++i) {
    const json& value = coefficient_array[i];
    if (!value.is_number() || !std::isfinite(value.get<double>()))
      top.fail("coefficients_pj[" + std::to_string(i) + "]", "expected a finite number, got " + value.dump());
    coefficients.push_back(value.get<double>());
  }
  top.reject_unknown_keys();
  return LinearEnergyModel(std::move(names), intercept_pj, std::move(coefficients), std::move(meta));
}

void save_model(const LinearEnergyModel& model, const std::string& path) {
  io::write_file_atomically(path, model_to_json(model).dump(2) + "\n");
}

LinearEnergyModel load_model(const std::string& path) {
  const std::string text = io::read_file(path);
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& error) {
    throw InputError(path + ": not valid JSON (" + error.what() + "); expected a linear energy model file");
  }
  return model_from_json(document, path);
}

}  // namespace tessera::traces::activity
