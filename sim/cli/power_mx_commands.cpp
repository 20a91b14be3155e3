// tessera power mx --trace DIR: per-layer energy of the MX dot unit on recorded mx traces, from the
// energy table, the fitted data-dependent model (--model FILE) and, with --gate-level, the block
// pairs replayed through tessera_mx_dot synthesised onto a cell library (results checked against
// golden mx_dot). --fit-out FILE fits a model on these traces' gate-level energies and saves it.
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "sim/cli/commands.h"
#include "sim/power/mx_power.h"
#include "sim/report/text_table.h"
#include "sim/tracing/mx_trace_reader.h"

namespace tessera::cli {
namespace {

struct MxPowerArguments {
  std::string trace_dir;
  bool gate_level = false;
  std::string library = "sky130";
  std::string structure = "keep";
  std::string model_path;
  std::string fit_out;
  std::string delays = "zero";
  std::string json_out;
};

std::string fixed(double value, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << value;
  return out.str();
}

double per_pair(double pj, std::uint64_t pairs) { return pairs ? pj / static_cast<double>(pairs) : 0.0; }

void run_power_mx(const MxPowerArguments& arguments) {
  power::MxTracePowerOptions options;
  options.gate_level = arguments.gate_level;
  options.gate.library = arguments.library;
  options.gate.structure = power::parse_structure(arguments.structure);
  options.gate.delays = traces::gate::delay_model_named(arguments.delays, "power mx");
  if (!arguments.fit_out.empty() && !arguments.model_path.empty()) {
    throw ConfigError("power mx: give --model FILE or --fit-out FILE, not both");
  }
  if (options.gate.delays != traces::gate::DelayModel::zero) {
    if (!arguments.fit_out.empty()) {
      throw InputError("power mx: --fit-out fits on zero-delay energies, like the shipped models; drop --delays " +
                       arguments.delays);
    }
    if (!arguments.gate_level) {
      throw InputError("power mx: --delays " + arguments.delays + " prices the gate-level replay: give --gate-level too");
    }
  }
  const std::vector<tracing::MxLayerTrace> layers = tracing::read_mx_traces(arguments.trace_dir);
  options.fit_model = !arguments.fit_out.empty();
  if (options.fit_model) options.gate_level = true;  // the fit needs the gate-level energies
  if (!arguments.model_path.empty()) options.model = traces::activity::load_mx_model(arguments.model_path);
  const std::vector<power::MxLayerPowerEstimate> estimates = power::mx_trace_power(layers, options);
  if (options.fit_model) traces::activity::save_mx_model(*options.model, arguments.fit_out);

  nlohmann::json rows = nlohmann::json::array();
  report::TextTable table({"layer", "block pairs", "MACs traced", "table pJ/pair", "model pJ/pair", "gate pJ/pair",
                           "model err", "per-pair R2"});
  for (const power::MxLayerPowerEstimate& e : estimates) {
    nlohmann::json row = {{"layer", e.layer},       {"trace", e.path},       {"block_pairs", e.block_pairs},
                          {"macs", e.macs},         {"table_pj", e.table_pj}, {"table_source", e.table_source}};
    std::vector<std::string> cells = {e.layer, std::to_string(e.block_pairs), std::to_string(e.macs),
                                      fixed(per_pair(e.table_pj, e.block_pairs), 3), "-", "-", "-", "-"};
    if (e.model_pj) {
      row["model_pj"] = *e.model_pj;
      cells[4] = fixed(per_pair(*e.model_pj, e.block_pairs), 3);
    }
    if (e.gate) {
      row["gate_pj"] = {{"total", e.gate->total_pj()}, {"switching", e.gate->switching_pj},
                        {"internal", e.gate->internal_pj}, {"clock", e.gate->clock_pj}, {"leakage", e.gate->leakage_pj}};
      cells[5] = fixed(per_pair(e.gate->total_pj(), e.block_pairs), 3);
    }
    if (const auto error = e.model_error()) {
      row["model_error"] = *error;
      cells[6] = fixed(100.0 * *error, 2) + " %";
    }
    if (e.per_pair_r2) {
      row["per_pair_r2"] = *e.per_pair_r2;
      cells[7] = fixed(*e.per_pair_r2, 3);
    }
    rows.push_back(row);
    table.add_row(cells);
  }
  table.print(std::cout);
  std::cout << "table: models/energy (45 nm figures, the MX unit model's dot engine); gate: tessera_mx_dot on "
            << arguments.library << ", " << traces::gate::to_string(options.gate.delays) << " delays"
            << (options.gate.delays == traces::gate::DelayModel::zero ? "" : " (glitches charged; the model is zero-delay)")
            << "\n";
  const nlohmann::json out = {{"trace_dir", arguments.trace_dir},
                              {"library", arguments.library},
                              {"gate_delays", traces::gate::to_string(options.gate.delays)},
                              {"model", options.model ? nlohmann::json(options.model->unit + ", " + options.model->fitted_on)
                                                      : nlohmann::json(nullptr)},
                              {"layers", rows}};
  if (!arguments.json_out.empty()) io::write_file_atomically(arguments.json_out, out.dump(2) + "\n");
}

}  // namespace

void register_power_mx_commands(CLI::App* power) {
  auto arguments = std::make_shared<MxPowerArguments>();
  CLI::App* mx = power->add_subcommand("mx", "Energy of the MX dot unit on recorded mx traces (table, model, gate level)");
  mx->add_option("--trace", arguments->trace_dir, "Directory of .ttrace files (mx layers are read, others skipped)")
      ->required();
  mx->add_flag("--gate-level", arguments->gate_level,
               "Replay the block pairs through tessera_mx_dot synthesised with Yosys (checked against golden)");
  mx->add_option("--lib", arguments->library, "Cell library: sky130 or osu018")->capture_default_str();
  mx->add_option("--structure", arguments->structure, "keep or restructure")->capture_default_str();
  mx->add_option("--model", arguments->model_path, "A fitted MX energy model (tessera.mx_energy_model JSON)");
  mx->add_option("--fit-out", arguments->fit_out,
                 "Fit a model on these traces' gate-level energies (implies --gate-level), save it here and apply it");
  mx->add_option("--delays", arguments->delays,
                 "With --gate-level: zero, unit or liberty (glitches charged too; traces/gate/README.md)")
      ->capture_default_str();
  mx->add_option("--json-out", arguments->json_out, "Write the per-layer figures as JSON");
  mx->callback([arguments] { run_power_mx(*arguments); });
}

}  // namespace tessera::cli
