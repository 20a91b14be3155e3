// tessera approx ...: characterise approximate multipliers and list the ones tessera knows.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "golden/approx/catalog.h"
#include "golden/approx/lut_file.h"
#include "golden/approx/metrics.h"
#include "golden/common/error.h"
#include "sim/rtl/characterize.h"
#include "sim/cli/commands.h"
#include "sim/report/text_table.h"

namespace tessera::cli {
namespace {

using report::fixed;
using report::TextTable;

struct CharacterizeOptions {
  std::string lut_path;
  std::string table_name;
  std::vector<std::string> rtl_sources;  // a user's Verilog multiplier
  std::string top;
  std::string port_a = "A", port_b = "B", port_o = "O";
  std::string out_path;                  // write the extracted table
  std::string work_dir;
};


nlohmann::json metrics_json(const approx::ErrorMetrics& m) {
  return {{"mae", m.mae},
          {"wce", m.wce},
          {"ep_percent", m.ep_percent},
          {"mre_percent", m.mre_percent},
          {"wcre_percent", m.wcre_percent},
          {"mse", m.mse},
          {"mean_error", m.mean_error},
          {"symmetric", m.symmetric}};
}

// --rtl: verilate the user's circuit, drive all 65,536 pairs, synthesise it with Yosys, and print
// the table's metrics with the circuit's cells and transistors beside the exact multiplier's.
void run_characterize_rtl(const CharacterizeOptions& options) {
  if (options.top.empty()) throw InputError("approx characterize: --rtl needs --top MODULE");
  rtl::RtlMultiplierSpec spec;
  for (const std::string& source : options.rtl_sources) spec.sources.emplace_back(source);
  spec.top = options.top;
  spec.port_a = options.port_a;
  spec.port_b = options.port_b;
  spec.port_o = options.port_o;
  spec.work_dir = options.work_dir;
  const rtl::RtlCharacterization result = rtl::characterize_rtl_multiplier(spec);
  const approx::MultiplierTable table = result.table(options.top);
  if (!options.out_path.empty()) approx::write_lut_file(options.out_path, table);
  nlohmann::json out = metrics_json(approx::characterize(table));
  out["name"] = table.name();
  out["rtl"] = {{"top", result.top},
                {"sources", options.rtl_sources},
                {"cells", result.circuit.cells},
                {"transistors", result.circuit.transistors},
                {"exact_reference",
                 {{"module", "tessera_mul8s_exact"},
                  {"cells", result.exact_reference.cells},
                  {"transistors", result.exact_reference.transistors}}},
                {"cell_ratio", result.cell_ratio()},
                {"transistor_ratio", result.transistor_ratio()},
                {"flow", "yosys synth -flatten; stat -tech cmos"}};
  std::cout << out.dump() << "\n";
}

void run_characterize(const CharacterizeOptions& options) {
  if (!options.rtl_sources.empty()) return run_characterize_rtl(options);
  if (options.lut_path.empty() == options.table_name.empty()) {
    throw InputError("approx characterize: expected exactly one of --lut FILE.lut, --table NAME or --rtl FILE.v");
  }
  const approx::MultiplierTable table = options.lut_path.empty()
                                            ? approx::load_multiplier(options.table_name)
                                            : approx::read_lut_file(options.lut_path);
  nlohmann::json out = metrics_json(approx::characterize(table));
  out["name"] = table.name();
  std::cout << out.dump() << "\n";
}

// Power of the bundled exact multiplier, the reference of relative power (TransAxx's axx_power).
double exact_power_mw() {
  for (const auto& m : approx::bundled_multipliers()) {
    if (m.exact) return m.power_mw_pdk45;
  }
  return 1.0;
}

std::vector<std::string> table_row(const std::string& name, const char* kind, const approx::ErrorMetrics& m,
                                   const approx::BundledMultiplier* bundled) {
  std::vector<std::string> row = {name,
                                  kind,
                                  fixed(m.mae, 2),
                                  fixed(m.wce, 0),
                                  fixed(m.ep_percent, 2),
                                  fixed(m.mre_percent, 2),
                                  fixed(m.mse, 2),
                                  fixed(m.mean_error, 2),
                                  m.symmetric ? "yes" : "no"};
  if (bundled != nullptr) {
    row.push_back(fixed(bundled->power_mw_pdk45, 3));
    row.push_back(fixed(bundled->area_um2_pdk45, 1));
    row.push_back(fixed(bundled->delay_ns_pdk45, 2));
    row.push_back(fixed(bundled->power_mw_pdk45 / exact_power_mw(), 3));
  } else {
    row.insert(row.end(), {"-", "-", "-", "-"});
  }
  return row;
}

void run_list(bool as_json) {
  nlohmann::json rows = nlohmann::json::array();
  TextTable table({"name", "kind", "MAE", "WCE", "EP%", "MRE%", "MSE", "mean_err", "sym", "pwr_mW",
                   "area_um2", "dly_ns", "rel_pwr"});
  for (const auto& bundled : approx::bundled_multipliers()) {
    const auto m = approx::characterize(approx::load_multiplier(bundled.name));
    if (as_json) {
      nlohmann::json row = metrics_json(m);
      row["name"] = bundled.name;
      row["kind"] = "bundled";
      row["power_mw_pdk45"] = bundled.power_mw_pdk45;
      row["area_um2_pdk45"] = bundled.area_um2_pdk45;
      row["delay_ns_pdk45"] = bundled.delay_ns_pdk45;
      rows.push_back(row);
    } else {
      table.add_row(table_row(bundled.name, "bundled", m, &bundled));
    }
  }
  for (const auto& name : approx::parametric_multiplier_names()) {
    const auto m = approx::characterize(approx::load_multiplier(name));
    if (as_json) {
      nlohmann::json row = metrics_json(m);
      row["name"] = name;
      row["kind"] = "parametric";
      rows.push_back(row);
    } else {
      table.add_row(table_row(name, "parametric", m, nullptr));
    }
  }
  if (as_json) {
    std::cout << rows.dump(1) << "\n";
    return;
  }
  std::cout << "Approximate 8-bit signed multipliers (metrics measured over all 65536 operand pairs;\n"
               "power/area/delay: EvoApproxLib PDK45 figures, rel_pwr relative to the exact mul8s_1KV8 (v1.x name))\n";
  table.print(std::cout);
  std::cout << "Parametric families: exact, trunc<k> k=0..7, bam_h<h>_v<v> h=0..7 v=0..7, drum<k> k=3..8, mitchell.\n";
}

}  // namespace

void register_approx_commands(CLI::App& root) {
  CLI::App* approx = root.add_subcommand("approx", "Approximate 8-bit multipliers: characterise and list");
  approx->require_subcommand(1);

  auto characterize_options = std::make_shared<CharacterizeOptions>();
  CLI::App* characterize = approx->add_subcommand(
      "characterize", "Print the error metrics of one multiplier over all 65536 operand pairs as one JSON object "
                      "(mae, wce, ep_percent, mre_percent, wcre_percent, mse, mean_error, symmetric, name)");
  CLI::Option* lut = characterize->add_option("--lut", characterize_options->lut_path,
                                              "A .lut file: 65536 little-endian int16 products at (uint8(a)<<8)|uint8(b)");
  CLI::Option* table = characterize->add_option(
      "--table", characterize_options->table_name,
      "A bundled (mul8s_1KV8 ... v1.x names) or parametric (exact, trunc<k>, bam_h<h>_v<v>, drum<k>, mitchell) name");
  lut->excludes(table);
  CLI::Option* rtl_option = characterize->add_option(
      "--rtl", characterize_options->rtl_sources,
      "Verilog of an 8x8 signed multiplier (repeat for several files): verilated, driven over all "
      "65536 pairs and synthesised with Yosys");
  rtl_option->excludes(lut)->excludes(table);
  characterize->add_option("--top", characterize_options->top, "Top module of the --rtl design");
  characterize->add_option("--port-a", characterize_options->port_a, "Activation input port, 8 bits")
      ->capture_default_str();
  characterize->add_option("--port-b", characterize_options->port_b, "Weight input port, 8 bits")
      ->capture_default_str();
  characterize->add_option("--port-o", characterize_options->port_o, "Product output port, 16 bits")
      ->capture_default_str();
  characterize->add_option("--out", characterize_options->out_path,
                           "Write the extracted table as a .lut file (with --rtl)");
  characterize->add_option("--work-dir", characterize_options->work_dir,
                           "Keep the generated harness and tool logs here (with --rtl)");
  characterize->callback([characterize_options] { run_characterize(*characterize_options); });

  auto as_json = std::make_shared<bool>(false);
  CLI::App* list = approx->add_subcommand(
      "list", "Table of every bundled and parametric multiplier with its measured metrics and PDK45 power/area");
  list->add_flag("--json", *as_json, "Print a JSON array instead of the table");
  list->callback([as_json] { run_list(*as_json); });
}

}  // namespace tessera::cli
