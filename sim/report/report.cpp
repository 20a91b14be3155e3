#include "sim/report/report.h"

#include <algorithm>
#include <cmath>
#include <ostream>
#include <system_error>
#include <vector>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "sim/report/text_table.h"
#include "sim/report/format.h"
#include "sim/report/plots.h"
#include "sim/report/svg.h"

namespace tessera::report {
namespace {

using svg::escape;

// ---------------------------------------------------------------------------------------------
// Shared helpers

double max_layer_energy_pj(const RunReport& report) {
  double most = 0.0;
  for (const auto& layer : report.layers) {
    if (layer.has_energy()) most = std::max(most, layer.total_energy_pj());
  }
  return most;
}

std::string unit_text(const LayerTally& layer) {
  return layer.mapped ? layer.unit_kind : layer.unit_kind + " -> fp32";
}

// ---------------------------------------------------------------------------------------------
// CSV

// Full precision for analysis: the shortest text that reads back as the same double.
std::string csv_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return nlohmann::json(value).dump();
}

void append_error_columns(std::vector<std::string>& cells, const metrics::ErrorStats& stats) {
  if (stats.count == 0) {
    cells.insert(cells.end(), 7, "");
    return;
  }
  cells.push_back(std::to_string(stats.count));
  cells.push_back(csv_number(stats.snr_db));
  cells.push_back(csv_number(stats.cosine));
  cells.push_back(csv_number(stats.max_abs_error));
  cells.push_back(csv_number(stats.rms_error));
  cells.push_back(csv_number(stats.mean_error));
  cells.push_back(std::to_string(stats.non_finite));
}

std::string csv_line(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += ',';
    line += csv_field(cells[i]);
  }
  return line + "\n";
}

// ---------------------------------------------------------------------------------------------
// HTML

const char* const kStyle = R"css(
body { font-family: Helvetica, Arial, sans-serif; margin: 24px 32px; color: #222; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px 0; }
h2 { font-size: 17px; margin: 28px 0 8px 0; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.meta { color: #555; font-size: 13px; margin: 2px 0; }
.meta code { background: #f3f3f3; padding: 0 4px; border-radius: 3px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 16px; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; min-width: 150px; background: #fafafa; }
.card .label { font-size: 12px; color: #666; }
.card .value { font-size: 22px; font-weight: bold; margin-top: 2px; }
.card .note { font-size: 12px; color: #666; margin-top: 2px; }
.worse { color: #b03a2e; }
.better { color: #2e8540; }
.warnings { border: 1px solid #e0b84c; background: #fff8e1; border-radius: 6px; padding: 8px 16px; margin-top: 16px; }
.warnings ul { margin: 4px 0; padding-left: 20px; font-size: 13px; }
table { border-collapse: collapse; font-size: 12.5px; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; position: sticky; top: 0; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.name { font-family: Menlo, Consolas, monospace; font-size: 12px; min-width: 180px; max-width: 380px; overflow-wrap: anywhere; }
tr.fallback td { background: #fdf1f0; }
.reason { color: #b03a2e; font-size: 11.5px; }
.snr-good { background: #e3f3e6; }
.snr-fair { background: #fff4d6; }
.snr-poor { background: #fbe0dd; }
.snr-exact { background: #d3ecd8; }
.flag { color: #b03a2e; font-size: 11px; }
.muted { color: #888; }
.table-wrap { overflow-x: auto; }
.plot { margin: 12px 0 24px 0; overflow-x: auto; }
.plot svg { max-width: 100%; height: auto; }
footer { margin-top: 32px; font-size: 12px; color: #777; }
)css";

// SNR cells are tinted so weak layers stand out in a long table; the bands are a reading aid
// (roughly: below 20 dB the error is visible in activations, above 40 dB it rarely matters).
std::string snr_cell(const metrics::ErrorStats& stats) {
  if (stats.count == 0) return "<td class=\"num muted\">-</td>";
  std::string cls = "num", text;
  const double snr = stats.snr_db;
  if (std::isnan(snr)) {
    cls += " snr-poor";
    text = "NaN";
  } else if (std::isinf(snr) && snr > 0) {
    cls += " snr-exact";
    text = "exact";
  } else {
    cls += snr >= 40 ? " snr-good" : snr >= 20 ? " snr-fair" : " snr-poor";
    text = fixed(snr, 1);
  }
  if (stats.non_finite > 0) {
    text += " <span class=\"flag\">(" + std::to_string(stats.non_finite) + " non-finite)</span>";
  }
  return "<td class=\"" + cls + "\">" + text + "</td>";
}

std::string number_cell(const std::string& text) {
  return "<td class=\"num\">" + escape(text) + "</td>";
}

std::string measured_cell(const metrics::ErrorStats& stats, double value, int decimals) {
  if (stats.count == 0) return "<td class=\"num muted\">-</td>";
  return number_cell(decimals < 0 ? significant(value) : fixed(value, decimals));
}

// Node names are paths ("/layer1/layer1.0/conv1/Conv"): allow line breaks after each '/' so a
// long name wraps at its separators instead of mid-word.
std::string name_html(const std::string& name) {
  std::string html;
  for (const char c : name) {
    html += escape(std::string_view(&c, 1));
    if (c == '/') html += "<wbr>";
  }
  return html;
}

std::string card(const std::string& label, const std::string& value, const std::string& note,
                 const std::string& value_class = "") {
  std::string html = "<div class=\"card\"><div class=\"label\">" + escape(label) +
                     "</div><div class=\"value" + (value_class.empty() ? "" : " " + value_class) +
                     "\">" + escape(value) + "</div>";
  if (!note.empty()) html += "<div class=\"note\">" + escape(note) + "</div>";
  return html + "</div>\n";
}

std::string meta_item(const std::string& label, const std::string& value) {
  if (value.empty()) return "";
  return escape(label) + ": <code>" + escape(value) + "</code> &nbsp; ";
}

}  // namespace

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string render_json(const RunReport& report) { return to_json(report).dump(2) + "\n"; }

std::string render_csv(const RunReport& report) {
  const std::vector<std::string> components = energy_components(report);
  std::vector<std::string> header = {"index", "layer", "op", "unit_kind", "unit", "mapped",
                                     "fallback_reason", "macs"};
  for (const char* prefix : {"local_", "propagated_"}) {
    for (const char* column : {"count", "snr_db", "cosine", "max_abs_error", "rms_error",
                               "mean_error", "non_finite"}) {
      header.push_back(std::string(prefix) + column);
    }
  }
  header.push_back("latency_cycles");
  header.push_back("energy_total_pj");
  for (const auto& component : components) header.push_back("energy_" + component + "_pj");
  header.push_back("energy_source");
  static const char* const kMultiplierMethods[] = {"table", "data-dependent", "gate-level"};
  for (const char* method : kMultiplierMethods) header.push_back(std::string("multiplier_") + method + "_pj");
  header.push_back("multiplier_energy_note");

  std::string csv = csv_line(header);
  for (std::size_t i = 0; i < report.layers.size(); ++i) {
    const LayerTally& layer = report.layers[i];
    std::vector<std::string> cells = {std::to_string(i + 1), layer.node_name, layer.op_type,
                                      layer.unit_kind, layer.unit_description,
                                      layer.mapped ? "true" : "false", layer.fallback_reason,
                                      std::to_string(layer.macs)};
    append_error_columns(cells, layer.local_error);
    append_error_columns(cells, layer.propagated_error);
    cells.push_back(layer.latency_cycles ? std::to_string(*layer.latency_cycles) : "");
    cells.push_back(layer.has_energy() ? csv_number(layer.total_energy_pj()) : "");
    for (const auto& component : components) {
      const auto it = layer.energy_pj.find(component);
      cells.push_back(it == layer.energy_pj.end() ? "" : csv_number(it->second));
    }
    cells.push_back(layer.energy_source);
    for (const char* method : kMultiplierMethods) {
      const auto it = layer.multiplier_energy_pj.find(method);
      cells.push_back(it == layer.multiplier_energy_pj.end() ? "" : csv_number(it->second));
    }
    cells.push_back(layer.multiplier_energy_note);
    csv += csv_line(cells);
  }
  return csv;
}

void print_report(const RunReport& report, std::ostream& out) {
  const EnergyUnit unit = energy_unit_for(max_layer_energy_pj(report));
  TextTable table({"#", "layer", "op", "unit", "MACs", "SNR local dB", "SNR prop dB",
                        "cosine", "max|err|", "cycles", std::string("energy ") + unit.name});
  for (std::size_t i = 0; i < report.layers.size(); ++i) {
    const LayerTally& layer = report.layers[i];
    const bool measured = layer.local_error.count > 0;
    table.add_row({std::to_string(i + 1), layer.node_name, layer.op_type, unit_text(layer),
                   compact_count(layer.macs), snr_text(layer.local_error),
                   snr_text(layer.propagated_error),
                   measured ? fixed(layer.local_error.cosine, 6) : "-",
                   measured ? significant(layer.local_error.max_abs_error) : "-",
                   layer.latency_cycles ? compact_count(*layer.latency_cycles) : "-",
                   layer.has_energy() ? significant(layer.total_energy_pj() / unit.pj_per_unit)
                                      : "-"});
  }
  out << "tessera " << report.tessera_version << " - " << report.network_name << " ("
      << report.layers.size() << " layers, " << report.image_count << " images)\n";
  table.print(out);
  out << "(cosine and max|err| are local: the layer fed FP32 inputs)\n";

  TextTable multipliers({"#", "layer", "multiplier pJ: table", "data-dependent", "gate-level"});
  bool any_multiplier = false;
  for (std::size_t i = 0; i < report.layers.size(); ++i) {
    const LayerTally& layer = report.layers[i];
    if (layer.multiplier_energy_pj.empty()) continue;
    any_multiplier = true;
    std::vector<std::string> row = {std::to_string(i + 1), layer.node_name};
    for (const char* method : {"table", "data-dependent", "gate-level"}) {
      const auto it = layer.multiplier_energy_pj.find(method);
      row.push_back(it == layer.multiplier_energy_pj.end() ? "-" : significant(it->second));
    }
    multipliers.add_row(row);
  }
  if (any_multiplier) {
    out << "multiplier energy per image, three ways (table: 45 nm figures; data-dependent and gate-level: "
           "the cell library's; see multiplier_energy_note in report.json):\n";
    multipliers.print(out);
  }

  TextTable periphery({"#", "optical layer", "periphery pJ: table", "data-dependent", "gate-level"});
  bool any_periphery = false;
  for (std::size_t i = 0; i < report.layers.size(); ++i) {
    const LayerTally& layer = report.layers[i];
    if (layer.periphery_energy_pj.empty()) continue;
    any_periphery = true;
    std::vector<std::string> row = {std::to_string(i + 1), layer.node_name};
    for (const char* method : {"table", "data-dependent", "gate-level"}) {
      const auto it = layer.periphery_energy_pj.find(method);
      double total = 0.0;
      if (it != layer.periphery_energy_pj.end()) {
        for (const auto& [component, pj] : it->second) total += pj;
      }
      row.push_back(it == layer.periphery_energy_pj.end() ? "-" : significant(total));
    }
    periphery.add_row(row);
  }
  if (any_periphery) {
    out << "optical digital periphery (DAC/ADC quantizers, psum) per image, on the cell library (by component: "
           "periphery_energy_pj in report.json; the analog DAC/ADC stay in the energy table):\n";
    periphery.print(out);
  }

  bool any_fallback = false;
  for (const auto& layer : report.layers) {
    if (layer.mapped) continue;
    if (!any_fallback) out << "fallbacks to the FP32 reference:\n";
    any_fallback = true;
    out << "  " << layer.node_name << ": "
        << (layer.fallback_reason.empty() ? "(no reason given)" : layer.fallback_reason) << "\n";
  }
  for (std::size_t i = 0; i < report.warnings.size(); ++i) {
    if (i == 0) out << "warnings:\n";
    out << "  " << report.warnings[i] << "\n";
  }

  out << "total: " << compact_count(total_macs(report)) << " MACs";
  const auto energy = total_energy_pj(report);
  if (energy) {
    const EnergyUnit total_unit = energy_unit_for(*energy);
    out << ", energy " << significant(*energy / total_unit.pj_per_unit) << " " << total_unit.name
        << " (" << layers_with_energy(report) << " of " << report.layers.size()
        << " layers estimated)";
  } else {
    out << ", energy not estimated";
  }
  const auto cycles = total_latency_cycles(report);
  if (cycles) {
    out << ", " << *cycles << " cycles (" << layers_with_cycles(report) << " of "
        << report.layers.size() << " layers)";
  } else {
    out << ", cycles not modelled";
  }
  out << "\n";

  if (report.task) {
    const TaskMetric& task = *report.task;
    out << "top-1 over " << report.image_count << " images: FP32 " << percent(task.top1_fp32)
        << ", emulated " << percent(task.top1_emulated) << " ("
        << (task.top1_emulated >= task.top1_fp32 ? "+" : "")
        << fixed((task.top1_emulated - task.top1_fp32) * 100.0, 2) << " points), agreement "
        << percent(task.agreement) << "\n";
  } else {
    out << "top-1: no labelled data in this run\n";
  }
}

std::string render_html(const RunReport& report) {
  const std::string title = "tessera report: " + report.network_name;
  std::string html;
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>" + escape(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";

  // Summary header.
  html += "<header>\n<h1>" + escape(title) + "</h1>\n<p class=\"meta\">" +
          meta_item("network", report.network_path) + meta_item("rules", report.rules_path) +
          meta_item("data", report.data_path) + "</p>\n<p class=\"meta\">tessera " +
          escape(report.tessera_version) + " &middot; wall time " +
          escape(fixed(report.wall_time_s, 1)) + " s</p>\n</header>\n";

  html += "<section class=\"cards\">\n";
  if (report.task) {
    const TaskMetric& task = *report.task;
    const double delta_points = (task.top1_emulated - task.top1_fp32) * 100.0;
    html += card("top-1 FP32", percent(task.top1_fp32), "reference");
    html += card("top-1 emulated", percent(task.top1_emulated),
                 (delta_points >= 0 ? "+" : "") + fixed(delta_points, 2) +
                     " points against FP32",
                 delta_points < 0 ? "worse" : "better");
    html += card("agreement", percent(task.agreement), "same prediction as FP32");
  } else {
    html += card("top-1", "n/a", "no labelled data in this run");
  }
  html += card("images", std::to_string(report.image_count), "");
  const auto energy = total_energy_pj(report);
  if (energy) {
    const EnergyUnit unit = energy_unit_for(*energy);
    html += card("total energy", significant(*energy / unit.pj_per_unit) + " " + unit.name,
                 std::to_string(layers_with_energy(report)) + " of " +
                     std::to_string(report.layers.size()) + " layers estimated");
  } else {
    html += card("total energy", "n/a", "no energy estimates in this run");
  }
  const auto cycles = total_latency_cycles(report);
  if (cycles) {
    html += card("total latency", compact_count(*cycles) + " cycles",
                 std::to_string(layers_with_cycles(report)) + " of " +
                     std::to_string(report.layers.size()) + " layers modelled");
  } else {
    html += card("total latency", "n/a", "no cycle model in this run");
  }
  std::size_t fallbacks = 0;
  for (const auto& layer : report.layers) fallbacks += layer.mapped ? 0 : 1;
  html += card("layers", std::to_string(report.layers.size()),
               compact_count(total_macs(report)) + " MACs, " + std::to_string(fallbacks) +
                   " fell back to FP32");
  html += "</section>\n";

  if (!report.warnings.empty()) {
    html += "<div class=\"warnings\"><strong>Warnings</strong><ul>\n";
    for (const auto& warning : report.warnings) html += "<li>" + escape(warning) + "</li>\n";
    html += "</ul></div>\n";
  }

  // Per-layer table.
  const EnergyUnit unit = energy_unit_for(max_layer_energy_pj(report));
  html += "<h2>Layers</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr>"
          "<th>#</th><th>layer</th><th>op</th><th>unit</th><th>MACs</th>"
          "<th>SNR local (dB)</th><th>SNR propagated (dB)</th><th>cosine local</th>"
          "<th>cosine propagated</th><th>max |err| local</th><th>max |err| propagated</th>"
          "<th>latency (cycles)</th><th>energy (" +
          std::string(unit.name) + ")</th><th>energy source</th></tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < report.layers.size(); ++i) {
    const LayerTally& layer = report.layers[i];
    html += layer.mapped ? "<tr>" : "<tr class=\"fallback\">";
    html += number_cell(std::to_string(i + 1));
    html += "<td class=\"name\">" + name_html(layer.node_name) + "</td>";
    html += "<td>" + escape(layer.op_type) + "</td>";
    html += "<td><strong>" + escape(layer.unit_kind) + "</strong>";
    if (!layer.unit_description.empty()) html += "<br>" + escape(layer.unit_description);
    if (!layer.mapped) {
      html += "<br><span class=\"reason\">ran on FP32: " +
              escape(layer.fallback_reason.empty() ? "no reason given" : layer.fallback_reason) +
              "</span>";
    }
    html += "</td>";
    html += number_cell(compact_count(layer.macs));
    html += snr_cell(layer.local_error) + snr_cell(layer.propagated_error);
    html += measured_cell(layer.local_error, layer.local_error.cosine, 6);
    html += measured_cell(layer.propagated_error, layer.propagated_error.cosine, 6);
    html += measured_cell(layer.local_error, layer.local_error.max_abs_error, -1);
    html += measured_cell(layer.propagated_error, layer.propagated_error.max_abs_error, -1);
    html += layer.latency_cycles ? number_cell(compact_count(*layer.latency_cycles))
                                 : "<td class=\"num muted\">-</td>";
    html += layer.has_energy()
                ? number_cell(significant(layer.total_energy_pj() / unit.pj_per_unit))
                : "<td class=\"num muted\">-</td>";
    html += "<td>" + escape(layer.energy_source) + "</td></tr>\n";
  }
  if (report.layers.empty()) html += "<tr><td colspan=\"14\" class=\"muted\">no layers</td></tr>\n";
  html += "</tbody></table></div>\n";

  html += "<h2>Plots</h2>\n";
  html += "<div class=\"plot\">\n" + energy_plot_svg(report) + "</div>\n";
  html += "<div class=\"plot\">\n" + error_plot_svg(report) + "</div>\n";
  html += "<div class=\"plot\">\n" + accuracy_energy_plot_svg(report) + "</div>\n";
  html += "<div class=\"plot\">\n" + multiplier_energy_plot_svg(report) + "</div>\n";

  html += "<footer>Written by tessera " + escape(report.tessera_version) + ". " +
          std::string(kJsonFileName) + " and " + kCsvFileName +
          " beside this page hold every figure at full precision. Hover a bar or point for its "
          "exact value.</footer>\n</body>\n</html>\n";
  return html;
}

void write_report(const RunReport& report, const std::filesystem::path& dir) {
  // Render everything first: a failure while formatting must not leave a half-replaced report.
  const std::string csv = render_csv(report);
  const std::string html = render_html(report);
  const std::string json = render_json(report);

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    throw InputError(dir.string() + ": cannot create report directory (" +
                     (ec ? ec.message() : std::string("a file of that name exists")) + ")");
  }
  io::write_file_atomically((dir / kCsvFileName).string(), csv);
  io::write_file_atomically((dir / kHtmlFileName).string(), html);
  io::write_file_atomically((dir / kJsonFileName).string(), json);
}

}  // namespace tessera::report
