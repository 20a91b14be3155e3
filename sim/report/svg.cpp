#include "sim/report/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tessera::report::svg {
namespace {

// Coordinates to a tenth of a pixel: enough for crisp output, short enough to keep files small.
std::string coord(double value) {
  if (!std::isfinite(value)) value = 0.0;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  std::string text = buffer;
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  if (text == "-0") text = "0";
  return text;
}

std::string tooltip_element(std::string_view tooltip) {
  return tooltip.empty() ? std::string() : "<title>" + escape(tooltip) + "</title>";
}

const char* anchor_name(Anchor anchor) {
  switch (anchor) {
    case Anchor::start: return "start";
    case Anchor::middle: return "middle";
    case Anchor::end: return "end";
  }
  return "start";
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters other than tab and newline are not allowed in XML at all.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          out += "\xEF\xBF\xBD";  // U+FFFD
        } else {
          out += c;
        }
    }
  }
  return out;
}

Ticks nice_ticks(double lo, double hi, int target_count) {
  if (!(lo <= hi)) std::swap(lo, hi);
  if (lo == hi) {
    const double pad = lo == 0.0 ? 1.0 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw_step = (hi - lo) / std::max(1, target_count);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw_step)));
  double step = magnitude;
  for (const double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = factor * magnitude;
    if (step >= raw_step) break;
  }
  Ticks ticks;
  ticks.step = step;
  ticks.lo = std::floor(lo / step + 1e-9) * step;
  ticks.hi = std::ceil(hi / step - 1e-9) * step;
  for (double value = ticks.lo; value <= ticks.hi + step * 1e-6; value += step) {
    ticks.values.push_back(std::abs(value) < step * 1e-9 ? 0.0 : value);
  }
  return ticks;
}

Ticks decade_ticks(double lo, double hi) {
  Ticks ticks;
  const double first = std::floor(std::log10(lo));
  const double last = std::max(first + 1.0, std::ceil(std::log10(hi)));
  ticks.lo = std::pow(10.0, first);
  ticks.hi = std::pow(10.0, last);
  ticks.step = 0.0;  // multiplicative; tick_label ignores it for log axes
  for (double e = first; e <= last; e += 1.0) ticks.values.push_back(std::pow(10.0, e));
  return ticks;
}

std::string tick_label(double value, double step) {
  char buffer[32];
  if (step <= 0.0) {  // decade ticks
    std::snprintf(buffer, sizeof buffer, "%g", value);
    return buffer;
  }
  // Enough decimals to write the step exactly: 0.25 needs 2, 5 needs 0.
  int decimals = 0;
  for (double scaled = step; decimals < 6; scaled *= 10.0, ++decimals) {
    if (std::abs(scaled - std::round(scaled)) <= 1e-6 * scaled) break;
  }
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

Scale::Scale(double data_lo, double data_hi, double pixel_lo, double pixel_hi, bool log)
    : data_lo_(data_lo), data_hi_(data_hi), pixel_lo_(pixel_lo), pixel_hi_(pixel_hi), log_(log) {}

double Scale::operator()(double value) const {
  double a = data_lo_, b = data_hi_, v = value;
  if (log_) {
    a = std::log10(a);
    b = std::log10(b);
    v = std::log10(std::max(value, 1e-300));
  }
  if (b == a) return pixel_lo_;
  return pixel_lo_ + (v - a) / (b - a) * (pixel_hi_ - pixel_lo_);
}

Document::Document(double width, double height, std::string_view title)
    : width_(width), height_(height), title_(title) {}

void Document::rect(double x, double y, double w, double h, std::string_view fill,
                    std::string_view tooltip, std::string_view extra_attributes) {
  body_ += "<rect x=\"" + coord(x) + "\" y=\"" + coord(y) + "\" width=\"" + coord(std::max(0.0, w)) +
           "\" height=\"" + coord(std::max(0.0, h)) + "\" fill=\"" + escape(fill) + "\"";
  if (!extra_attributes.empty()) body_ += " " + std::string(extra_attributes);
  if (tooltip.empty()) {
    body_ += "/>";
  } else {
    body_ += ">" + tooltip_element(tooltip) + "</rect>";
  }
  body_ += "\n";
}

void Document::line(double x1, double y1, double x2, double y2, std::string_view stroke,
                    double stroke_width, std::string_view dash) {
  body_ += "<line x1=\"" + coord(x1) + "\" y1=\"" + coord(y1) + "\" x2=\"" + coord(x2) +
           "\" y2=\"" + coord(y2) + "\" stroke=\"" + escape(stroke) + "\" stroke-width=\"" +
           coord(stroke_width) + "\"";
  if (!dash.empty()) body_ += " stroke-dasharray=\"" + escape(dash) + "\"";
  body_ += "/>\n";
}

void Document::polyline(const std::vector<std::pair<double, double>>& points,
                        std::string_view stroke, double stroke_width, std::string_view dash) {
  std::string list;
  for (const auto& [x, y] : points) {
    if (!list.empty()) list += ' ';
    list += coord(x) + "," + coord(y);
  }
  body_ += "<polyline points=\"" + list + "\" fill=\"none\" stroke=\"" + escape(stroke) +
           "\" stroke-width=\"" + coord(stroke_width) + "\"";
  if (!dash.empty()) body_ += " stroke-dasharray=\"" + escape(dash) + "\"";
  body_ += "/>\n";
}

void Document::circle(double cx, double cy, double r, std::string_view fill,
                      std::string_view stroke, std::string_view tooltip) {
  body_ += "<circle cx=\"" + coord(cx) + "\" cy=\"" + coord(cy) + "\" r=\"" + coord(r) +
           "\" fill=\"" + escape(fill) + "\" stroke=\"" + escape(stroke) + "\" stroke-width=\"1.5\"";
  if (tooltip.empty()) {
    body_ += "/>\n";
  } else {
    body_ += ">" + tooltip_element(tooltip) + "</circle>\n";
  }
}

void Document::text(double x, double y, std::string_view content, Anchor anchor, double size,
                    std::string_view fill, bool bold, double rotate_degrees, bool halo) {
  body_ += "<text x=\"" + coord(x) + "\" y=\"" + coord(y) + "\" font-size=\"" + coord(size) +
           "\" fill=\"" + escape(fill) + "\" text-anchor=\"" + anchor_name(anchor) + "\"";
  if (bold) body_ += " font-weight=\"bold\"";
  if (halo) body_ += " stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\"";
  if (rotate_degrees != 0.0) {
    body_ += " transform=\"rotate(" + coord(rotate_degrees) + " " + coord(x) + " " + coord(y) + ")\"";
  }
  body_ += ">" + escape(content) + "</text>\n";
}

void Document::define(std::string_view markup) { defs_ += markup; }

std::string Document::str() const {
  // No xmlns: the element is inlined in HTML, whose parser puts <svg> in the SVG namespace.
  std::string out = "<svg role=\"img\" width=\"" +
                    coord(width_) + "\" height=\"" + coord(height_) + "\" viewBox=\"0 0 " +
                    coord(width_) + " " + coord(height_) +
                    "\" font-family=\"Helvetica, Arial, sans-serif\">\n<title>" + escape(title_) +
                    "</title>\n";
  if (!defs_.empty()) out += "<defs>" + defs_ + "</defs>\n";
  out += body_;
  out += "</svg>\n";
  return out;
}

void x_axis(Document& doc, const Scale& scale, const Ticks& ticks, double y, double grid_top,
            std::string_view label) {
  const double left = scale(ticks.lo), right = scale(ticks.hi);
  for (const double value : ticks.values) {
    const double x = scale(value);
    if (grid_top < y) doc.line(x, grid_top, x, y, "#e3e3e3");
    doc.line(x, y, x, y + 5, "#555");
    doc.text(x, y + 18, tick_label(value, ticks.step), Anchor::middle, 11, "#444");
  }
  doc.line(left, y, right, y, "#555");
  if (!label.empty()) doc.text((left + right) / 2, y + 36, label, Anchor::middle, 12, "#222");
}

void y_axis(Document& doc, const Scale& scale, const Ticks& ticks, double x, double grid_right,
            std::string_view label, std::string_view suffix) {
  const double bottom = scale(ticks.lo), top = scale(ticks.hi);
  for (const double value : ticks.values) {
    const double y = scale(value);
    if (grid_right > x) doc.line(x, y, grid_right, y, "#e3e3e3");
    doc.line(x - 5, y, x, y, "#555");
    doc.text(x - 8, y + 4, tick_label(value, ticks.step) + std::string(suffix), Anchor::end, 11,
             "#444");
  }
  doc.line(x, bottom, x, top, "#555");
  if (!label.empty()) {
    doc.text(x - 48, (top + bottom) / 2, label, Anchor::middle, 12, "#222", false, -90);
  }
}

void legend(Document& doc, double x, double y, const std::vector<LegendEntry>& entries) {
  for (const auto& entry : entries) {
    if (entry.marker_is_circle) {
      doc.circle(x + 6, y - 4, 5, entry.swatch, "#333");
    } else if (entry.marker_is_line) {
      doc.line(x, y - 4, x + 18, y - 4, entry.swatch, 2, entry.line_dash);
    } else {
      doc.rect(x, y - 10, 12, 12, entry.swatch, {}, "stroke=\"#666\" stroke-width=\"0.5\"");
    }
    const double swatch_width = entry.marker_is_line ? 24 : 17;
    doc.text(x + swatch_width, y, entry.label, Anchor::start, 11.5, "#222");
    x += swatch_width + text_width(entry.label, 11.5) + 18;
  }
}

double text_width(std::string_view text, double size) {
  std::size_t glyphs = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++glyphs;  // skip UTF-8 continuations
  }
  return static_cast<double>(glyphs) * size * 0.56;
}

}  // namespace tessera::report::svg
