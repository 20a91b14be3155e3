#pragma once
// Activity of one tile of a weight-stationary array, computed without materialising per-PE streams.
//
// Tile: activations x[m][k] (row-major m x k), weights w[k][n] (row-major k x n). PE(r, c) holds
// w[r][c] and at step t = 0..m-1 multiplies a = x[t][r] (port A) by b = w[r][c] (port B); its adder
// takes the partial sum from the PE above, psum_in(r, c, t) = sum_{r' < r} p(x[t][r'], w[r'][c]),
// and passes psum_in + p down. Systolic skew delays when a PE sees its operands but not their order,
// so it does not change any per-PE feature. Every PE starts from the reset state (features.h): the
// weight load counts as b toggling from 0 at t = 0.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "golden/approx/table.h"
#include "traces/activity/features.h"

namespace tessera::traces::activity {

struct WeightStationaryTile {
  const std::int8_t* activations = nullptr;  // x, m x k row-major
  const std::int8_t* weights = nullptr;      // w, k x n row-major
  std::size_t rows_m = 0, depth_k = 0, cols_n = 0;
};

// Summed features of all k*n PEs over all m steps (with the partial-sum features). Equal to
// summing pe_stream_features over weight_stationary_pe_streams, in O(m*k*n) table lookups and
// popcounts with no per-op allocation: with b constant per PE, pp_toggles = hd_a * popcount(b).
ActivityCounts weight_stationary_activity(const WeightStationaryTile& tile, const approx::MultiplierTable& table);

// One PE's operand stream, for gate-level replay.
struct PeStream {
  std::size_t row = 0, col = 0;        // PE(r, c)
  std::vector<std::int8_t> a, b;       // port A and port B per step
  std::vector<std::int32_t> psum_in;   // partial sum entering the PE per step
};

// All PE streams, PE(r, c) at index r * n + c.
std::vector<PeStream> weight_stationary_pe_streams(const WeightStationaryTile& tile,
                                                   const approx::MultiplierTable& table);

// psum_in(r, c, t) as defined above, computed directly (a reference for tests and spot checks).
std::int32_t weight_stationary_psum_in(const WeightStationaryTile& tile, const approx::MultiplierTable& table,
                                       std::size_t r, std::size_t c, std::size_t t);

}  // namespace tessera::traces::activity
