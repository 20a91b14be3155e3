// tessera power ...: gate-level power of multipliers, and of tessera's clocked PE (characterize --unit pe),
// on real standard-cell libraries.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "golden/approx/catalog.h"
#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "sim/cli/commands.h"
#include "sim/power/characterize.h"
#include "sim/power/pe_power.h"
#include "sim/power/trace_streams.h"

namespace tessera::cli {
namespace {

struct PowerCharacterizeOptions {
  std::string unit = "multiplier";       // or "pe": tessera's clocked PE with --multiplier
  std::string multiplier = "exact";
  std::vector<std::string> rtl_sources;
  std::string top;
  std::string library = "sky130";
  std::string structure = "keep";
  std::string vectors = "uniform";
  std::size_t ops = 20000;
  std::uint64_t seed = 1;
  std::vector<std::string> parameters;  // NAME=VALUE
  std::string port_a, port_b, port_o;   // empty: A/B/O, or a_i/b_i/p_o for tessera_mul8s*
  double clock_period_ns = 10.0;
  bool per_op_energy = false;
  bool opensta = false;
  std::string delays = "zero";
  std::string json_out;
  std::string work_dir;
};

std::pair<std::string, std::string> split_parameter(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    throw InputError("power characterize: --param '" + text + "': expected NAME=VALUE");
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

void emit(const nlohmann::json& result, const std::string& json_out) {
  const std::string text = result.dump() + "\n";
  if (!json_out.empty()) io::write_file_atomically(json_out, text);
  std::cout << text;
}

// --unit pe: the PE is tessera's own RTL, so options describing a foreign circuit make no sense.
void run_pe_characterize(const PowerCharacterizeOptions& options, const CLI::App& command) {
  for (const char* foreign : {"--rtl", "--top", "--param", "--port-a", "--port-b", "--port-o", "--per-op", "--opensta",
                              "--delays"}) {
    if (command.count(foreign) > 0) {
      throw InputError(std::string("power characterize --unit pe: ") + foreign +
                       " applies to --unit multiplier only (the PE is hw/approx/tessera_approx_pe.sv; choose its "
                       "multiplier with --multiplier NAME)");
    }
  }
  power::PePowerSpec spec;
  spec.multiplier = options.multiplier;
  spec.library = options.library;
  spec.structure = power::parse_structure(options.structure);
  if (options.vectors != "uniform") {
    spec.streams = power::pe_streams_from_traces(options.vectors, approx::load_multiplier(options.multiplier));
  }
  spec.uniform_ops = options.ops;
  spec.seed = options.seed;
  spec.clock_period_ns = options.clock_period_ns;
  spec.work_dir = options.work_dir;
  emit(power::characterize_pe_power(spec).to_json(), options.json_out);
}

// --unit optical-*: the optical periphery's own RTL (hw/optical), so foreign-circuit options are refused.
void run_optical_unit_characterize(const PowerCharacterizeOptions& options, const CLI::App& command) {
  for (const char* foreign : {"--rtl", "--top", "--param", "--port-a", "--port-b", "--port-o", "--per-op", "--opensta",
                              "--multiplier", "--delays"}) {
    if (command.count(foreign) > 0) {
      throw InputError(std::string("power characterize --unit ") + options.unit + ": " + foreign +
                       " does not apply (the unit is tessera's hw/optical RTL)");
    }
  }
  OpticalCharacterizeRequest request;
  request.unit = options.unit;
  request.library = options.library;
  request.structure = options.structure;
  request.vectors = options.vectors;
  request.json_out = options.json_out;
  request.work_dir = options.work_dir;
  request.ops = options.ops;
  request.seed = options.seed;
  request.clock_period_ns = options.clock_period_ns;
  run_optical_characterize(request);
}

void run_power_characterize(const PowerCharacterizeOptions& options, const CLI::App& command) {
  if (options.unit == "pe") return run_pe_characterize(options, command);
  if (options.unit.rfind("optical-", 0) == 0) return run_optical_unit_characterize(options, command);
  if (options.unit != "multiplier") {
    throw InputError("power characterize: --unit '" + options.unit +
                     "': expected multiplier, pe, optical-dac, optical-adc or optical-psum");
  }
  if (command.count("--multiplier") > 0) {
    throw InputError("power characterize: --multiplier applies to --unit pe (a multiplier circuit is given with "
                     "--rtl and --top)");
  }
  if (options.rtl_sources.empty() || options.top.empty()) {
    throw InputError("power characterize: --rtl and --top are required for --unit multiplier");
  }
  power::PowerSpec spec;
  for (const auto& source : options.rtl_sources) spec.sources.emplace_back(source);
  spec.top = options.top;
  for (const auto& p : options.parameters) spec.parameters.push_back(split_parameter(p));
  // tessera's multipliers use lowRISC port names.
  const bool tessera_unit = spec.top.rfind("tessera_mul8s", 0) == 0;
  spec.port_a = !options.port_a.empty() ? options.port_a : (tessera_unit ? "a_i" : "A");
  spec.port_b = !options.port_b.empty() ? options.port_b : (tessera_unit ? "b_i" : "B");
  spec.port_o = !options.port_o.empty() ? options.port_o : (tessera_unit ? "p_o" : "O");
  spec.library = options.library;
  spec.structure = power::parse_structure(options.structure);
  if (options.vectors != "uniform") spec.streams = power::operand_streams_from_traces(options.vectors);
  spec.uniform_ops = options.ops;
  spec.seed = options.seed;
  spec.clock_period_ns = options.clock_period_ns;
  spec.per_op_energy = options.per_op_energy;
  spec.opensta = options.opensta;
  spec.delays = traces::gate::delay_model_named(options.delays, "power characterize");
  spec.work_dir = options.work_dir;
  emit(power::characterize_power(spec).to_json(), options.json_out);
}

}  // namespace

void register_power_commands(CLI::App& root) {
  CLI::App* power = root.add_subcommand("power", "Gate-level power of arithmetic units on real cell libraries");

  auto options = std::make_shared<PowerCharacterizeOptions>();
  CLI::App* characterize = power->add_subcommand(
      "characterize",
      "Synthesise an 8x8 signed multiplier (or tessera's clocked PE) onto a cell library (Yosys), check the "
      "netlist against the RTL, replay operand vectors through it and print energy per operation as one JSON object");
  characterize->add_option("--unit", options->unit,
                           "multiplier (a circuit given with --rtl/--top), pe (hw/approx/tessera_approx_pe.sv), or the "
                           "optical periphery: optical-dac, optical-adc, optical-psum (hw/optical)")
      ->capture_default_str();
  characterize->add_option("--multiplier", options->multiplier, "--unit pe: the PE's multiplier (exact, trunc<k>, ...)")
      ->capture_default_str();
  characterize->add_option("--rtl", options->rtl_sources,
                           "Verilog/SystemVerilog source (repeat for several; required for --unit multiplier)");
  characterize->add_option("--top", options->top, "Top module (required for --unit multiplier)");
  characterize->add_option("--lib", options->library, "Cell library: sky130 or osu018")->capture_default_str();
  characterize->add_option("--structure", options->structure,
                           "keep (one cell per Yosys gate, the RTL's structure) or restructure (abc)")
      ->capture_default_str();
  characterize->add_option("--vectors", options->vectors, "uniform, or a trace directory (tessera run --trace)")
      ->capture_default_str();
  characterize->add_option("--ops", options->ops, "Number of uniform random operand pairs (--unit pe: MACs)")->capture_default_str();
  characterize->add_option("--seed", options->seed, "Seed of the uniform operands")->capture_default_str();
  characterize->add_option("--param", options->parameters, "Top-level parameter NAME=VALUE (repeat)");
  characterize->add_option("--port-a", options->port_a, "Activation input, 8 bits (default A; a_i for tessera_mul8s*)");
  characterize->add_option("--port-b", options->port_b, "Weight input, 8 bits (default B; b_i for tessera_mul8s*)");
  characterize->add_option("--port-o", options->port_o, "Product output, 16 bits (default O; p_o for tessera_mul8s*)");
  characterize->add_option("--clock-period-ns", options->clock_period_ns, "One operation per clock period, ns")
      ->capture_default_str();
  characterize->add_flag("--per-op", options->per_op_energy, "Include per_op_energy_pj (dynamic energy of each op)");
  characterize->add_option("--delays", options->delays,
                           "zero (settled values only), unit (every cell one unit late) or liberty (each cell "
                           "arc late by the library's cell_rise/cell_fall delay): unit and liberty charge "
                           "glitches too and report glitch_factor against zero delay; --unit multiplier only")
      ->capture_default_str();
  characterize->add_flag("--opensta", options->opensta,
                         "Also compare switching and leakage power with OpenSTA on the same activities");
  characterize->add_option("--json-out", options->json_out, "Also write the JSON object to this file");
  characterize->add_option("--work-dir", options->work_dir, "Keep netlists, scripts and tool logs here");
  characterize->callback([options, characterize] { run_power_characterize(*options, *characterize); });

  register_power_trace_commands(power);
  register_power_mx_commands(power);
  register_power_optical_commands(power);
}

}  // namespace tessera::cli
