#pragma once
// Cycle-approximate model of the MX unit: the pipelined quantizer (hw/mx/tessera_mx_quantizer.sv,
// one block per cycle, latency MxQuantizerLatency = 3) feeding the dot-product engine
// (hw/mx/tessera_mx_dot.sv, one block pair per cycle, latency MxDotLatency = 3), plus an FP32
// block accumulator (not in the RTL: accumulate_latency is a parameter, default 0).
// Convention of every model: n items through a pipeline of latency L take n + L - 1 clock edges
// (from the edge that takes the first item to the edge after which the last result is valid).
//
// Mapping of C = A (M x K) . B^T (B: N x K): K is cut in kb = ceil(K / block_size) blocks. The
// controller sends m-tiles of tile_m rows of A (0 = all M). Per m-tile with m_t rows:
//   quantizer blocks q = m_t*kb (+ the tile's share of N*kb if quantize_weights: B is quantized
//   with the first m-tile), block pairs d = m_t*N*kb;
//   cycles = (quantizer_latency + dot_latency - 1) [fill] + ceil(d/dot_units) [steady]
//          + max(0, ceil(q/quantizer_units) - ceil(d/dot_units)) [stall: quantizer-bound]
//          + accumulate_latency [drain]
// (the quantizer streams blocks into the dot engine; a row's blocks are reused for all N columns).
#include <cstdint>
#include <string>
#include <vector>

#include "golden/mx/element_format.h"
#include "golden/mx/policy.h"
#include "golden/mx/tensor.h"
#include "models/common/cost.h"
#include "models/common/energy.h"

namespace tessera::models {

struct MxUnitConfig {
  std::uint64_t block_size = 32;          // hw MxBlockSize
  mx::ElementFormat format_a = mx::ElementFormat::fp8_e4m3;
  mx::ElementFormat format_b = mx::ElementFormat::fp8_e4m3;
  std::uint64_t quantizer_units = 1;      // blocks per cycle into the quantizers
  std::uint64_t dot_units = 1;            // block pairs per cycle into the dot engines
  std::uint64_t quantizer_latency = 3;    // hw MxQuantizerLatency
  std::uint64_t dot_latency = 3;          // hw MxDotLatency
  std::uint64_t accumulate_latency = 0;   // FP32 block accumulator stages (not in the RTL)
  std::uint64_t tile_m = 0;               // rows of A per tile (0 = all)
  bool quantize_weights = false;          // false: B arrives already in MX (offline quantized)
  double clock_ghz = 1.0;
  mx::Accumulation accumulation = mx::Accumulation::fused_exact;
  // Scales the dot engine's arithmetic energy (dot_multipliers, dot_adder_tree) for the activity of
  // the operands it processes: energy per MAC of the real block pairs over that of uniform random
  // operands (sim/tracing/mx_activity_pricing.h); 1 = the table alone.
  double dot_activity_factor = 1.0;
};
// Keys: block_size, format_a, format_b (golden names, e.g. "fp8_e4m3"), quantizer_units, dot_units,
// quantizer_latency, dot_latency, accumulate_latency, tile_m, quantize_weights, clock_ghz,
// accumulation ("fused_exact" | "block_then_fp32" | "emu_dequant_fp32"), dot_activity_factor ([0, 100]).
MxUnitConfig mx_config_from_json(const Json& object, const std::string& where);

// Significand bits (with the hidden bit) of an element format: the multiplier width of the dot engine.
int mx_significand_bits(mx::ElementFormat format);

CyclesByPhase mx_tile_cycles(const MxUnitConfig& config, std::uint64_t m_rows, std::uint64_t n,
                             std::uint64_t k, bool quantizes_weights);

// The timing-only call (O(1)).
LayerCost mx_cost_gemm(const MxUnitConfig& config, const GemmShape& shape,
                       const EnergyTable& table = EnergyTable::defaults());

// Bit-exact tile: rows [m0, m0+m) of C = mx_gemm(quantize(A rows), B_q). out: M x N floats.
void mx_compute_tile(const MxUnitConfig& config, const float* a, const mx::QuantizedRows& b_q,
                     const GemmShape& shape, std::uint64_t m0, std::uint64_t m, float* out);

}  // namespace tessera::models
