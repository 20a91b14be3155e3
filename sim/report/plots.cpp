#include "sim/report/plots.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "sim/report/text_table.h"
#include "sim/report/format.h"
#include "sim/report/svg.h"

namespace tessera::report {
namespace {

using svg::Anchor;

constexpr double kWidth = 1000.0;
constexpr double kLabelSize = 11.0;
constexpr std::size_t kMaxLabelGlyphs = 46;
const char* const kMuted = "#777";

const char* palette(std::size_t index) {
  static const char* const colours[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  return colours[index % (sizeof colours / sizeof colours[0])];
}

std::size_t glyph_count(const std::string& text) {
  std::size_t glyphs = 0;
  for (const char c : text) glyphs += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return glyphs;
}

// "12  /layer1/.../conv1/Conv", keeping the tail of a long name: its end tells layers apart.
std::string row_label(std::size_t index, const std::string& name) {
  std::string label = name;
  if (glyph_count(label) > kMaxLabelGlyphs) {
    std::size_t cut = label.size() - (kMaxLabelGlyphs - 1);
    while (cut < label.size() && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) ++cut;
    label = "\xE2\x80\xA6" + label.substr(cut);  // "…"
  }
  return std::to_string(index + 1) + "  " + label;
}

double label_column_width(const RunReport& report) {
  double widest = 80.0;
  for (std::size_t i = 0; i < report.layers.size(); ++i) {
    widest = std::max(widest, svg::text_width(row_label(i, report.layers[i].node_name), kLabelSize));
  }
  return std::min(widest, 330.0) + 16.0;
}

// A plot that has nothing to draw still says why, so an empty panel is never mistaken for a
// rendering failure.
std::string message_panel(const char* title, const std::string& message,
                          const std::string& detail) {
  svg::Document doc(kWidth, 120, title);
  doc.text(10, 22, title, Anchor::start, 15, "#222", true);
  doc.rect(10, 36, kWidth - 20, 70, "#f6f6f6", {}, "stroke=\"#ccc\" rx=\"4\"");
  doc.text(kWidth / 2, 66, message, Anchor::middle, 14, "#555", true);
  if (!detail.empty()) doc.text(kWidth / 2, 88, detail, Anchor::middle, 11.5, kMuted);
  return doc.str();
}

}  // namespace

std::string energy_plot_svg(const RunReport& report) {
  if (layers_with_energy(report) == 0) {
    return message_panel(kEnergyPlotTitle, "no energy estimates in this run",
                         report.layers.empty()
                             ? "the run has no layers"
                             : "energy comes from the SystemC models; none covered these layers");
  }
  const std::vector<std::string> components = energy_components(report);
  double max_total = 0.0;
  for (const auto& layer : report.layers) {
    double total = 0.0;
    for (const auto& [component, amount] : layer.energy_pj) {
      if (std::isfinite(amount) && amount > 0) total += amount;
    }
    max_total = std::max(max_total, total);
  }
  const EnergyUnit unit = energy_unit_for(max_total);
  const svg::Ticks ticks = svg::nice_ticks(0.0, std::max(max_total / unit.pj_per_unit, 1e-12));

  const double left = label_column_width(report);
  const double right = kWidth - 70;
  const double top = 62, row = 18, bar = 12;
  const double bottom = top + row * static_cast<double>(report.layers.size());
  svg::Document doc(kWidth, bottom + 50, kEnergyPlotTitle);
  doc.text(10, 22, kEnergyPlotTitle, Anchor::start, 15, "#222", true);

  std::vector<svg::LegendEntry> entries;
  for (std::size_t c = 0; c < components.size(); ++c) {
    entries.push_back({palette(c), components[c]});
  }
  svg::legend(doc, left, 46, entries);

  const svg::Scale x(ticks.lo, ticks.hi, left, right);
  svg::x_axis(doc, x, ticks, bottom + 2, top - 4, std::string("energy (") + unit.name + ")");
  for (std::size_t i = 0; i < report.layers.size(); ++i) {
    const LayerTally& layer = report.layers[i];
    const double y = top + row * static_cast<double>(i);
    doc.text(left - 8, y + bar - 2, row_label(i, layer.node_name), Anchor::end, kLabelSize);
    if (!layer.has_energy()) {
      doc.text(left + 4, y + bar - 2, "no estimate", Anchor::start, 10.5, kMuted);
      continue;
    }
    double start = 0.0;
    bool skipped = false;
    for (std::size_t c = 0; c < components.size(); ++c) {
      const auto it = layer.energy_pj.find(components[c]);
      if (it == layer.energy_pj.end()) continue;
      if (!std::isfinite(it->second) || it->second < 0) {
        skipped = true;
        continue;
      }
      const double amount = it->second / unit.pj_per_unit;
      doc.rect(x(start), y, x(start + amount) - x(start), bar, palette(c),
               layer.node_name + " - " + components[c] + ": " + significant(amount) + " " +
                   unit.name);
      start += amount;
    }
    std::string total = significant(start);
    if (skipped) total += " (+ non-finite or negative parts, not drawn)";
    doc.text(x(start) + 4, y + bar - 2, total, Anchor::start, 10, "#333");
  }
  return doc.str();
}

std::string error_plot_svg(const RunReport& report) {
  if (report.layers.empty()) {
    return message_panel(kErrorPlotTitle, "no layers in this run", "");
  }
  double lo = 0.0, hi = -std::numeric_limits<double>::infinity();
  for (const auto& layer : report.layers) {
    for (const metrics::ErrorStats* stats : {&layer.local_error, &layer.propagated_error}) {
      if (stats->count == 0 || !std::isfinite(stats->snr_db)) continue;
      lo = std::min(lo, stats->snr_db);
      hi = std::max(hi, stats->snr_db);
    }
  }
  if (!std::isfinite(hi)) hi = 60.0;  // every layer exact or unmeasured: any scale will do
  const svg::Ticks ticks = svg::nice_ticks(lo, std::max(hi, lo + 1.0));

  const double left = label_column_width(report);
  const double right = kWidth - 110;  // room for "exact" and "N non-finite" after the bars
  const double top = 62, row = 22, bar = 8;
  const double bottom = top + row * static_cast<double>(report.layers.size());
  svg::Document doc(kWidth, bottom + 50, kErrorPlotTitle);
  const char* const local_colour = "#4e79a7";
  const char* const propagated_colour = "#f28e2b";
  // Hatching marks a bar that stands for "no error at all" rather than a measured length.
  for (const auto& [id, colour] : {std::pair{"tessera-exact-local", local_colour},
                                   std::pair{"tessera-exact-propagated", propagated_colour}}) {
    doc.define(std::string("<pattern id=\"") + id +
               "\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
               "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"" +
               colour + "\"/><rect width=\"2.5\" height=\"6\" fill=\"#fff\"/></pattern>");
  }
  doc.text(10, 22, kErrorPlotTitle, Anchor::start, 15, "#222", true);
  svg::legend(doc, left, 46,
              {{local_colour, "local (layer fed FP32 inputs)"},
               {propagated_colour, "propagated (fed emulated activations)"},
               {"url(#tessera-exact-local)", "exact: no error, bar capped"}});

  const svg::Scale x(ticks.lo, ticks.hi, left, right);
  svg::x_axis(doc, x, ticks, bottom + 2, top - 4, "SNR (dB), higher is better");
  if (ticks.lo < 0) doc.line(x(0), top - 4, x(0), bottom + 2, "#888");

  for (std::size_t i = 0; i < report.layers.size(); ++i) {
    const LayerTally& layer = report.layers[i];
    const double y = top + row * static_cast<double>(i);
    doc.text(left - 8, y + 14, row_label(i, layer.node_name), Anchor::end, kLabelSize);
    struct Series {
      const metrics::ErrorStats& stats;
      const char* name;
      const char* colour;
      const char* hatch;
      double y;
    };
    for (const Series& s :
         {Series{layer.local_error, "local", local_colour, "url(#tessera-exact-local)", y + 2},
          Series{layer.propagated_error, "propagated", propagated_colour,
                 "url(#tessera-exact-propagated)", y + 2 + bar + 1}}) {
      const double snr = s.stats.snr_db;
      const std::string tooltip = layer.node_name + " - " + s.name + " SNR: ";
      if (s.stats.count == 0) {
        doc.text(x(0) + 4, s.y + bar - 0.5, std::string(s.name) + ": not measured", Anchor::start,
                 9, kMuted);
      } else if (std::isnan(snr)) {
        doc.text(x(0) + 4, s.y + bar - 0.5, std::string(s.name) + ": NaN", Anchor::start, 9,
                 "#c0392b", true);
      } else if (std::isinf(snr)) {
        const double end = snr > 0 ? ticks.hi : ticks.lo;
        doc.rect(std::min(x(0), x(end)), s.y, std::abs(x(end) - x(0)), bar,
                 snr > 0 ? s.hatch : s.colour, tooltip + (snr > 0 ? "inf (exact)" : "-inf"));
        doc.text(snr > 0 ? x(end) + 4 : x(end) - 4, s.y + bar - 0.5,
                 snr > 0 ? "exact" : "-inf", snr > 0 ? Anchor::start : Anchor::end, 9, "#333",
                 true);
      } else {
        const double x0 = x(0), x1 = x(snr);
        doc.rect(std::min(x0, x1), s.y, std::abs(x1 - x0), bar, s.colour,
                 tooltip + significant(snr) + " dB");
        doc.text(snr >= 0 ? x1 + 4 : x1 - 4, s.y + bar - 0.5, fixed(snr, 1),
                 snr >= 0 ? Anchor::start : Anchor::end, 9, "#333");
      }
      if (s.stats.non_finite > 0) {
        doc.text(right + 40, s.y + bar - 0.5,
                 std::to_string(s.stats.non_finite) + " non-finite", Anchor::start, 9, "#c0392b");
      }
    }
  }
  return doc.str();
}

std::string accuracy_energy_plot_svg(const RunReport& report) {
  struct Point {
    std::string label;
    double energy_pj;
    double top1;
    bool this_run;
  };
  std::vector<Point> points;
  std::size_t unplottable = 0;
  for (const auto& p : report.comparison_points) {
    if (std::isfinite(p.energy_pj) && p.energy_pj >= 0 && std::isfinite(p.top1)) {
      points.push_back({p.label, p.energy_pj, p.top1, false});
    } else {
      ++unplottable;
    }
  }
  const auto run_energy = total_energy_pj(report);
  if (run_energy && report.task && std::isfinite(*run_energy) &&
      std::isfinite(report.task->top1_emulated)) {
    points.push_back({"this run", *run_energy, report.task->top1_emulated, true});
  }
  if (points.empty()) {
    if (!report.task) {
      return message_panel(kAccuracyEnergyPlotTitle, "no task metric (top-1) in this run",
                           "accuracy comes from the labelled data set; this run had none");
    }
    return message_panel(kAccuracyEnergyPlotTitle, "no energy estimates in this run",
                         "top-1: FP32 " + percent(report.task->top1_fp32) + ", emulated " +
                             percent(report.task->top1_emulated));
  }

  double energy_lo = std::numeric_limits<double>::infinity(), energy_hi = 0.0;
  double top1_lo = 1.0, top1_hi = 0.0;
  for (const auto& p : points) {
    energy_lo = std::min(energy_lo, p.energy_pj);
    energy_hi = std::max(energy_hi, p.energy_pj);
    top1_lo = std::min(top1_lo, p.top1);
    top1_hi = std::max(top1_hi, p.top1);
  }
  const bool have_reference = report.task && std::isfinite(report.task->top1_fp32);
  if (have_reference) {
    top1_lo = std::min(top1_lo, report.task->top1_fp32);
    top1_hi = std::max(top1_hi, report.task->top1_fp32);
  }
  const EnergyUnit unit = energy_unit_for(energy_hi);
  // A sweep across formats spans orders of magnitude; a linear axis would pile the cheap
  // configurations onto the origin.
  const bool log_axis = energy_lo > 0 && energy_hi / energy_lo > 50.0;
  const svg::Ticks x_ticks =
      log_axis ? svg::decade_ticks(energy_lo / unit.pj_per_unit, energy_hi / unit.pj_per_unit)
               : svg::nice_ticks(0.0, std::max(energy_hi * 1.05 / unit.pj_per_unit, 1e-12));
  const double pad = std::max(0.5, (top1_hi - top1_lo) * 100.0 * 0.08);
  const svg::Ticks y_ticks = svg::nice_ticks(std::max(0.0, top1_lo * 100.0 - pad),
                                             std::min(100.0, top1_hi * 100.0 + pad), 5);

  const double left = 90, right = kWidth - 40, top = 62, bottom = 400;
  svg::Document doc(kWidth, bottom + 56, kAccuracyEnergyPlotTitle);
  doc.text(10, 22, kAccuracyEnergyPlotTitle, Anchor::start, 15, "#222", true);
  const char* const point_colour = "#8da0b6";
  const char* const front_colour = "#2e8540";
  const char* const run_colour = "#e15759";
  std::vector<svg::LegendEntry> entries;
  if (!report.comparison_points.empty()) {
    entries.push_back({point_colour, "configurations", true});
    entries.push_back({front_colour, "Pareto front (no cheaper point is more accurate)", false,
                       true});
  }
  if (points.back().this_run) entries.push_back({run_colour, "this run", true});
  if (have_reference) {
    entries.push_back({"#555", "FP32 reference (energy not modelled)", false, true, "6 4"});
  }
  svg::legend(doc, left, 46, entries);

  const svg::Scale x(x_ticks.lo, x_ticks.hi, left, right, log_axis);
  const svg::Scale y(y_ticks.lo, y_ticks.hi, bottom, top);
  svg::x_axis(doc, x, x_ticks, bottom, top,
              std::string("total energy per inference (") + unit.name + ")" +
                  (log_axis ? ", log scale" : ""));
  svg::y_axis(doc, y, y_ticks, left, right, "top-1 (%)");

  if (have_reference) {
    const double ref_y = y(report.task->top1_fp32 * 100.0);
    doc.line(left, ref_y, right, ref_y, "#555", 1.5, "6 4");
    // Labelled at the left: cheap configurations are rarely as accurate as FP32, so that end
    // of the line is usually clear of points.
    doc.text(left + 6, ref_y - 6, "FP32 " + percent(report.task->top1_fp32), Anchor::start, 11,
             "#333", false, 0.0, /*halo=*/true);
  }

  // The front: walking up in energy, keep each point that beats every cheaper one.
  std::vector<std::size_t> order(points.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return points[a].energy_pj != points[b].energy_pj ? points[a].energy_pj < points[b].energy_pj
                                                      : points[a].top1 > points[b].top1;
  });
  std::vector<bool> on_front(points.size(), false);
  std::vector<std::pair<double, double>> staircase;
  double best = -1.0;
  for (const std::size_t i : order) {
    if (points[i].top1 <= best) continue;
    on_front[i] = true;
    const double px = x(points[i].energy_pj / unit.pj_per_unit);
    const double py = y(points[i].top1 * 100.0);
    if (!staircase.empty()) staircase.emplace_back(px, staircase.back().second);
    staircase.emplace_back(px, py);
    best = points[i].top1;
  }
  if (points.size() > 1) doc.polyline(staircase, front_colour, 2.0);

  for (std::size_t i = 0; i < points.size(); ++i) {
    const Point& p = points[i];
    const double px = x(p.energy_pj / unit.pj_per_unit);
    const double py = y(p.top1 * 100.0);
    const std::string tooltip = p.label + ": " + significant(p.energy_pj / unit.pj_per_unit) +
                                " " + unit.name + ", top-1 " + percent(p.top1);
    const char* fill = p.this_run ? run_colour : (on_front[i] ? front_colour : point_colour);
    doc.circle(px, py, p.this_run ? 7 : 5, fill, "#333", tooltip);
    doc.text(px + 9, py - 7, p.label, Anchor::start, 10.5, p.this_run ? run_colour : "#333",
             p.this_run, 0.0, /*halo=*/true);
  }
  if (unplottable > 0) {
    doc.text(right, bottom + 50,
             std::to_string(unplottable) + " point(s) with non-finite values not drawn",
             Anchor::end, 10, "#c0392b");
  }
  return doc.str();
}

std::string multiplier_energy_plot_svg(const RunReport& report) {
  struct Method {
    const char* key;
    const char* colour;
    const char* label;
  };
  static const Method methods[] = {{"table", "#9c9c9c", "energy table (45 nm figures)"},
                                   {"data-dependent", "#4e79a7", "data-dependent model (cell library)"},
                                   {"gate-level", "#e15759", "gate-level reference (traced tiles)"}};
  std::vector<const LayerTally*> layers;
  double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
  for (const auto& layer : report.layers) {
    bool any = false;
    for (const auto& [method, pj] : layer.multiplier_energy_pj) {
      if (!(pj > 0.0)) continue;
      any = true;
      lo = std::min(lo, pj);
      hi = std::max(hi, pj);
    }
    if (any) layers.push_back(&layer);
  }
  if (layers.empty()) {
    return message_panel(kMultiplierEnergyPlotTitle, "no multiplier energy estimates in this run",
                         "approx layers get them: the table always, data-dependent and gate-level where available");
  }
  const svg::Ticks ticks = svg::decade_ticks(lo, hi);
  const double left = label_column_width(report);
  const double right = kWidth - 60;
  const double top = 62, bar = 6, row = 3 * bar + 6;
  const double bottom = top + row * static_cast<double>(layers.size());
  svg::Document doc(kWidth, bottom + 50, kMultiplierEnergyPlotTitle);
  doc.text(10, 22, kMultiplierEnergyPlotTitle, Anchor::start, 15, "#222", true);
  std::vector<svg::LegendEntry> legend;
  for (const Method& m : methods) legend.push_back({m.colour, m.label});
  svg::legend(doc, left, 46, legend);
  const svg::Scale x(ticks.lo, ticks.hi, left, right, true);
  svg::x_axis(doc, x, ticks, bottom + 2, top - 4, "multiplier energy per image (pJ, log scale)");
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerTally& layer = *layers[i];
    const double y = top + row * static_cast<double>(i);
    doc.text(left - 8, y + row / 2 + 3, row_label(i, layer.node_name), Anchor::end, kLabelSize);
    for (std::size_t k = 0; k < 3; ++k) {
      const auto found = layer.multiplier_energy_pj.find(methods[k].key);
      if (found == layer.multiplier_energy_pj.end() || !(found->second > 0.0)) continue;
      const double by = y + 2 + static_cast<double>(k) * bar;
      doc.rect(x(ticks.lo), by, x(found->second) - x(ticks.lo), bar - 1, methods[k].colour,
               layer.node_name + " - " + methods[k].key + ": " + significant(found->second) + " pJ");
    }
  }
  return doc.str();
}

}  // namespace tessera::report
