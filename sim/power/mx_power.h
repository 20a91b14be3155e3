#pragma once
// Trace-driven power of MX layers: the block pairs `tessera run --trace` recorded for an mx layer,
// replayed gate-level through tessera_mx_dot (hw/mx/tessera_mx_dot.sv, the whole unit: decode,
// multiply, exact adder tree, FP32 normalise/round, its 3 register stages) synthesised onto a
// cell library, checked against golden mx_dot pair by pair, and the fitted data-dependent model
// (traces/activity/mx_energy_model.h) that prices them without a netlist.
//
// The netlist is the unit with the trace's formats and block size. Its code ports are
// BlockSize*8 bits and the replay feeds at most 64 bits a port, so the synthesised top is a
// generated wrapper that splits them into 64-bit words (8 codes each); flattening removes it.
// Replay: every layer's pairs are preceded by kMxFlushPairs zero pairs (reset state, energy not
// counted), valid_i is held 1, rst_ni inactive; lanes are primed with 4 vectors (3 register
// stages + 1, ReplayOptions::priming_vectors), so every cycle's energy is exact.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/power/trace_power.h"
#include "sim/tracing/mx_trace_reader.h"
#include "traces/activity/mx_energy_model.h"

namespace tessera::power {

inline constexpr std::size_t kMxFlushPairs = 4;

// Sources, top and parameters of the wrapped unit for these formats and block size.
MultiplierCircuit mx_dot_circuit(mx::ElementFormat format_a, mx::ElementFormat format_b, std::size_t block_size,
                                 const std::filesystem::path& work_dir);

struct MxGateLevelEnergies {
  std::string library;
  std::int64_t cells = 0;
  double area_um2 = 0.0;
  std::vector<std::vector<double>> per_pair_pj;  // per layer, dynamic energy of each pair's cycle
  std::vector<traces::gate::EnergyBreakdown> breakdown;  // per layer
  double leakage_pj_per_pair = 0.0;
  std::uint64_t pairs_checked = 0;  // results compared bit for bit with golden mx_dot
};

// Synthesises once and replays every layer's pairs (all must share formats and block size:
// ConfigError otherwise). A netlist result that differs from golden mx_dot is an Error naming
// the pair.
MxGateLevelEnergies mx_gate_level_energies(const std::vector<traces::activity::MxBlockPairs>& layers,
                                           const GateLevelOptions& options);

// Fits the model on the gate-level per-cycle energies (dynamic + leakage) of `training`'s pairs.
traces::activity::MxEnergyModel fit_mx_model(const std::vector<tracing::MxLayerTrace>& training,
                                             const GateLevelOptions& options);

struct MxLayerPowerEstimate {
  std::string layer, path;
  std::uint64_t macs = 0, block_pairs = 0;
  double table_pj = 0.0;  // models' energy table (the MX unit's per-MAC figures)
  std::string table_source;
  std::optional<double> model_pj;
  std::optional<traces::gate::EnergyBreakdown> gate;
  std::optional<double> per_pair_r2;  // model vs gate, per cycle
  std::optional<double> model_error() const;  // (model - gate) / gate, totals
};

struct MxTracePowerOptions {
  std::optional<traces::activity::MxEnergyModel> model;
  bool gate_level = false;
  // With gate_level: fit a model on these layers' gate-level energies (one synthesis and replay
  // for both), store it in `model` and price the layers with it.
  bool fit_model = false;
  GateLevelOptions gate;
};
std::vector<MxLayerPowerEstimate> mx_trace_power(const std::vector<tracing::MxLayerTrace>& layers,
                                                 MxTracePowerOptions& options);

}  // namespace tessera::power
