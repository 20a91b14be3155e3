#pragma once
// TLM-2.0 loosely-timed SystemC models of the three units, driven by a controller that issues one
// blocking transaction per tile and keeps time with a tlm_quantumkeeper (temporal decoupling).
// Each unit module computes the tile's results with the golden arithmetic (bit-exact) and
// annotates the tile's latency from the same per-tile formulas as the timing-only API, so
//   simulated cycles == approx_cost_gemm / mx_cost_gemm / optical_cost_gemm cycles (unit only).
//
// With a ShellConfig the controller also drives the accelerator shell (models/shell): before a tile
// a DMA module loads its operands from a DRAM module (latency + bytes / bandwidth) into the
// activation and weight scratchpads, after it the output scratchpad is written back; with double
// buffering the next tile's loads overlap the current tile's compute (two buffers per scratchpad,
// so a load waits until the tile two back has finished), and the unit waits for its operands.
// The DRAM traffic per tile follows cost_layer's policy, so the bytes equal its figures; the cycles
// are a per-tile schedule where cost_layer has a closed form (tests/models bound the difference).
//
// The SystemC kernel allows one elaboration per process, so the modules live in one process-wide
// system built on first use (time resolution 1 ps); each run_* call queues its tiles, starts the
// simulation until the controller is idle again, and reads the elapsed simulated time.
#include <cstdint>
#include <functional>
#include <vector>

#include "golden/approx/table.h"
#include "golden/mx/tensor.h"
#include "golden/optical/matmul.h"
#include "golden/optical/matrix.h"
#include "models/approx/approx_array.h"
#include "models/mx/mx_unit.h"
#include "models/optical/optical_array.h"
#include "models/shell/accelerator.h"

namespace tessera::models {

// What the shell's modules did during a run (all zero without a shell).
struct ShellActivity {
  double dram_read_bytes = 0.0, dram_write_bytes = 0.0;
  double act_scratchpad_write_bytes = 0.0, weight_scratchpad_write_bytes = 0.0, out_scratchpad_read_bytes = 0.0;
  std::uint64_t dma_transfers = 0;     // DmaCommands: a tile's activation/weight load or write-back
  std::uint64_t dma_bursts = 0;        // TLM transactions they took (at most one scratchpad buffer each)
  std::uint64_t dma_busy_cycles = 0;   // the DRAM channel's occupancy, bytes / bandwidth summed
  std::uint64_t compute_cycles = 0;    // the unit's tile latencies, summed
  std::uint64_t stall_cycles = 0;      // simulated cycles - compute cycles: the unit waiting on the DMA
};

struct TlmRun {
  std::uint64_t simulated_cycles = 0;  // elapsed simulated time / clock period
  std::uint64_t transactions = 0;      // tiles issued
  std::uint64_t quantum_syncs = 0;     // times the quantum keeper yielded to the kernel
  double wall_seconds = 0.0;
  ShellActivity shell;
};

struct ApproxTlmResult {
  std::vector<std::int32_t> out;  // M x N, equal to golden approx_gemm
  TlmRun run;
  // Sum of the multiplier-energy hook over the tiles (0 without a hook).
  double multiplier_energy_pj = 0.0;
};
// Prices the multiplications of one tile from the operands the array consumes there (a: M x K,
// w: N x K of the whole GEMM; the tile says which slice). models/ knows no energy model of
// operand activity: the caller supplies one (sim/tracing/activity_pricing.h does).
using ApproxTileEnergyFn =
    std::function<double(const std::int8_t* a, const std::int8_t* w, const GemmShape& shape, const ApproxTile& tile)>;
// quantum_ns: the global quantum of the quantum keeper. `multiplier_energy`, when given, is called
// once per tile as the array module executes it. With a `shell`, m_tile 0 means the controller's
// (controller_m_tile).
ApproxTlmResult run_approx_tlm(const ApproxArrayConfig& config, const approx::MultiplierTable& table,
                               const std::int8_t* a, const std::int8_t* w, const GemmShape& shape,
                               std::uint64_t m_tile = 0, double quantum_ns = 1000.0,
                               const ApproxTileEnergyFn& multiplier_energy = {}, const ShellConfig* shell = nullptr);

struct MxTlmResult {
  std::vector<float> out;  // M x N, equal to golden mx_gemm(quantize(A), quantize(B))
  TlmRun run;
};
// a: M x K FP32, b: N x K FP32 (quantized with format_b, policy defaults, before the run). With a
// `shell`, the m-tile is the controller's (controller_m_tile), as in cost_layer.
MxTlmResult run_mx_tlm(const MxUnitConfig& config, const float* a, const float* b,
                       const GemmShape& shape, double quantum_ns = 1000.0, const ShellConfig* shell = nullptr);

struct OpticalTlmResult {
  optical::Matrix out;  // equal to golden optical_gemm
  TlmRun run;
};
OpticalTlmResult run_optical_tlm(const OpticalArrayConfig& config, const optical::Matrix& x,
                                 const optical::Matrix& w, const std::vector<float>& bias,
                                 const optical::OpticalGemmSpec& spec, const optical::CallKey& key,
                                 double quantum_ns = 1000.0, const ShellConfig* shell = nullptr);

}  // namespace tessera::models
