#pragma once
// The accelerator shell around one unit: scratchpads (activations, weights, outputs), a DMA with a
// DRAM bandwidth/latency model, and a controller that tiles a layer's GEMM onto the unit with
// double buffering. This header holds the timing-only API the network runtime calls per layer:
//
//   AcceleratorConfig cfg = accelerator_config_from_json(json, "config");
//   LayerCost c = cost_layer(cfg, GemmShape{m, k, n});        // microseconds per call
//   LayerCost c = cost_conv(cfg, ConvShape{...});             // conv lowered to GEMM (im2col)
#include <cstdint>
#include <string>

#include "models/approx/approx_array.h"
#include "models/common/cost.h"
#include "models/common/energy.h"
#include "models/mx/mx_unit.h"
#include "models/optical/optical_array.h"

namespace tessera::models {

struct ShellConfig {
  std::uint64_t act_scratchpad_bytes = 64 * 1024;
  std::uint64_t weight_scratchpad_bytes = 64 * 1024;
  std::uint64_t out_scratchpad_bytes = 64 * 1024;
  std::uint64_t sram_access_bytes = 8;      // one scratchpad access (64-bit word)
  double dram_bandwidth_gb_per_s = 25.6;    // e.g. one DDR4-3200 x64 channel
  double dram_latency_ns = 100.0;
  bool double_buffer = true;
};
ShellConfig shell_config_from_json(const Json& object, const std::string& where);

struct AcceleratorConfig {
  std::string unit = "approx";  // "approx" | "mx" | "optical"
  ApproxArrayConfig approx;
  MxUnitConfig mx;
  OpticalArrayConfig optical;
  ShellConfig shell;
  double clock_ghz() const;
};
// {"unit": "approx", "approx": {...}, "mx": {...}, "optical": {...}, "shell": {...}}
AcceleratorConfig accelerator_config_from_json(const Json& object, const std::string& where);

// Bytes per element the shell moves for the unit: activations in, weights in, results out.
struct OperandBytes {
  double activation = 1.0, weight = 1.0, output = 4.0;
};
OperandBytes operand_bytes(const AcceleratorConfig& config);

// Rows of A per pass that the output and activation scratchpads hold (half of each when double
// buffered): approx: min(M, out/(cols*4), act/(rows*a)); others: min(M, out/(N*4), act/(K*a)), >= 1.
std::uint64_t controller_m_tile(const AcceleratorConfig& config, const GemmShape& shape);

// The controller's DRAM traffic policy, shared by cost_layer and the TLM shell (models/tlm):
// the weights are read from DRAM once when the weight matrix fits the weight scratchpad (the
// optical array uses each weight tile once anyway), else once per m-tile; the activations of an
// m-tile (the optical array: of all M rows, which every weight tile sweeps) are read once when
// they fit the activation scratchpad's buffer, else once per output tile.
bool weights_resident(const AcceleratorConfig& config, const GemmShape& shape);
bool activations_resident(const AcceleratorConfig& config, const GemmShape& shape, std::uint64_t m_tile);

// Scratchpad access energy (pJ) of one sram_access_bytes access to a buffer of `capacity_bytes`:
// log-log interpolation between the digital.sram_64bit_* table points, scaled by access width.
double sram_access_pj(const EnergyTable& table, std::uint64_t capacity_bytes, std::uint64_t access_bytes);

// The per-layer timing-only call: the unit's cost plus scratchpad and DRAM traffic, DMA stalls
// (double buffering: total = max(compute, dram) + first load + last write-back; without: compute +
// dram + latency per tile) and their energies.
LayerCost cost_layer(const AcceleratorConfig& config, const GemmShape& shape,
                     const EnergyTable& table = EnergyTable::defaults());

struct ConvShape {
  std::uint64_t batch = 1, in_channels = 1, in_h = 1, in_w = 1, out_channels = 1;
  std::uint64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
  std::uint64_t dilation_h = 1, dilation_w = 1, groups = 1;
};
// im2col: M = batch*out_h*out_w, K = (in_channels/groups)*kernel_h*kernel_w, N = out_channels/groups,
// out = (in + 2 pad - dilation*(kernel-1) - 1)/stride + 1. ConfigError for invalid shapes.
GemmShape conv_to_gemm(const ConvShape& conv);
// groups x cost_layer(conv_to_gemm(conv)).
LayerCost cost_conv(const AcceleratorConfig& config, const ConvShape& conv,
                    const EnergyTable& table = EnergyTable::defaults());

}  // namespace tessera::models
