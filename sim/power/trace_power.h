#pragma once
// Trace-driven power of approx layers: the operand streams `tessera run --trace` recorded, priced
// three ways — the models' energy table, the fitted data-dependent model (traces/activity: linear in
// operand features or in proxy-net toggles, whichever kind is given) and the
// gate-level reference (replay through the multiplier's netlist on a standard-cell library) — and
// the fitting of that model on gate-level energies of traced layers.
//
// The unit priced is the array's multiplier, one per PE, fed each PE's (activation, weight)
// stream in the order the weight-stationary array consumes it. Every PE stream starts from the
// reset state (operands 0), as the activity features assume: a (0, 0) vector precedes each stream
// in the replay and its energy is not counted.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/power/synthesis.h"
#include "sim/tracing/approx_trace_reader.h"
#include "traces/activity/energy_model.h"
#include "traces/activity/multiplier_model.h"
#include "traces/gate/replay.h"
#include "traces/activity/proxy_model.h"
#include "traces/gate/replay.h"

namespace tessera::power {

// A multiplier circuit: sources, top, parameters, ports.
struct MultiplierCircuit {
  std::vector<std::filesystem::path> sources;
  std::string top;
  std::vector<std::pair<std::string, std::string>> parameters;
  std::string port_a = "A", port_b = "B", port_o = "O";
  std::string description;  // where it comes from, in words
};

// tessera's RTL for a multiplier name (golden/approx/catalog.h): the parametric designs (exact,
// trunc<k>, bam_h<h>_v<v>, drum<k>, mitchell) as hw/approx/tessera_mul8s.sv with their parameters,
// and the bundled EvoApprox circuits that equal one of them on all 65,536 operand pairs (mul8s_1KV8
// = exact, mul8s_1KVA = trunc2, mul8s_1KVB = trunc3). nullopt for the others (EvoApprox ships no
// signed Verilog with tessera: give the circuit with --rtl).
std::optional<MultiplierCircuit> tessera_circuit_for(const std::string& multiplier);

struct GateLevelOptions {
  std::string library = "sky130";
  Structure structure = Structure::keep;
  double clock_period_ns = 10.0;
  // zero: settled changes only (what the fitted models learn); unit / liberty: glitches too.
  traces::gate::DelayModel delays = traces::gate::DelayModel::zero;
  std::filesystem::path work_dir;  // empty: a temporary directory
};

// Per-op gate-level energy of every PE stream of some layers, with one synthesis of the circuit.
struct GateLevelEnergies {
  std::string library;
  std::int64_t cells = 0;
  double area_um2 = 0.0;
  // Per layer, in the order given: per op dynamic energy (pJ), PE streams concatenated in order;
  // and the layer's breakdown (switching, internal, clock, leakage) over those ops.
  std::vector<std::vector<double>> per_op_pj;
  std::vector<traces::gate::EnergyBreakdown> breakdown;
  double leakage_pj_per_op = 0.0;
};
GateLevelEnergies gate_level_energies(const MultiplierCircuit& circuit,
                                      const std::vector<std::vector<traces::activity::PeStream>>& layers,
                                      const GateLevelOptions& options);

// Fits a linear energy model (total energy per op: dynamic + leakage) on the gate-level energies of
// `training` layers' PE streams. `features`: the feature names to use (empty: the multiplier
// set, traces::activity::array_multiplier_features()); features constant over the training ops are
// left out (named in the model's fitted_on).
// `uniform_ops` > 0 adds that many seeded uniform random operands as weight-stationary streams (a
// new uniform weight every 64 ops), so that operand patterns the traces never show (negative
// activations after a ReLU network, say) still constrain the model.
traces::activity::LinearEnergyModel fit_multiplier_model(const std::vector<tracing::ApproxLayerTrace>& training,
                                                         const MultiplierCircuit& circuit,
                                                         const GateLevelOptions& options,
                                                         std::vector<std::string> features = {},
                                                         std::size_t uniform_ops = 0);

// Fits a proxy-net model (traces/activity/proxy_model.h) on the same gate-level energies as
// fit_multiplier_model: up to `proxies` nets of the synthesised netlist chosen by matching
// pursuit, their values tabulated over all 65,536 operand pairs.
traces::activity::ProxyEnergyModel fit_proxy_multiplier_model(const std::vector<tracing::ApproxLayerTrace>& training,
                                                              const MultiplierCircuit& circuit,
                                                              const GateLevelOptions& options, std::size_t proxies,
                                                              std::size_t uniform_ops = 0);

// One traced layer priced three ways (multiplier energy of the recorded MACs).
struct LayerPowerEstimate {
  std::string layer, path, multiplier;
  std::uint64_t macs = 0;
  double table_pj = 0.0;  // models' energy table: digital.mul_int8 x relative power (45 nm figures)
  std::string table_source;
  std::optional<double> model_pj;                       // fitted data-dependent model
  std::optional<traces::gate::EnergyBreakdown> gate;    // gate-level reference
  std::optional<double> per_op_r2;                      // model vs gate, per op
  std::optional<double> model_error() const;           // (model - gate) / gate, totals
};

struct TracePowerOptions {
  std::optional<traces::activity::MultiplierModel> model;  // absent: no data-dependent column
  bool gate_level = false;
  std::optional<MultiplierCircuit> circuit;  // absent: tessera_circuit_for(the trace's multiplier)
  GateLevelOptions gate;
};
std::vector<LayerPowerEstimate> trace_power(const std::vector<tracing::ApproxLayerTrace>& layers,
                                            const TracePowerOptions& options);

}  // namespace tessera::power
