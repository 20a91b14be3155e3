#pragma once
// Presenting a RunReport: the terminal table, and the report directory (report.json, layers.csv,
// report.html). The render_* functions build each file's text without touching the disk, so a
// caller (or a test) can inspect exactly what write_report would write.
#include <filesystem>
#include <iosfwd>
#include <string>

#include "sim/report/tally.h"

namespace tessera::report {

// File names inside a report directory.
inline constexpr const char* kJsonFileName = "report.json";
inline constexpr const char* kCsvFileName = "layers.csv";
inline constexpr const char* kHtmlFileName = "report.html";

// Creates `dir` if needed and writes the three files, each atomically (temporary file, then
// rename), so an interrupted run leaves every previous file whole. All three are rendered before
// the first is written, and report.json is written last: it is what tools read, and it only
// replaces the previous one once the CSV and HTML beside it are in place. Throws InputError naming
// the path that could not be created or written.
void write_report(const RunReport& report, const std::filesystem::path& dir);

// The terminal summary: one row per layer (layer, op, unit, MACs, SNR local and propagated dB,
// cosine, max abs error, cycles, energy), then fallbacks, warnings, totals and the end-to-end line
// (top-1 FP32 versus emulated, agreement).
void print_report(const RunReport& report, std::ostream& out);

// report.json's text: to_json(report) indented by two spaces, ending in a newline.
std::string render_json(const RunReport& report);
// layers.csv: RFC 4180 fields (comma separated; a field with a comma, quote or line break is
// quoted, its quotes doubled) on "\n"-terminated lines; units in the column names; empty cells for
// absent values; "inf"/"-inf"/"nan" for non-finite ones. One energy column per component present.
std::string render_csv(const RunReport& report);
// report.html: a self-contained page (inline CSS and SVG, no scripts, fonts or remote resources).
std::string render_html(const RunReport& report);

// One CSV field, quoted when it must be.
std::string csv_field(const std::string& text);

}  // namespace tessera::report
