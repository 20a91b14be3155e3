#pragma once
// Cycle-approximate model of the weight-stationary approximate-multiplier systolic array
// (hw/approx/tessera_approx_array.sv): Rows x Cols PEs, Rows = reduction (K), Cols = outputs (N).
//
// Timing, derived from the RTL (see models/README.md):
//   * weights are written one row per cycle (w_load_i, w_row_i) while no vector is in flight; the
//     array has no weight double buffer. The driver writes all Rows rows of every weight tile
//     (zeros beyond the tile's k), so a weight load costs Rows cycles.
//   * one activation vector (Rows bytes) enters per cycle; its result leaves Latency = Rows + Cols - 1
//     cycles later (skew, Rows PE stages, de-skew). Partial sums of earlier K tiles enter on acc_i.
//   * per weight tile with m_t vectors, counted in clock edges from the first weight-load edge to the
//     edge after which the last result is on acc_o (valid_o high; the next tile's first weight row
//     is written on the following edge):
//       cycles = Rows (weight load) + m_t (one vector per edge) + (Latency - 1)
//              = Rows [weight_load] + m_t [steady] + (Rows - 1) [fill] + (Cols - 1) [drain]
//     fill: the wavefront through the Rows PE stages; drain: the column skew plus de-skew.
//   A GEMM M x K x N with m_tile rows per pass: tiles = ceil(M/m_tile) * ceil(K/Rows) * ceil(N/Cols),
//     weight_load = tiles*Rows, fill = tiles*(Rows-1), drain = tiles*(Cols-1),
//     steady = ceil(K/Rows)*ceil(N/Cols)*M.
#include <cstdint>
#include <string>
#include <vector>

#include "golden/approx/table.h"
#include "models/common/cost.h"
#include "models/common/energy.h"

namespace tessera::models {

struct ApproxArrayConfig {
  std::uint64_t rows = 8;            // K per weight tile (hw ApproxArrayRows)
  std::uint64_t cols = 8;            // N per weight tile (hw ApproxArrayCols)
  std::uint64_t acc_width_bits = 32; // hw ApproxAccWidth
  double clock_ghz = 1.0;
  std::string multiplier = "exact";  // any name golden/approx/catalog.h accepts
  // Energy of the multiplications relative to the energy table's figure, which stands for uniform
  // random operands: a layer's real operands toggle less (zeros after ReLU, weights held in the
  // PEs). Set from the operands' activity (sim/tracing/activity_pricing.h); 1 = the table alone.
  double multiplier_activity_factor = 1.0;
};
// Keys: rows, cols, acc_width_bits, clock_ghz, multiplier, multiplier_activity_factor (all optional);
// errors name the key path.
ApproxArrayConfig approx_config_from_json(const Json& object, const std::string& where);

// One weight tile: m_t vectors through a (k_t <= rows) x (n_t <= cols) weight tile.
struct ApproxTile {
  std::uint64_t m0 = 0, m = 0;  // rows of A (vectors)
  std::uint64_t k0 = 0, k = 0;  // reduction slice
  std::uint64_t n0 = 0, n = 0;  // output slice
};
// Cycles of one tile (the formula above); independent of k and n (padding is explicit).
CyclesByPhase approx_tile_cycles(const ApproxArrayConfig& config, std::uint64_t m_vectors);

// Energy of one MAC of the named multiplier relative to the exact 8x8 multiplier, and its source.
struct RelativePower {
  double ratio = 1.0;
  std::string source;
};
RelativePower approx_relative_power(const std::string& multiplier, const EnergyTable& table);

// The timing-only call: cycles by phase, actions and energy of the array for one GEMM, in O(1).
// m_tile = 0 streams all M rows per weight tile.
LayerCost approx_cost_gemm(const ApproxArrayConfig& config, const GemmShape& shape,
                           const EnergyTable& table = EnergyTable::defaults(),
                           std::uint64_t m_tile = 0);

// The tile order of the controller: for m-tile, for n-tile, for k-tile (k innermost so that the
// partial sums stay in the output buffer and re-enter on acc_i).
std::vector<ApproxTile> approx_tiles(const ApproxArrayConfig& config, const GemmShape& shape,
                                     std::uint64_t m_tile = 0);

// Bit-exact tile computation with the golden table: out[m][n] += sum_k table(A[m][k], W[n][k]) for
// the tile's slice (mod 2^32 as the RTL's AccWidth = 32 accumulator). out: M x N int32.
void approx_compute_tile(const approx::MultiplierTable& table, const std::int8_t* a,
                         const std::int8_t* w, const GemmShape& shape, const ApproxTile& tile,
                         std::int32_t* out);

}  // namespace tessera::models
