#include "traces/format/unit_streams.h"

namespace tessera::traces {

std::vector<ArraySpec> approx_weight_stationary_arrays() {
  return {
      {std::string(kApproxTiles),
       DType::kInt32,
       {3},
       "per tile: m (activation rows streamed), k (array rows used), n (array columns used)"},
      {std::string(kApproxTileOrigin),
       DType::kInt64,
       {3},
       "per tile: m0, k0, n0, the tile's offset in the layer's M x K x N GEMM"},
      {std::string(kApproxWeights), DType::kInt8, {}, "per tile: k*n weights, row-major [k][n]"},
      {std::string(kApproxActivations),
       DType::kInt8,
       {},
       "per tile: m*k activations, row-major [m][k]"},
  };
}

DataflowSpec approx_weight_stationary_dataflow() {
  return {std::string(kWeightStationary),
          "PE(r,c) holds w[r][c] for the tile and consumes (a = x[t][r], b = w[r][c]) at step "
          "t = 0..m-1; activation on multiplier port A, weight on port B"};
}

}  // namespace tessera::traces
