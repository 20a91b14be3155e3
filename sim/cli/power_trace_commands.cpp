// tessera power --trace DIR: per-layer multiplier energy of recorded traces, from the energy table,
// the fitted data-dependent model and (--gate-level) the gate-level reference with the model's error.
// tessera power fit --trace DIR: fits that model on gate-level energies of traced layers and checks
// it on held-out layers.
#include <algorithm>
#include <iomanip>
#include <optional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "sim/cli/commands.h"
#include "sim/power/trace_power.h"
#include "sim/report/text_table.h"
#include "sim/tracing/activity_pricing.h"
#include "sim/tracing/approx_trace_reader.h"
#include "traces/activity/model_file.h"
#include "traces/format/list_traces.h"
#include "traces/activity/model_quality.h"
#include "traces/activity/multiplier_model.h"
#include "traces/activity/proxy_model_file.h"

namespace tessera::cli {
namespace {

struct CircuitArguments {
  std::vector<std::string> rtl;
  std::string top;
  std::vector<std::string> parameters;  // NAME=VALUE
  std::string port_a = "A", port_b = "B", port_o = "O";
};

struct TracePowerArguments {
  std::string trace_dir;
  std::string library = "sky130";
  std::string structure = "keep";
  std::string model_path;
  bool gate_level = false;
  std::string delays = "zero";
  std::string json_out;
  CircuitArguments circuit;
};

struct FitArguments {
  std::string trace_dir;
  std::string validate_dir;
  std::string out;
  std::string library = "sky130";
  std::string structure = "keep";
  std::vector<std::string> features;
  std::size_t uniform_ops = 0;
  std::optional<std::size_t> proxies;  // unset: fit both kinds and keep the better
  CircuitArguments circuit;
};

void add_circuit_options(CLI::App* command, CircuitArguments& circuit) {
  command->add_option("--rtl", circuit.rtl, "Verilog of the multiplier (repeat for several files); default: "
                                            "tessera's RTL of the traces' multiplier");
  command->add_option("--top", circuit.top, "Top module of --rtl");
  command->add_option("--param", circuit.parameters, "Top-level parameter NAME=VALUE (repeatable)");
  command->add_option("--port-a", circuit.port_a, "Activation input port, 8 bits")->capture_default_str();
  command->add_option("--port-b", circuit.port_b, "Weight input port, 8 bits")->capture_default_str();
  command->add_option("--port-o", circuit.port_o, "Product output port, 16 bits")->capture_default_str();
}

std::optional<power::MultiplierCircuit> circuit_from(const CircuitArguments& arguments) {
  if (arguments.rtl.empty()) {
    if (!arguments.top.empty()) throw InputError("--top needs --rtl FILE");
    return std::nullopt;
  }
  if (arguments.top.empty()) throw InputError("--rtl needs --top MODULE");
  power::MultiplierCircuit circuit;
  for (const std::string& file : arguments.rtl) circuit.sources.emplace_back(file);
  circuit.top = arguments.top;
  for (const std::string& parameter : arguments.parameters) {
    const std::size_t eq = parameter.find('=');
    if (eq == std::string::npos || eq == 0) throw InputError("--param '" + parameter + "': expected NAME=VALUE");
    circuit.parameters.emplace_back(parameter.substr(0, eq), parameter.substr(eq + 1));
  }
  circuit.port_a = arguments.port_a;
  circuit.port_b = arguments.port_b;
  circuit.port_o = arguments.port_o;
  circuit.description = arguments.top + " from " + arguments.rtl.front();
  return circuit;
}

power::MultiplierCircuit resolve_circuit(const CircuitArguments& arguments, const std::string& multiplier) {
  if (auto given = circuit_from(arguments)) return *given;
  if (auto ours = power::tessera_circuit_for(multiplier)) return *ours;
  throw ConfigError("tessera has no circuit for multiplier '" + multiplier +
                    "'; give its Verilog with --rtl FILE --top MODULE");
}

std::string fixed(double value, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << value;
  return out.str();
}

double per_mac(double pj, std::uint64_t macs) { return macs == 0 ? 0.0 : pj / static_cast<double>(macs); }

void run_trace_power(const TracePowerArguments& arguments) {
  const traces::gate::DelayModel delays = traces::gate::delay_model_named(arguments.delays, "power");
  if (delays != traces::gate::DelayModel::zero && !arguments.gate_level) {
    throw InputError("power: --delays " + arguments.delays + " prices the gate-level replay: give --gate-level too");
  }
  // Optical layers' periphery has its own table (power_optical_commands.cpp); a directory of only
  // optical traces prints just that.
  nlohmann::json optical_rows;
  if (has_optical_traces(arguments.trace_dir)) {
    optical_rows = print_optical_trace_power(arguments.trace_dir, arguments.library, arguments.structure,
                                             arguments.gate_level, delays);
    bool any_approx = false;
    for (const auto& path : traces::list_traces(arguments.trace_dir)) any_approx = any_approx || tracing::is_approx_trace(path);
    if (!any_approx) {
      if (!arguments.json_out.empty()) {
        const nlohmann::json out = {{"trace_dir", arguments.trace_dir}, {"library", arguments.library},
                                    {"gate_delays", traces::gate::to_string(delays)},
                                    {"layers", nlohmann::json::array()}, {"optical_layers", optical_rows}};
        io::write_file_atomically(arguments.json_out, out.dump(2) + "\n");
      }
      return;
    }
  }
  const std::vector<tracing::ApproxLayerTrace> layers = tracing::read_approx_traces(arguments.trace_dir);
  power::TracePowerOptions options;
  options.gate_level = arguments.gate_level;
  options.gate.library = arguments.library;
  options.gate.structure = power::parse_structure(arguments.structure);
  options.gate.delays = delays;
  options.circuit = circuit_from(arguments.circuit);
  std::string model_note;
  if (!arguments.model_path.empty()) {
    options.model = traces::activity::load_multiplier_model(arguments.model_path);
    model_note = arguments.model_path + " (" + traces::activity::model_kind(*options.model) + " model)";
  } else if (auto shipped = tracing::multiplier_energy_model(layers.front().multiplier, arguments.library)) {
    if (shipped->scale != 1.0) {
      model_note = shipped->note + " (not applied here: give --model; the table column shows the scaling)";
    } else {
      options.model = shipped->model;
      model_note = shipped->note;
    }
  }
  const std::vector<power::LayerPowerEstimate> estimates = power::trace_power(layers, options);

  nlohmann::json out = {{"trace_dir", arguments.trace_dir}, {"library", arguments.library}, {"model", model_note},
                        {"gate_delays", traces::gate::to_string(delays)}};
  nlohmann::json rows = nlohmann::json::array();
  report::TextTable table({"layer", "multiplier", "MACs traced", "table pJ/MAC", "model pJ/MAC", "gate pJ/MAC",
                           "switching", "internal", "leakage", "model err", "per-op R2"});
  for (const power::LayerPowerEstimate& e : estimates) {
    nlohmann::json row = {{"layer", e.layer}, {"trace", e.path}, {"multiplier", e.multiplier}, {"macs", e.macs},
                          {"table_pj", e.table_pj}, {"table_source", e.table_source}};
    std::vector<std::string> cells = {e.layer, e.multiplier, std::to_string(e.macs), fixed(per_mac(e.table_pj, e.macs), 4),
                                      "-", "-", "-", "-", "-", "-", "-"};
    if (e.model_pj) {
      row["model_pj"] = *e.model_pj;
      cells[4] = fixed(per_mac(*e.model_pj, e.macs), 4);
    }
    if (e.gate) {
      row["gate_pj"] = {{"total", e.gate->total_pj()}, {"switching", e.gate->switching_pj},
                        {"internal", e.gate->internal_pj}, {"clock", e.gate->clock_pj}, {"leakage", e.gate->leakage_pj}};
      cells[5] = fixed(per_mac(e.gate->total_pj(), e.macs), 4);
      cells[6] = fixed(per_mac(e.gate->switching_pj, e.macs), 4);
      cells[7] = fixed(per_mac(e.gate->internal_pj, e.macs), 4);
      cells[8] = fixed(per_mac(e.gate->leakage_pj, e.macs), 5);
    }
    if (const auto error = e.model_error()) {
      row["model_error"] = *error;
      cells[9] = fixed(100.0 * *error, 2) + " %";
    }
    if (e.per_op_r2) {
      row["per_op_r2"] = *e.per_op_r2;
      cells[10] = fixed(*e.per_op_r2, 3);
    }
    rows.push_back(row);
    table.add_row(cells);
  }
  out["layers"] = rows;
  if (!optical_rows.is_null()) out["optical_layers"] = optical_rows;
  table.print(std::cout);
  std::cout << "table: models/energy (45 nm figures); model and gate: " << arguments.library
            << (model_note.empty() ? "" : "; model: " + model_note)
            << (delays == traces::gate::DelayModel::zero ? ""
                                                         : "; gate: " + traces::gate::to_string(delays) +
                                                               " delays (glitches charged; the model is zero-delay)")
            << "\n";
  if (!arguments.json_out.empty()) io::write_file_atomically(arguments.json_out, out.dump(2) + "\n");
}

// Issue 7's bar for a data-dependent model on held-out layers.
constexpr double kBarMinPerOpR2 = 0.9;
constexpr double kBarMeanAbsError = 0.05;

nlohmann::json held_out_quality(const traces::activity::MultiplierModel& model, const FitArguments& arguments,
                                const power::GateLevelOptions& gate, const power::MultiplierCircuit& circuit,
                                const std::vector<tracing::ApproxLayerTrace>& held_out) {
  power::TracePowerOptions options;
  options.model = model;
  options.gate_level = true;
  options.gate = gate;
  options.circuit = circuit;
  nlohmann::json layers = nlohmann::json::array();
  double worst = 0.0, sum_abs = 0.0, min_r2 = 1.0;
  std::vector<double> r2s;
  std::size_t count = 0;
  for (const power::LayerPowerEstimate& e : power::trace_power(held_out, options)) {
    const double error = e.model_error().value_or(0.0);
    layers.push_back({{"layer", e.layer}, {"macs", e.macs}, {"gate_pj", e.gate ? e.gate->total_pj() : 0.0},
                      {"model_pj", e.model_pj.value_or(0.0)}, {"model_error", error},
                      {"per_op_r2", e.per_op_r2 ? nlohmann::json(*e.per_op_r2) : nlohmann::json(nullptr)}});
    worst = std::max(worst, std::abs(error));
    sum_abs += std::abs(error);
    if (e.per_op_r2) {
      min_r2 = std::min(min_r2, *e.per_op_r2);
      r2s.push_back(*e.per_op_r2);
    }
    ++count;
  }
  std::sort(r2s.begin(), r2s.end());
  const double mean_abs = count == 0 ? 0.0 : sum_abs / static_cast<double>(count);
  return {{"trace_dir", arguments.validate_dir}, {"layers", layers}, {"mean_abs_error", mean_abs},
          {"max_abs_error", worst}, {"min_per_op_r2", min_r2},
          {"median_per_op_r2", r2s.empty() ? nlohmann::json(nullptr) : nlohmann::json(r2s[r2s.size() / 2])},
          {"meets_bar", min_r2 >= kBarMinPerOpR2 && mean_abs <= kBarMeanAbsError}};
}

// How many of the bar's two conditions a held-out evaluation meets, then its worst per-op R^2:
// compared lexicographically to pick a model kind.
std::pair<int, double> bar_score(const nlohmann::json& held_out) {
  const double min_r2 = held_out["min_per_op_r2"].get<double>();
  const double mean_abs = held_out["mean_abs_error"].get<double>();
  return {(min_r2 >= kBarMinPerOpR2 ? 1 : 0) + (mean_abs <= kBarMeanAbsError ? 1 : 0), min_r2};
}

void run_fit(const FitArguments& arguments) {
  const std::vector<tracing::ApproxLayerTrace> training = tracing::read_approx_traces(arguments.trace_dir);
  power::GateLevelOptions gate;
  gate.library = arguments.library;
  gate.structure = power::parse_structure(arguments.structure);
  const power::MultiplierCircuit circuit = resolve_circuit(arguments.circuit, training.front().multiplier);
  if (arguments.proxies && *arguments.proxies > traces::activity::kMaxProxies) {
    throw InputError("--proxies " + std::to_string(*arguments.proxies) + ": expected 0 (the linear operand-feature model) to " +
                     std::to_string(traces::activity::kMaxProxies));
  }
  const bool fit_linear = !arguments.proxies || *arguments.proxies == 0;
  const bool fit_proxy = !arguments.proxies || *arguments.proxies > 0;
  std::vector<traces::activity::MultiplierModel> candidates;
  if (fit_linear) {
    candidates.emplace_back(
        power::fit_multiplier_model(training, circuit, gate, arguments.features, arguments.uniform_ops));
  }
  if (fit_proxy) {
    candidates.emplace_back(power::fit_proxy_multiplier_model(
        training, circuit, gate, arguments.proxies.value_or(traces::activity::kMaxProxies), arguments.uniform_ops));
  }
  std::vector<nlohmann::json> held_out(candidates.size());
  if (!arguments.validate_dir.empty()) {
    const std::vector<tracing::ApproxLayerTrace> layers = tracing::read_approx_traces(arguments.validate_dir);
    for (std::size_t i = 0; i < candidates.size(); ++i) held_out[i] = held_out_quality(candidates[i], arguments, gate, circuit, layers);
  }
  std::size_t chosen = 0;
  std::string why;
  if (candidates.size() == 1) {
    why = arguments.proxies ? "--proxies " + std::to_string(*arguments.proxies) + " asked for it" : "the only kind fitted";
  } else if (!arguments.validate_dir.empty()) {
    chosen = bar_score(held_out[1]) > bar_score(held_out[0]) ? 1 : 0;
    why = std::string(chosen == 1 ? "proxy" : "linear") + " model meets the bar (held-out per-op R^2 >= 0.9, mean error <= 5 %) " +
          (bar_score(held_out[chosen]).first == bar_score(held_out[1 - chosen]).first ? "as well, with a better worst per-op R^2"
                                                                                        : "better");
  } else {
    const double r2_linear = traces::activity::model_metadata(candidates[0]).r2_train;
    const double r2_proxy = traces::activity::model_metadata(candidates[1]).r2_train;
    chosen = r2_proxy > r2_linear ? 1 : 0;
    why = "no --validate traces: the higher training R^2 (linear " + std::to_string(r2_linear) + ", proxy " +
          std::to_string(r2_proxy) + ")";
  }
  const traces::activity::MultiplierModel& model = candidates[chosen];
  nlohmann::json out;
  if (const auto* linear = std::get_if<traces::activity::LinearEnergyModel>(&model)) {
    out["model"] = traces::activity::model_to_json(*linear);
    traces::activity::save_model(*linear, arguments.out);
  } else {
    const auto& proxy = std::get<traces::activity::ProxyEnergyModel>(model);
    out["model"] = {{"format", traces::activity::kProxyModelFileFormat},
                    {"proxy_nets", proxy.proxy_nets()},
                    {"fitted_on", {{"description", proxy.metadata().fitted_on}, {"ops", proxy.metadata().fitted_ops},
                                   {"streams", proxy.metadata().fitted_streams}, {"r2_train", proxy.metadata().r2_train}}}};
    traces::activity::save_proxy_model(proxy, arguments.out, held_out[chosen]);
  }
  out["kind"] = traces::activity::model_kind(model);
  out["why"] = why;
  if (!arguments.validate_dir.empty()) out["held_out"] = held_out[chosen];
  if (candidates.size() > 1) {
    nlohmann::json compared = nlohmann::json::object();
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      compared[traces::activity::model_kind(candidates[i])] = {
          {"r2_train", traces::activity::model_metadata(candidates[i]).r2_train}, {"held_out", held_out[i]}};
    }
    out["compared"] = compared;
  }
  std::cout << out.dump(2) << "\n";
}

}  // namespace

void register_power_trace_commands(CLI::App* power) {
  auto arguments = std::make_shared<TracePowerArguments>();
  CLI::App* estimate = power->add_subcommand(
      "estimate", "Per-layer multiplier energy of recorded traces: table, data-dependent model and "
                  "(--gate-level) the gate-level reference with the model's error (also: tessera power --trace DIR)");
  for (CLI::App* command : {power, estimate}) {
    command->add_option("--trace", arguments->trace_dir, "Trace directory (tessera run --trace DIR)");
    command->add_option("--lib", arguments->library, "Cell library: sky130 or osu018")->capture_default_str();
    command->add_option("--structure", arguments->structure, "keep or restructure (synthesis)")->capture_default_str();
    command->add_option("--model", arguments->model_path,
                        "Fitted model (tessera power fit); default: the shipped model of the traces' multiplier");
    command->add_flag("--gate-level", arguments->gate_level,
                      "Also replay the traces through the multiplier's gate netlist (Yosys) and report the model's error");
    command->add_option("--delays", arguments->delays,
                        "With --gate-level: zero (settled changes), unit or liberty (glitches charged too; "
                        "traces/gate/README.md)")
        ->capture_default_str();
    command->add_option("--json-out", arguments->json_out, "Also write the results as JSON");
  }
  add_circuit_options(estimate, arguments->circuit);
  estimate->callback([arguments] {
    if (arguments->trace_dir.empty()) throw InputError("power estimate: --trace DIR is required");
    run_trace_power(*arguments);
  });
  // `tessera power --trace DIR` without a subcommand is the estimate.
  power->require_subcommand(0, 1);
  power->callback([power, arguments] {
    if (!power->get_subcommands().empty()) return;
    if (arguments->trace_dir.empty()) {
      throw InputError("power: give --trace DIR, or a subcommand (characterize, fit, estimate)");
    }
    run_trace_power(*arguments);
  });

  auto fit = std::make_shared<FitArguments>();
  CLI::App* fit_command = power->add_subcommand(
      "fit", "Fit a data-dependent energy model of a multiplier on gate-level energies of traced layers; "
             "--validate DIR checks it on held-out traces");
  fit_command->add_option("--trace", fit->trace_dir, "Training traces (tessera run --trace DIR)")->required();
  fit_command->add_option("--validate", fit->validate_dir, "Held-out traces to evaluate the model on");
  fit_command->add_option("--out", fit->out, "Where to write the model (JSON)")->required();
  fit_command->add_option("--lib", fit->library, "Cell library: sky130 or osu018")->capture_default_str();
  fit_command->add_option("--structure", fit->structure, "keep or restructure (synthesis)")->capture_default_str();
  fit_command->add_option("--features", fit->features,
                          "Activity features of the model, comma-separated (default: the multiplier set of "
                          "traces/activity/features.h)")
      ->delimiter(',');
  fit_command->add_option("--uniform-ops", fit->uniform_ops,
                          "Also train on this many uniform random operands (weight held 64 ops)")
      ->capture_default_str();
  fit_command->add_option("--proxies", fit->proxies,
                          "Proxy-net model with this many nets of the netlist (1-64); 0: the linear operand-feature "
                          "model. Default: fit both and keep the one that meets the held-out bar better");
  add_circuit_options(fit_command, fit->circuit);
  fit_command->callback([fit] { run_fit(*fit); });
}

}  // namespace tessera::cli
