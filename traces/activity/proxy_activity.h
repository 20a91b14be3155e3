#pragma once
// Proxy-net toggles of operand streams and weight-stationary tiles, from a proxy table
// (proxy_model.h): the activity a ProxyEnergyModel prices.
#include <cstdint>
#include <vector>

#include "traces/activity/proxy_model.h"
#include "traces/activity/weight_stationary.h"

namespace tessera::traces::activity {

// Toggled proxies of every op of one unit's stream (bit k: proxy k changed), op 0 compared with
// reset (a = b = 0). `table` has kOperandPairs entries; a and b have equal lengths (else
// ConfigError).
std::vector<std::uint64_t> proxy_stream_toggles(const std::vector<std::uint64_t>& table, const std::vector<std::int8_t>& a,
                                                const std::vector<std::int8_t>& b);

ProxyCounts proxy_stream_counts(const std::vector<std::uint64_t>& table, const std::vector<std::int8_t>& a,
                                const std::vector<std::int8_t>& b);

// Summed proxy toggles of all k*n PEs of a weight-stationary tile over its m steps (PE(r, c)
// multiplies x[t][r] by its fixed weight w[r][c], starting from reset), without building streams.
ProxyCounts weight_stationary_proxy_counts(const WeightStationaryTile& tile, const std::vector<std::uint64_t>& table);

}  // namespace tessera::traces::activity
