#pragma once
// The arrays each unit family writes, as listed under "Unit streams" in traces/FORMAT.md, so
// producers and consumers of a trace name and type them the same way.
#include <string_view>
#include <vector>

#include "traces/format/header.h"

namespace tessera::traces {

// approx, dataflow "weight_stationary": per tile one `tiles` record (m, k, n), one `tile_origin`
// record (m0, k0, n0), then k*n weights (row-major [k][n]) and m*k activations (row-major [m][k]). PE(r, c) holds w[r][c] and at step
// t consumes (a = x[t][r], b = w[r][c]): activation on port A, weight on port B.
inline constexpr std::string_view kWeightStationary = "weight_stationary";
inline constexpr std::string_view kApproxTiles = "tiles";
inline constexpr std::string_view kApproxTileOrigin = "tile_origin";
inline constexpr std::string_view kApproxWeights = "weights";
inline constexpr std::string_view kApproxActivations = "activations";

std::vector<ArraySpec> approx_weight_stationary_arrays();
DataflowSpec approx_weight_stationary_dataflow();

}  // namespace tessera::traces
