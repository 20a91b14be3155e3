#pragma once
// `tessera cosim`: one unit's TLM model against its verilated RTL on seeded random tiles, checked
// output bit by output bit and tile by tile in clock edges. Only the RTL verilated into this build
// can run (verilated_units.h); anything else is an InputError naming what exists.
#include <cstdint>
#include <optional>
#include <string>

#include "models/common/json_config.h"

namespace tessera::cosim {

struct CosimOptions {
  std::string unit;                   // "approx" | "mx" | "optical" (its digital periphery)
  std::optional<std::uint64_t> rows;  // approx, optical: must equal the verilated array (default: it)
  std::optional<std::uint64_t> cols;
  std::optional<std::string> multiplier;  // approx: a verilated multiplier (default "exact")
  std::uint64_t tiles = 8;            // tiles the workload is cut into (approx_tiles / m-tiles)
  std::uint64_t seed = 1;
  // "cpp": this thread clocks the C++-verilated RTL edge by edge beside the TLM model (fast).
  // "systemc": the --sc verilated RTL is clocked by a SystemC testbench thread in the same sc_start
  // as the TLM model (systemc_units.h); only the RTL verilated with --sc, once per process.
  std::string kernel = "cpp";
};

// The GEMM a run uses, chosen so that it has exactly `tiles` tiles and exercises padding:
//   approx: M = 32 vectors (one m-tile); 2 k-tiles when tiles is even (partial sums re-enter on
//           acc_i), else 1; n-tiles = tiles / k-tiles; K and N one short of full tiles when the
//           array dimension allows, so the last k- and n-tile are zero padded;
//   mx:     m-tiles of 4 rows, M = 4 * tiles - 1 (the last tile ragged), K = 70 (3 blocks of 32,
//           the last holding 6 elements), N = 8;
//   optical: output tiles of rows x cols; 2 n-tiles when tiles is even, else 1; m-tiles =
//           tiles / n-tiles; M and N one short of whole tiles, K = 3λ - 1 (3 passes per tile, the
//           last with an idle lane).
struct CosimWorkload {
  std::uint64_t m = 0, k = 0, n = 0;
  std::uint64_t m_tile = 0;  // rows of A per tile (0: all of M)
};
CosimWorkload approx_workload(std::uint64_t rows, std::uint64_t cols, std::uint64_t tiles);
CosimWorkload mx_workload(std::uint64_t tiles);
CosimWorkload optical_workload(std::uint64_t rows, std::uint64_t cols, std::uint64_t wavelengths, std::uint64_t tiles);

struct CosimRunReport {
  bool passed = false;  // no differing output bit and no differing tile edge count
  // scoreboard report + per_tile, unit, kernel, rtl, shape, seed, and the model's timing-only time
  // for the same GEMM with both speed ratios: model_timing_seconds (per cost-formula call, the
  // fastest of several batches of repeated calls), speedup_with_data = rtl_seconds / model_seconds, speedup_timing_only =
  // rtl_seconds / model_timing_seconds, all measured in this run.
  models::Json json;
};

// Throws InputError for an unknown or unsupported unit or kernel, a size, multiplier or option the
// build did not verilate, and tiles outside [1, 100000]; Error for --kernel systemc in a process
// whose SystemC kernel already ran.
CosimRunReport run_cosim(const CosimOptions& options);

}  // namespace tessera::cosim
