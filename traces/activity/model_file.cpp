#include "traces/activity/model_file.h"

#include <cmath>
#include <set>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "traces/activity/field_reader.h"

namespace tessera::traces::activity {
using nlohmann::json;

json model_to_json(const LinearEnergyModel& model) {
  const ModelMetadata& meta = model.metadata();
  return json{{"format", kModelFileFormat},
              {"version", kModelFileVersion},
              {"unit", meta.unit},
              {"library", meta.library},
              {"design", meta.design},
              {"top", meta.top},
              {"clock_period_ns", meta.clock_period_ns},
              {"fitted_on",
               {{"description", meta.fitted_on},
                {"ops", meta.fitted_ops},
                {"streams", meta.fitted_streams},
                {"r2_train", meta.r2_train}}},
              {"intercept_pj", model.intercept_pj()},
              {"feature_names", model.feature_names()},
              {"coefficients_pj", model.coefficients_pj()}};
}

LinearEnergyModel model_from_json(const json& document, const std::string& source) {
  FieldReader top(document, source, "");
  if (top.string("format") != kModelFileFormat)
    top.fail("format", std::string("expected \"") + kModelFileFormat + "\"");
  const json& version = top.get("version");
  if (!version.is_number_integer() || version.get<long long>() != kModelFileVersion)
    top.fail("version", "expected " + std::to_string(kModelFileVersion) + ", got " + version.dump());

  ModelMetadata meta;
  meta.unit = top.string("unit");
  meta.library = top.string("library");
  meta.design = top.string("design");
  meta.top = top.string("top");
  meta.clock_period_ns = top.number("clock_period_ns");
  if (meta.clock_period_ns < 0.0) top.fail("clock_period_ns", "expected >= 0 (0: unknown)");
  FieldReader fitted = top.object("fitted_on");
  meta.fitted_on = fitted.string("description");
  meta.fitted_ops = fitted.count("ops");
  meta.fitted_streams = fitted.count("streams");
  meta.r2_train = fitted.number("r2_train");
  fitted.reject_unknown_keys();
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
