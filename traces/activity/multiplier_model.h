#pragma once
// Either kind of fitted multiplier energy model, loaded by what its file says it is: the linear
// model on operand features (model_file.h, the fallback) or the proxy-net model (proxy_model_file.h).
#include <string>
#include <variant>

#include "traces/activity/energy_model.h"
#include "traces/activity/proxy_model.h"
#include "traces/activity/weight_stationary.h"

namespace tessera::traces::activity {

using MultiplierModel = std::variant<LinearEnergyModel, ProxyEnergyModel>;

// Reads the file's "format" and loads that kind; InputError naming the file when it is neither.
MultiplierModel load_multiplier_model(const std::string& path);
// Writes a linear model with save_model, a proxy model with save_proxy_model (+ its table).
void save_multiplier_model(const MultiplierModel& model, const std::string& path);

const ModelMetadata& model_metadata(const MultiplierModel& model);
std::string model_kind(const MultiplierModel& model);  // "linear" or "proxy"

// Model energy (pJ) of a weight-stationary tile's multiplications: `table` is the unit's product
// table, used by the linear model's features.
double predict_tile_pj(const MultiplierModel& model, const WeightStationaryTile& tile, const approx::MultiplierTable& table);
// Per-op model energies of one multiplier stream (from reset).
std::vector<double> predict_stream_pj(const MultiplierModel& model, const std::vector<std::int8_t>& a,
                                      const std::vector<std::int8_t>& b, const approx::MultiplierTable& table);

}  // namespace tessera::traces::activity
