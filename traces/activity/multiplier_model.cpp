#include "traces/activity/multiplier_model.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "traces/activity/model_file.h"
#include "traces/activity/proxy_activity.h"
#include "traces/activity/proxy_model_file.h"

namespace tessera::traces::activity {

MultiplierModel load_multiplier_model(const std::string& path) {
  const std::string text = io::read_file(path);
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    throw InputError(path + ": not valid JSON (" + error.what() + "); expected an energy model file");
  }
  const auto format = document.is_object() ? document.find("format") : document.end();
  if (format != document.end() && *format == kProxyModelFileFormat) {
    return proxy_model_from_json(document, path, std::filesystem::path(path).parent_path().string());
  }
  if (format != document.end() && *format == kModelFileFormat) return model_from_json(document, path);
  throw InputError(path + ": field 'format': expected \"" + std::string(kModelFileFormat) + "\" or \"" +
                   kProxyModelFileFormat + "\"" + (format == document.end() ? ", got none" : ", got " + format->dump()));
}

void save_multiplier_model(const MultiplierModel& model, const std::string& path) {
  if (const auto* linear = std::get_if<LinearEnergyModel>(&model)) {
    save_model(*linear, path);
  } else {
    save_proxy_model(std::get<ProxyEnergyModel>(model), path);
  }
}

const ModelMetadata& model_metadata(const MultiplierModel& model) {
  return std::visit([](const auto& m) -> const ModelMetadata& { return m.metadata(); }, model);
}

std::string model_kind(const MultiplierModel& model) {
  return std::holds_alternative<ProxyEnergyModel>(model) ? "proxy" : "linear";
}

double predict_tile_pj(const MultiplierModel& model, const WeightStationaryTile& tile, const approx::MultiplierTable& table) {
  if (const auto* proxy = std::get_if<ProxyEnergyModel>(&model)) {
    return proxy->predict_pj(weight_stationary_proxy_counts(tile, proxy->table()));
  }
  return std::get<LinearEnergyModel>(model).predict_pj(weight_stationary_activity(tile, table));
}

std::vector<double> predict_stream_pj(const MultiplierModel& model, const std::vector<std::int8_t>& a,
                                      const std::vector<std::int8_t>& b, const approx::MultiplierTable& table) {
  if (const auto* proxy = std::get_if<ProxyEnergyModel>(&model)) {
    std::vector<double> energies;
    for (const std::uint64_t toggled : proxy_stream_toggles(proxy->table(), a, b)) energies.push_back(proxy->predict_pj(toggled));
    return energies;
  }
  return std::get<LinearEnergyModel>(model).predict_pj(multiplier_stream_features(a, b, table));
}

}  // namespace tessera::traces::activity
