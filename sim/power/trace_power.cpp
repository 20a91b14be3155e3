#include "sim/power/trace_power.h"

#include <cmath>
#include <cstdlib>
#include <random>

#include "golden/approx/catalog.h"
#include "golden/common/data_path.h"
#include "golden/common/error.h"
#include "models/approx/approx_array.h"
#include "models/common/energy.h"
#include "sim/power/cell_libraries.h"
#include "sim/power/hw_package.h"
#include "sim/rtl/tools.h"
#include "traces/activity/model_quality.h"
#include "traces/activity/proxy_activity.h"
#include "traces/activity/proxy_fit.h"
#include "traces/gate/energy_report.h"
#include "traces/gate/net_values.h"
#include "traces/gate/netlist.h"

namespace tessera::power {
namespace fs = std::filesystem;
namespace activity = traces::activity;

std::optional<MultiplierCircuit> tessera_circuit_for(const std::string& multiplier) {
  approx::MultiplierDesign design;
  try {
    design = approx::parse_multiplier_name(multiplier);
  } catch (const Error&) {
    return std::nullopt;
  }
  // Bundled EvoApprox circuits proven equal to a parametric design on every operand pair
  // (tests/golden/approx: catalog equivalences).
  if (design.kind == approx::MultiplierDesign::Kind::bundled) {
    if (design.name == "mul8s_1KV8") return tessera_circuit_for("exact");
    if (design.name == "mul8s_1KVA") return tessera_circuit_for("trunc2");
    if (design.name == "mul8s_1KVB") return tessera_circuit_for("trunc3");
    return std::nullopt;
  }
  int kind = 0, p0 = 0, p1 = 0;
  switch (design.kind) {
    case approx::MultiplierDesign::Kind::exact: kind = 0; break;
    case approx::MultiplierDesign::Kind::truncated: kind = 1; p0 = design.k; break;
    case approx::MultiplierDesign::Kind::broken_array: kind = 2; p0 = design.h; p1 = design.v; break;
    case approx::MultiplierDesign::Kind::drum: kind = 3; p0 = design.k; break;
    case approx::MultiplierDesign::Kind::mitchell: kind = 4; break;
    default: return std::nullopt;
  }
  MultiplierCircuit circuit;
  for (const char* file : {"tessera_approx_pkg.sv", "tessera_mul8s.sv", "tessera_mul8s_exact.sv", "tessera_mul8s_bw.sv",
                           "tessera_mul8s_trunc.sv", "tessera_mul8s_bam.sv", "tessera_mul8s_drum.sv",
                           "tessera_drum_operand.sv", "tessera_mul8s_mitchell.sv"}) {
    circuit.sources.push_back(data_path(std::string("hw/approx/") + file));
  }
  circuit.top = "tessera_mul8s";
  circuit.parameters = {{"MulKind", std::to_string(kind)}, {"MulP0", std::to_string(p0)}, {"MulP1", std::to_string(p1)}};
  circuit.port_a = "a_i";
  circuit.port_b = "b_i";
  circuit.port_o = "p_o";
  circuit.description = "tessera RTL hw/approx/tessera_mul8s.sv as " + design.name;
  return circuit;
}

namespace {

std::uint64_t code_bits(std::int8_t value) { return static_cast<std::uint8_t>(value); }

}  // namespace

namespace {

struct SynthesizedMultiplier {
  std::string library;
  std::int64_t cells = 0;
  double area_um2 = 0.0;
  traces::gate::GateNetlist netlist;
};

SynthesizedMultiplier synthesize_multiplier(const MultiplierCircuit& circuit, const GateLevelOptions& options) {
  const rtl::WorkDir work(options.work_dir, "trace_power");
  const CellLibrary library = cell_library(options.library);
  SynthesisSpec spec;
  spec.sources = with_tessera_hw_package(circuit.sources, work.path());
  spec.top = circuit.top;
  spec.parameters = circuit.parameters;
  spec.liberty_file = library.liberty_file;
  spec.structure = options.structure;
  spec.work_dir = work.path();
  const SynthesisResult synthesis = synthesize_to_liberty(spec, *library.library);
  return {library.name, synthesis.cells, synthesis.area_um2,
          traces::gate::load_yosys_netlist(synthesis.netlist_json, circuit.top, *library.library)};
}

GateLevelEnergies replay_energies(const MultiplierCircuit& circuit, const SynthesizedMultiplier& synthesized,
                                  const std::vector<std::vector<activity::PeStream>>& layers,
                                  const GateLevelOptions& options) {
  const traces::gate::GateNetlist& netlist = synthesized.netlist;
  // One replay for everything: each PE stream preceded by a reset vector (0, 0) whose cycle is
  // not counted. Vectors are indexed so the per-op energies can be cut back into layers.
  std::vector<std::uint64_t> port_a, port_b;
  std::vector<std::size_t> layer_of;  // per vector: layer index, or npos for a reset vector
  constexpr std::size_t kReset = static_cast<std::size_t>(-1);
  for (std::size_t l = 0; l < layers.size(); ++l) {
    for (const activity::PeStream& stream : layers[l]) {
      port_a.push_back(0);
      port_b.push_back(0);
      layer_of.push_back(kReset);
      for (std::size_t t = 0; t < stream.a.size(); ++t) {
        port_a.push_back(code_bits(stream.a[t]));
        port_b.push_back(code_bits(stream.b[t]));
        layer_of.push_back(l);
      }
    }
  }
  GateLevelEnergies result;
  result.library = synthesized.library;
  result.cells = synthesized.cells;
  result.area_um2 = synthesized.area_um2;
  result.per_op_pj.resize(layers.size());
  result.breakdown.resize(layers.size());
  if (port_a.empty()) return result;

  traces::gate::ReplayOptions replay_options;
  replay_options.clock_period_ns = options.clock_period_ns;
  replay_options.delays = options.delays;
  replay_options.per_cycle_energy = true;
  const traces::gate::ReplayResult replayed =
      traces::gate::replay(netlist, {{circuit.port_a, port_a}, {circuit.port_b, port_b}}, replay_options);
  result.leakage_pj_per_op = replayed.energy.leakage_pj / static_cast<double>(replayed.cycles);
  std::vector<double> layer_dynamic(layers.size(), 0.0);
  for (std::size_t i = 0; i < layer_of.size(); ++i) {
    if (layer_of[i] == kReset) continue;
    result.per_op_pj[layer_of[i]].push_back(replayed.energy_per_cycle_pj[i]);
    layer_dynamic[layer_of[i]] += replayed.energy_per_cycle_pj[i];
  }
  for (std::size_t l = 0; l < layers.size(); ++l) {
    result.breakdown[l] = traces::gate::share_of(replayed, layer_dynamic[l], result.per_op_pj[l].size());
  }
  return result;
}

}  // namespace

GateLevelEnergies gate_level_energies(const MultiplierCircuit& circuit,
                                      const std::vector<std::vector<activity::PeStream>>& layers,
                                      const GateLevelOptions& options) {
  return replay_energies(circuit, synthesize_multiplier(circuit, options), layers, options);
}

namespace {

// Per-op features of every PE stream of a layer, in the order gate_level_energies reports them.
std::vector<activity::OpFeatures> layer_features(const std::vector<activity::PeStream>& streams,
                                                 const approx::MultiplierTable& table) {
  std::vector<activity::OpFeatures> ops;
  for (const activity::PeStream& stream : streams) {
    std::vector<activity::OpFeatures> f = activity::multiplier_stream_features(stream.a, stream.b, table);
    ops.insert(ops.end(), f.begin(), f.end());
  }
  return ops;
}

}  // namespace

namespace {

// What both model kinds are fitted on: the PE streams of the training layers (each with its
// product table), plus seeded uniform operands, and the words describing them.
struct TrainingSet {
  std::vector<std::vector<activity::PeStream>> streams;
  std::vector<approx::MultiplierTable> tables;
  std::uint64_t stream_count = 0;
  std::string description;
};

TrainingSet training_set(const std::vector<tracing::ApproxLayerTrace>& training, const GateLevelOptions& options,
                         std::size_t uniform_ops) {
  if (training.empty()) throw ConfigError("power fit: no training traces");
  TrainingSet set;
  for (const tracing::ApproxLayerTrace& trace : training) {
    set.tables.push_back(tracing::trace_multiplier(trace));
    set.streams.push_back(tracing::trace_pe_streams(trace, set.tables.back()));
  }
  if (uniform_ops > 0) {
    constexpr std::size_t kHold = 64;  // ops per weight, as a PE keeps its weight for a tile
    std::mt19937_64 engine(1);
    std::vector<activity::PeStream> uniform;
    for (std::size_t done = 0; done < uniform_ops; done += kHold) {
      activity::PeStream stream;
      const auto b = static_cast<std::int8_t>(engine() & 0xFF);
      for (std::size_t t = 0; t < kHold && done + t < uniform_ops; ++t) {
        stream.a.push_back(static_cast<std::int8_t>(engine() & 0xFF));
        stream.b.push_back(b);
      }
      uniform.push_back(std::move(stream));
    }
    set.streams.push_back(std::move(uniform));
    set.tables.push_back(set.tables.front());
  }
  for (const std::vector<activity::PeStream>& layer : set.streams) set.stream_count += layer.size();
  std::string layers;
  for (const tracing::ApproxLayerTrace& trace : training) layers += (layers.empty() ? "" : ", ") + trace.header.layer;
  set.description = "gate-level (" + to_string(options.structure) + ", zero-delay) per-op energy of the PE streams of " +
                    std::to_string(training.size()) + " traced layer(s) of " + training.front().header.network + ": " + layers;
  if (uniform_ops > 0) set.description += ", plus " + std::to_string(uniform_ops) + " uniform random ops (weight held 64 ops)";
  return set;
}

activity::ModelMetadata fit_metadata(const std::vector<tracing::ApproxLayerTrace>& training, const MultiplierCircuit& circuit,
                                     const GateLevelOptions& options, const std::string& library, const TrainingSet& set) {
  activity::ModelMetadata metadata;
  metadata.unit = training.front().multiplier;
  metadata.library = library;
  metadata.design = circuit.description;
  metadata.top = circuit.top;
  metadata.clock_period_ns = options.clock_period_ns;
  metadata.fitted_on = set.description;
  metadata.fitted_streams = set.stream_count;
  return metadata;
}

}  // namespace

activity::LinearEnergyModel fit_multiplier_model(const std::vector<tracing::ApproxLayerTrace>& training,
                                                 const MultiplierCircuit& circuit, const GateLevelOptions& options,
                                                 std::vector<std::string> features, std::size_t uniform_ops) {
  const TrainingSet set = training_set(training, options, uniform_ops);
  if (features.empty()) features = activity::array_multiplier_features();
  const GateLevelEnergies gate = gate_level_energies(circuit, set.streams, options);
  std::vector<activity::OpFeatures> ops;
  std::vector<double> energies;
  for (std::size_t l = 0; l < set.streams.size(); ++l) {
    const std::vector<activity::OpFeatures> f = layer_features(set.streams[l], set.tables[l]);
    ops.insert(ops.end(), f.begin(), f.end());
    for (const double e : gate.per_op_pj[l]) energies.push_back(e + gate.leakage_pj_per_op);
  }
  // Terms the training ops never exercise (e.g. the sign column when no activation is negative)
  // cannot be fitted: they are left out, and the model file lists what it uses.
  std::vector<std::string> used, dropped;
  for (const std::string& name : features) {
    const activity::Feature f = activity::features_from_names({name}).front();
    bool varies = false;
    for (const activity::OpFeatures& op : ops) {
      if (op[f] != ops.front()[f]) {
        varies = true;
        break;
      }
    }
    (varies ? used : dropped).push_back(name);
  }
  features = used;
  const Eigen::MatrixXd x = activity::feature_matrix(ops, features);
  const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(energies.data(), static_cast<Eigen::Index>(energies.size()));
  activity::ModelMetadata metadata = fit_metadata(training, circuit, options, gate.library, set);
  if (!dropped.empty()) {
    std::string list;
    for (const std::string& name : dropped) list += (list.empty() ? "" : ", ") + name;
    metadata.fitted_on += "; constant there, so left out: " + list;
  }
  return activity::fit_linear_energy_model(x, features, y, {}, metadata);
}

activity::ProxyEnergyModel fit_proxy_multiplier_model(const std::vector<tracing::ApproxLayerTrace>& training,
                                                      const MultiplierCircuit& circuit, const GateLevelOptions& options,
                                                      std::size_t proxies, std::size_t uniform_ops) {
  const TrainingSet set = training_set(training, options, uniform_ops);
  const SynthesizedMultiplier synthesized = synthesize_multiplier(circuit, options);
  const GateLevelEnergies gate = replay_energies(circuit, synthesized, set.streams, options);
  std::vector<activity::PeStream> streams;
  std::vector<double> energies;
  for (std::size_t l = 0; l < set.streams.size(); ++l) {
    streams.insert(streams.end(), set.streams[l].begin(), set.streams[l].end());
    for (const double e : gate.per_op_pj[l]) energies.push_back(e + gate.leakage_pj_per_op);
  }
  // Every net's value over all operand pairs, in table order: port A is the high byte.
  std::vector<std::uint64_t> port_a(activity::kOperandPairs), port_b(activity::kOperandPairs);
  for (std::size_t pair = 0; pair < activity::kOperandPairs; ++pair) {
    port_a[pair] = pair >> 8;
    port_b[pair] = pair & 0xFF;
  }
  std::vector<std::vector<std::uint64_t>> values =
      traces::gate::all_net_values(synthesized.netlist, {{circuit.port_a, port_a}, {circuit.port_b, port_b}});
  std::vector<activity::ProxyCandidate> candidates;
  for (traces::gate::NetId net = 0; net < synthesized.netlist.net_count(); ++net) {
    if (synthesized.netlist.net_constant(net)) continue;
    candidates.push_back({synthesized.netlist.net_name(net), std::move(values[net])});
  }
  activity::ProxyFitOptions fit_options;
  fit_options.max_proxies = proxies;
  activity::ModelMetadata metadata = fit_metadata(training, circuit, options, gate.library, set);
  return activity::fit_proxy_energy_model(candidates, streams, energies, fit_options, metadata);
}

std::optional<double> LayerPowerEstimate::model_error() const {
  if (!model_pj || !gate || gate->total_pj() <= 0.0) return std::nullopt;
  return (*model_pj - gate->total_pj()) / gate->total_pj();
}

std::vector<LayerPowerEstimate> trace_power(const std::vector<tracing::ApproxLayerTrace>& layers,
                                            const TracePowerOptions& options) {
  const models::EnergyTable& energy = models::EnergyTable::defaults();
  std::vector<LayerPowerEstimate> estimates;
  std::vector<approx::MultiplierTable> tables;
  std::vector<std::vector<activity::PeStream>> streams;
  for (const tracing::ApproxLayerTrace& trace : layers) {
    LayerPowerEstimate estimate;
    estimate.layer = trace.header.layer;
    estimate.path = trace.path;
    estimate.multiplier = trace.multiplier;
    estimate.macs = trace.macs();
    const models::RelativePower relative = models::approx_relative_power(trace.multiplier, energy);
    estimate.table_pj = static_cast<double>(estimate.macs) * energy.pj("digital.mul_int8") * relative.ratio;
    estimate.table_source = "digital.mul_int8 x " + std::to_string(relative.ratio) + " (" + relative.source + ")";
    tables.push_back(tracing::trace_multiplier(trace));
    if (options.gate_level || (options.model && std::holds_alternative<activity::ProxyEnergyModel>(*options.model))) {
      streams.push_back(tracing::trace_pe_streams(trace, tables.back()));
    }
    if (const auto* proxy = options.model ? std::get_if<activity::ProxyEnergyModel>(&*options.model) : nullptr) {
      activity::ProxyCounts counts;
      for (const activity::PeStream& stream : streams.back()) counts += activity::proxy_stream_counts(proxy->table(), stream.a, stream.b);
      estimate.model_pj = proxy->predict_pj(counts);
    } else if (options.model) {
      estimate.model_pj = std::get<activity::LinearEnergyModel>(*options.model).predict_pj(tracing::trace_activity(trace, tables.back()));
    }
    estimates.push_back(std::move(estimate));
  }
  if (!options.gate_level || layers.empty()) return estimates;

  std::optional<MultiplierCircuit> circuit = options.circuit;
  if (!circuit) {
    for (const tracing::ApproxLayerTrace& trace : layers) {
      if (trace.multiplier != layers.front().multiplier) {
        throw ConfigError("power --gate-level: the traces use different multipliers (" + layers.front().multiplier +
                          ", " + trace.multiplier + "); price them separately or give one circuit with --rtl");
      }
    }
    circuit = tessera_circuit_for(layers.front().multiplier);
    if (!circuit) {
      throw ConfigError("power --gate-level: tessera has no circuit for multiplier '" + layers.front().multiplier +
                        "' (RTL exists for exact, trunc<k>, bam_h<h>_v<v>, drum<k>, mitchell, mul8s_1KV8, mul8s_1KVA, "
                        "mul8s_1KVB); give its Verilog with --rtl FILE --top MODULE");
    }
  }
  const GateLevelEnergies gate = gate_level_energies(*circuit, streams, options.gate);
  for (std::size_t l = 0; l < estimates.size(); ++l) {
    estimates[l].gate = gate.breakdown[l];
    if (!options.model) continue;
    std::vector<double> predicted;
    for (const activity::PeStream& stream : streams[l]) {
      const std::vector<double> p = activity::predict_stream_pj(*options.model, stream.a, stream.b, tables[l]);
      predicted.insert(predicted.end(), p.begin(), p.end());
    }
    std::vector<double> actual = gate.per_op_pj[l];
    for (double& e : actual) e += gate.leakage_pj_per_op;
    estimates[l].per_op_r2 = activity::per_op_r_squared(actual, predicted);
  }
  return estimates;
}

}  // namespace tessera::power
