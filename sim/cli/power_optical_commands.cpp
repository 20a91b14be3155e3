// The optical periphery in `tessera power`: characterize --unit optical-dac|optical-adc|optical-psum
// (uniform vectors or a trace directory's elements), and the optical section of
// `tessera power --trace DIR [--gate-level]` (per layer and component, table and gate-level).
#include <iomanip>
#include <memory>
#include <optional>
#include <iostream>
#include <sstream>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "sim/cli/commands.h"
#include "sim/power/optical_model_fit.h"
#include "sim/power/optical_trace_power.h"
#include "sim/report/text_table.h"
#include "sim/tracing/optical_trace_reader.h"
#include "traces/format/list_traces.h"

namespace tessera::cli {
namespace {

std::string fixed(double value, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << value;
  return out.str();
}

}  // namespace

void run_optical_characterize(const OpticalCharacterizeRequest& request) {
  const power::OpticalConverter converter = power::parse_optical_converter(request.unit);
  power::GateLevelOptions options;
  options.library = request.library;
  options.structure = power::parse_structure(request.structure);
  options.clock_period_ns = request.clock_period_ns;
  options.work_dir = request.work_dir;
  power::OpticalStreams streams;
  if (request.vectors == "uniform") {
    streams = power::uniform_optical_streams(converter, request.ops, request.seed);
  } else {
    streams = power::optical_trace_streams(tracing::read_optical_traces(request.vectors), converter);
    if (streams.elements() == 0) {
      throw InputError(request.vectors + ": the optical traces hold no recorded tiles (record with --trace-tiles N)");
    }
  }
  const power::OpticalGateLevel result = power::optical_gate_level(streams, options);
  const std::string text =
      power::optical_characterization_json(result, request.vectors == "uniform" ? "uniform" : "streams").dump() + "\n";
  if (!request.json_out.empty()) io::write_file_atomically(request.json_out, text);
  std::cout << text;
}

bool has_optical_traces(const std::string& directory) {
  for (const auto& path : traces::list_traces(directory)) {
    if (tracing::is_optical_trace(path)) return true;
  }
  return false;
}

nlohmann::json print_optical_trace_power(const std::string& directory, const std::string& library,
                                         const std::string& structure, bool gate_level,
                                         traces::gate::DelayModel delays) {
  power::OpticalTracePowerOptions options;
  options.gate_level = gate_level;
  options.gate.library = library;
  options.gate.structure = power::parse_structure(structure);
  options.gate.delays = delays;
  options.models = tracing::optical_periphery_models_for(library);
  const std::vector<power::OpticalLayerPowerEstimate> estimates =
      power::optical_trace_power(tracing::read_optical_traces(directory), options);
  report::TextTable table({"optical layer", "component", "conversions", "table pJ", "model pJ", "gate pJ",
                           "gate pJ/conv", "traced", "gate/table", "model err"});
  nlohmann::json rows = nlohmann::json::array();
  for (const power::OpticalLayerPowerEstimate& e : estimates) {
    nlohmann::json components = nlohmann::json::array();
    for (const power::OpticalComponentEstimate& c : e.components) {
      nlohmann::json row = {{"component", c.component}, {"conversions", c.conversions}, {"table_source", c.table_source}};
      std::vector<std::string> cells = {e.layer, c.component, fixed(c.conversions, 0), "-", "-", "-", "-", "-", "-", "-"};
      if (c.table_pj) {
        row["table_pj"] = *c.table_pj;
        cells[3] = fixed(*c.table_pj, 1);
      }
      if (c.model_pj) {
        row["model_pj"] = *c.model_pj;
        cells[4] = fixed(*c.model_pj, 1);
      }
      if (c.gate_pj) {
        row["gate_pj"] = *c.gate_pj;
        row["gate_pj_per_conversion"] = *c.gate_pj_per_element;
        row["traced_elements"] = c.traced_elements;
        cells[5] = fixed(*c.gate_pj, 1);
        cells[6] = fixed(*c.gate_pj_per_element, 3);
        cells[7] = std::to_string(c.traced_elements);
        if (c.table_pj && *c.table_pj > 0.0) {
          row["gate_over_table"] = *c.gate_pj / *c.table_pj;
          cells[8] = fixed(*c.gate_pj / *c.table_pj, 3);
        }
      }
      if (const auto error = c.model_error()) {
        row["model_error"] = *error;
        cells[9] = fixed(100.0 * *error, 2) + " %";
      }
      components.push_back(row);
      table.add_row(cells);
    }
    nlohmann::json layer = {{"layer", e.layer}, {"trace", e.path}, {"gemm", {{"m", e.m}, {"k", e.k}, {"n", e.n}}},
                            {"components", components}, {"table_pj", e.table_total_pj()}};
    if (const auto gate = e.gate_total_pj()) layer["gate_pj"] = *gate;
    rows.push_back(layer);
  }
  table.print(std::cout);
  std::cout << "optical periphery (" << library << "): table = conversions x uniform-vector energy per conversion "
            << "(models/energy/optical.json optical.periphery.*); model = the fitted models (traces/activity/models/optical_*) "
            << "on the traced elements; gate = traced elements replayed through the netlist"
            << (gate_level ? "" : " (give --gate-level)") << "\n";
  return rows;
}

namespace {

struct OpticalFitArguments {
  std::string unit, trace_dir, validate_dir, out, library = "sky130", structure = "keep";
  std::size_t uniform_ops = 0;
};

void run_optical_fit(const OpticalFitArguments& arguments) {
  const power::OpticalConverter converter = power::parse_optical_converter(arguments.unit);
  power::GateLevelOptions options;
  options.library = arguments.library;
  options.structure = power::parse_structure(arguments.structure);
  const auto training = tracing::read_optical_traces(arguments.trace_dir);
  std::vector<tracing::OpticalLayerTrace> held_out;
  if (!arguments.validate_dir.empty()) held_out = tracing::read_optical_traces(arguments.validate_dir);
  std::optional<power::OpticalHeldOut> judged;
  const traces::activity::OpticalEnergyModel model =
      power::fit_optical_model(converter, training, held_out, options, arguments.uniform_ops, &judged);
  traces::activity::save_optical_model(model, arguments.out);
  nlohmann::json out = {{"unit", arguments.unit}, {"out", arguments.out}, {"r2_train", model.metadata.r2_train},
                        {"fitted_elements", model.metadata.fitted_ops}};
  if (judged) {
    out["held_out"] = judged->to_json();
    out["meets_bar"] = judged->per_element_r2 >= 0.9 && judged->mean_abs_error <= 0.05;
  }
  std::cout << out.dump(2) << "\n";
}

}  // namespace

void register_power_optical_commands(CLI::App* power) {
  auto arguments = std::make_shared<OpticalFitArguments>();
  CLI::App* fit = power->add_subcommand(
      "optical-fit", "Fit an optical periphery converter's data-dependent energy model on gate-level energies of "
                     "traced optical layers, and judge it on held-out ones");
  fit->add_option("--unit", arguments->unit, "optical-dac, optical-adc or optical-psum")->required();
  fit->add_option("--trace", arguments->trace_dir, "Training traces (tessera run --trace)")->required();
  fit->add_option("--validate", arguments->validate_dir, "Held-out traces");
  fit->add_option("--out", arguments->out, "Model file to write (JSON, atomically)")->required();
  fit->add_option("--lib", arguments->library, "Cell library: sky130 or osu018")->capture_default_str();
  fit->add_option("--uniform-ops", arguments->uniform_ops, "Also fit on this many seeded uniform elements")
      ->capture_default_str();
  fit->add_option("--structure", arguments->structure, "keep or restructure")->capture_default_str();
  fit->callback([arguments] { run_optical_fit(*arguments); });
}

}  // namespace tessera::cli
