#pragma once
// A small SVG writer for the report's plots: shapes, text, axes with "nice" ticks and legends.
// Output is a plain <svg> element to inline in HTML, so the page needs no scripts or fonts.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tessera::report::svg {

// Escapes & < > " ' as entities; safe in element text and in attribute values alike.
std::string escape(std::string_view text);

// Axis bounds widened to round numbers and the tick values between them (1, 2, 2.5 or 5 times a
// power of ten apart). Requires finite lo <= hi; lo == hi is widened around the value.
struct Ticks {
  double lo = 0.0;
  double hi = 1.0;
  double step = 1.0;
  std::vector<double> values;
};
Ticks nice_ticks(double lo, double hi, int target_count = 6);
// Ticks at powers of ten covering [lo, hi], for a log axis; requires 0 < lo <= hi.
Ticks decade_ticks(double lo, double hi);

// A tick label with as many decimals as the step needs ("0", "2.5", "0.25"); %g for log axes.
std::string tick_label(double value, double step);

// Maps a data interval onto a pixel interval, linearly or in log10.
class Scale {
 public:
  Scale(double data_lo, double data_hi, double pixel_lo, double pixel_hi, bool log = false);
  double operator()(double value) const;
  bool log() const { return log_; }

 private:
  double data_lo_, data_hi_, pixel_lo_, pixel_hi_;
  bool log_;
};

enum class Anchor { start, middle, end };

class Document {
 public:
  // `title` becomes the SVG's <title> (read by screen readers and shown as a tooltip).
  Document(double width, double height, std::string_view title);

  double width() const { return width_; }
  double height() const { return height_; }

  // `tooltip`, when not empty, is shown on hover (an SVG <title> child).
  void rect(double x, double y, double w, double h, std::string_view fill,
            std::string_view tooltip = {}, std::string_view extra_attributes = {});
  void line(double x1, double y1, double x2, double y2, std::string_view stroke,
            double stroke_width = 1.0, std::string_view dash = {});
  void polyline(const std::vector<std::pair<double, double>>& points, std::string_view stroke,
                double stroke_width = 1.5, std::string_view dash = {});
  void circle(double cx, double cy, double r, std::string_view fill, std::string_view stroke,
              std::string_view tooltip = {});
  // `halo` outlines the glyphs in white so a label stays legible where it crosses a line.
  void text(double x, double y, std::string_view content, Anchor anchor = Anchor::start,
            double size = 12.0, std::string_view fill = "#222", bool bold = false,
            double rotate_degrees = 0.0, bool halo = false);
  // Raw markup for <defs> (patterns); the caller is responsible for it being well-formed.
  void define(std::string_view markup);

  std::string str() const;

 private:
  double width_, height_;
  std::string title_;
  std::string defs_;
  std::string body_;
};

// A horizontal numeric axis at pixel row `y` with ticks, labels, optional vertical grid lines up
// to `grid_top`, and `label` centred below.
void x_axis(Document& doc, const Scale& scale, const Ticks& ticks, double y, double grid_top,
            std::string_view label);
// A vertical numeric axis at pixel column `x`; grid lines run right to `grid_right`.
void y_axis(Document& doc, const Scale& scale, const Ticks& ticks, double x, double grid_right,
            std::string_view label, std::string_view suffix = {});

// One row of legend entries starting at (x, y): a swatch then its label. A swatch is a fill
// colour, or "url(#pattern)" for a pattern defined in <defs>.
struct LegendEntry {
  std::string swatch;
  std::string label;
  bool marker_is_circle = false;
  bool marker_is_line = false;
  std::string line_dash{};  // stroke-dasharray for a line marker
};
void legend(Document& doc, double x, double y, const std::vector<LegendEntry>& entries);

// Rough width of `text` in pixels at `size`, for layout (the page uses a sans-serif font).
double text_width(std::string_view text, double size);

}  // namespace tessera::report::svg
