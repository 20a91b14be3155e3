#pragma once
// ProxyEnergyModel files: a JSON file with the coefficients, proxy net names and provenance, and
// the proxy table beside it as a .npy file (little-endian uint64, shape (65536,)):
// {"format": "tessera.proxy_energy_model", "version": 1, "unit": ..., "library": ..., "design": ...,
//  "top": ..., "clock_period_ns": ..., "fitted_on": {"description", "ops", "streams", "r2_train"},
//  "intercept_pj": ..., "proxy_nets": [...], "coefficients_pj": [...],
//  "table": "<name>.proxies.npy", "held_out": {...}}
// "table" is relative to the JSON file's folder; "held_out" (optional, any object) records how the
// model did on held-out layers and is not read back.
#include <string>

#include <nlohmann/json.hpp>

#include "traces/activity/proxy_model.h"

namespace tessera::traces::activity {

inline constexpr int kProxyModelFileVersion = 1;
inline constexpr const char* kProxyModelFileFormat = "tessera.proxy_energy_model";

// The table file written beside `json_path`: "x/exact.sky130.json" -> "x/exact.sky130.proxies.npy".
std::string proxy_table_path(const std::string& json_path);

// Writes the table, then the JSON (each atomically), so a model file never names a missing table.
void save_proxy_model(const ProxyEnergyModel& model, const std::string& json_path,
                      const nlohmann::json& held_out = nlohmann::json());
// Every field is checked as for linear model files (model_file.h); the table file must exist and
// hold uint64 of shape (65536,) with no bit set at or above the number of proxy nets. Throws
// InputError naming the file and the field.
ProxyEnergyModel load_proxy_model(const std::string& json_path);
ProxyEnergyModel proxy_model_from_json(const nlohmann::json& document, const std::string& source,
                                       const std::string& json_folder);

}  // namespace tessera::traces::activity
