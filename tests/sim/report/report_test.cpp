// The report writers: CSV, HTML, the terminal table and the atomic report directory.
#include "sim/report/report.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "sim/report/format.h"
#include "sim/report/plots.h"
#include "sim/report/svg.h"
#include "tests/sim/report/sample_report.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using report::RunReport;

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

// A minimal RFC 4180 reader, to check the CSV reads back as the fields that were written.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, field_started = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && !field_started) {
      quoted = field_started = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
      field_started = false;
    } else if (c == '\n') {
      rows.back().push_back(field);
      field.clear();
      field_started = false;
      rows.emplace_back();
    } else {
      field += c;
      field_started = true;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

std::string read(const fs::path& path) { return io::read_file(path.string()); }

// --------------------------------------------------------------------------------------------
// CSV

TEST(Csv, HeaderNamesUnits) {
  const std::string csv = report::render_csv(test::sample_report());
  const std::string header = csv.substr(0, csv.find('\n'));
  EXPECT_EQ(header,
            "index,layer,op,unit_kind,unit,mapped,fallback_reason,macs,"
            "local_count,local_snr_db,local_cosine,local_max_abs_error,local_rms_error,"
            "local_mean_error,local_non_finite,"
            "propagated_count,propagated_snr_db,propagated_cosine,propagated_max_abs_error,"
            "propagated_rms_error,propagated_mean_error,propagated_non_finite,"
            "latency_cycles,energy_total_pj,energy_multipliers_pj,energy_accumulators_pj,"
            "energy_sram_pj,energy_dram_pj,energy_dac_pj,energy_adc_pj,energy_laser_pj,"
            "energy_modulator_pj,energy_source,multiplier_table_pj,multiplier_data-dependent_pj,"
            "multiplier_gate-level_pj,multiplier_energy_note");
}

TEST(Csv, QuotesNamesWithCommasAndQuotes) {
  EXPECT_EQ(report::csv_field("plain/name.0"), "plain/name.0");
  EXPECT_EQ(report::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(report::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(report::csv_field("two\nlines"), "\"two\nlines\"");

  const RunReport run = test::sample_report();
  const std::string csv = report::render_csv(run);
  EXPECT_NE(csv.find("\"/attn/<mask>&bias,\"\"scaled\"\"/MatMul\""), std::string::npos);

  const auto rows = parse_csv(csv);
  ASSERT_EQ(rows.size(), run.layers.size() + 1);
  for (std::size_t i = 0; i < run.layers.size(); ++i) {
    ASSERT_EQ(rows[i + 1].size(), rows[0].size()) << "row " << i + 1;
    EXPECT_EQ(rows[i + 1][1], run.layers[i].node_name);
    EXPECT_EQ(rows[i + 1][2], run.layers[i].op_type);
  }
}

TEST(Csv, AbsentValuesAreEmptyAndNonFiniteAreWords) {
  const RunReport run = test::sample_report();
  const auto rows = parse_csv(report::render_csv(run));
  const auto column = [&](const std::string& name) {
    const auto it = std::find(rows[0].begin(), rows[0].end(), name);
    EXPECT_NE(it, rows[0].end()) << name;
    return static_cast<std::size_t>(it - rows[0].begin());
  };
  // Row 2 is /relu/Relu: exact locally, no energy, no cycles.
  EXPECT_EQ(rows[2][column("local_snr_db")], "inf");
  EXPECT_EQ(rows[2][column("latency_cycles")], "");
  EXPECT_EQ(rows[2][column("energy_total_pj")], "");
  // Row 11 is the global average pool, whose error was not measured.
  EXPECT_EQ(rows[11][column("local_snr_db")], "");
  EXPECT_EQ(rows[11][column("local_count")], "");
  // The MatMul's propagated SNR is NaN.
  EXPECT_EQ(rows[8][column("propagated_snr_db")], "nan");
  // Full precision: the stem's energy reads back exactly.
  EXPECT_EQ(std::stod(rows[1][column("energy_total_pj")]), run.layers[0].total_energy_pj());
  EXPECT_EQ(rows[3][column("mapped")], "false");
  EXPECT_EQ(rows[3][column("fallback_reason")], run.layers[2].fallback_reason);
}

// --------------------------------------------------------------------------------------------
// HTML

TEST(Html, EverySvgIsClosedAndThePlotsAreThere) {
  const std::string html = report::render_html(test::sample_report());
  EXPECT_EQ(count_of(html, "<svg "), 4u);
  EXPECT_EQ(count_of(html, "</svg>"), 4u);
  EXPECT_EQ(count_of(html, "<html"), 1u);
  EXPECT_EQ(count_of(html, "</html>"), 1u);
  EXPECT_EQ(count_of(html, "<table>"), count_of(html, "</table>"));
  EXPECT_EQ(count_of(html, "<tr"), count_of(html, "</tr>"));
  EXPECT_EQ(count_of(html, "<text "), count_of(html, "</text>"));
  EXPECT_NE(html.find(report::kEnergyPlotTitle), std::string::npos);
  EXPECT_NE(html.find(report::kErrorPlotTitle), std::string::npos);
  EXPECT_NE(html.find(report::kAccuracyEnergyPlotTitle), std::string::npos);
  EXPECT_NE(html.find(report::kMultiplierEnergyPlotTitle), std::string::npos);
}

TEST(Html, MultiplierEnergyPlotHasABarPerMethodAndLayer) {
  const RunReport run = test::sample_report();
  const std::string plot = report::multiplier_energy_plot_svg(run);
  // The sample's approx stem has all three methods; the bars carry their values as tooltips.
  for (const auto& [method, pj] : run.layers.front().multiplier_energy_pj) {
    const std::string tooltip = "/conv1/Conv - " + method + ": " + report::significant(pj) + " pJ";
    EXPECT_NE(plot.find(tooltip), std::string::npos) << tooltip;
  }
  EXPECT_EQ(run.layers.front().multiplier_energy_pj.size(), 3u);
  EXPECT_NE(plot.find("log scale"), std::string::npos);
  const std::string none = report::multiplier_energy_plot_svg(test::sample_report(/*with_energy=*/false));
  EXPECT_NE(none.find("no multiplier energy estimates in this run"), std::string::npos);
}

TEST(Html, EscapesEveryLayerNameAndNeverWritesItRaw) {
  const RunReport run = test::sample_report();
  const std::string html = report::render_html(run);
  // The table may break names after '/' with <wbr>; the text is the same without them.
  std::string text = html;
  for (std::size_t at = text.find("<wbr>"); at != std::string::npos; at = text.find("<wbr>", at)) {
    text.erase(at, 5);
  }
  for (const auto& layer : run.layers) {
    const std::string escaped = report::svg::escape(layer.node_name);
    EXPECT_NE(text.find("<td class=\"name\">" + escaped + "</td>"), std::string::npos)
        << "table: " << layer.node_name;
    EXPECT_NE(html.find("<title>" + escaped + " - "), std::string::npos)
        << "plot tooltip: " << layer.node_name;
  }
  const std::string odd = run.layers[7].node_name;
  ASSERT_NE(odd.find('<'), std::string::npos);
  EXPECT_EQ(html.find(odd), std::string::npos);
  EXPECT_EQ(html.find("<mask>"), std::string::npos);
  EXPECT_NE(text.find("/attn/&lt;mask&gt;&amp;bias,&quot;scaled&quot;/MatMul"), std::string::npos);

  // User-provided strings in the header and warnings are escaped too.
  RunReport hostile = run;
  hostile.network_name = "net<script>alert(1)</script>";
  hostile.warnings.push_back("rule 'a&b' <matched> nothing");
  const std::string page = report::render_html(hostile);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_NE(page.find("net&lt;script&gt;"), std::string::npos);
  EXPECT_NE(page.find("rule &#39;a&amp;b&#39; &lt;matched&gt; nothing"), std::string::npos);
}

TEST(Html, IsSelfContained) {
  const std::string html = report::render_html(test::sample_report());
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("@font-face"), std::string::npos);
  // Every url(...) points inside the page (the hatch patterns).
  for (std::size_t at = html.find("url("); at != std::string::npos; at = html.find("url(", at + 1)) {
    EXPECT_EQ(html[at + 4], '#') << html.substr(at, 40);
    const std::size_t close = html.find(')', at);
    const std::string id = html.substr(at + 5, close - at - 5);
    EXPECT_NE(html.find("id=\"" + id + "\""), std::string::npos) << id;
  }
}

TEST(Html, SummaryShowsAccuracyEnergyAndCycles) {
  const RunReport run = test::sample_report();
  const std::string html = report::render_html(run);
  EXPECT_NE(html.find("69.53%"), std::string::npos);   // top-1 FP32
  EXPECT_NE(html.find("67.19%"), std::string::npos);   // top-1 emulated
  EXPECT_NE(html.find("92.58%"), std::string::npos);   // agreement
  EXPECT_NE(html.find("-2.34 points"), std::string::npos);
  EXPECT_NE(html.find("total energy"), std::string::npos);
  EXPECT_NE(html.find("9 of 12 layers estimated"), std::string::npos);
  EXPECT_NE(html.find(run.layers[2].fallback_reason), std::string::npos);
}

TEST(Html, WithoutEnergySaysSoInsteadOfDrawingNothing) {
  const RunReport run = test::sample_report(/*with_energy=*/false);
  const std::string energy = report::energy_plot_svg(run);
  EXPECT_NE(energy.find("no energy estimates in this run"), std::string::npos);
  EXPECT_EQ(energy.find("energy ("), std::string::npos);  // no axis drawn
  const std::string accuracy = report::accuracy_energy_plot_svg(run);
  EXPECT_NE(accuracy.find("no energy estimates in this run"), std::string::npos);
  const std::string html = report::render_html(run);
  EXPECT_EQ(count_of(html, "</svg>"), 4u);
  EXPECT_NE(html.find("no cycle model in this run"), std::string::npos);

  RunReport empty;
  empty.network_name = "empty";
  const std::string empty_html = report::render_html(empty);
  EXPECT_EQ(count_of(empty_html, "</svg>"), 4u);
  EXPECT_NE(empty_html.find("no layers"), std::string::npos);
  EXPECT_NE(empty_html.find("no task metric"), std::string::npos);
}

TEST(Html, ExactAndNanSnrAreLabelledNotDrawnAsNumbers) {
  const RunReport run = test::sample_report();
  const std::string plot = report::error_plot_svg(run);
  EXPECT_NE(plot.find(">exact</text>"), std::string::npos);
  EXPECT_NE(plot.find("url(#tessera-exact-local)"), std::string::npos);
  EXPECT_NE(plot.find("propagated: NaN"), std::string::npos);
  EXPECT_NE(plot.find("local: not measured"), std::string::npos);
  EXPECT_NE(plot.find("3 non-finite"), std::string::npos);
  // No coordinate or size ever comes out as inf or nan.
  for (const char* bad : {"=\"inf", "=\"-inf", "=\"nan", "=\"-nan"}) {
    EXPECT_EQ(plot.find(bad), std::string::npos) << bad;
  }

  // A run where every layer is exact still gets a usable axis.
  RunReport exact = run;
  for (auto& layer : exact.layers) {
    layer.local_error = test::error_with_snr(std::numeric_limits<double>::infinity());
    layer.propagated_error = layer.local_error;
  }
  const std::string all_exact = report::error_plot_svg(exact);
  EXPECT_EQ(count_of(all_exact, ">exact</text>"), 2 * exact.layers.size());
  for (const char* bad : {"=\"inf", "=\"nan", "=\"-nan"}) {
    EXPECT_EQ(all_exact.find(bad), std::string::npos) << bad;
  }

  const std::string html = report::render_html(run);
  EXPECT_NE(html.find("snr-exact\">exact</td>"), std::string::npos);
  EXPECT_NE(html.find(">NaN</td>"), std::string::npos);
}

// --------------------------------------------------------------------------------------------
// Terminal

TEST(Terminal, ListsEveryLayerAndTheEndToEndLine) {
  const RunReport run = test::sample_report();
  std::ostringstream out;
  report::print_report(run, out);
  const std::string text = out.str();
  for (const auto& layer : run.layers) {
    EXPECT_NE(text.find(layer.node_name), std::string::npos) << layer.node_name;
  }
  EXPECT_NE(text.find("top-1 over 256 images: FP32 69.53%, emulated 67.19% (-2.34 points), "
                      "agreement 92.58%"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("optical -> fp32"), std::string::npos);
  EXPECT_NE(text.find(run.layers[2].fallback_reason), std::string::npos);
  EXPECT_NE(text.find(run.warnings[0]), std::string::npos);
  EXPECT_NE(text.find("9 of 12 layers estimated"), std::string::npos);
  // One line per layer between the header and the footnote.
  const std::size_t header = text.find("SNR local dB");
  const std::size_t footnote = text.find("(cosine and max|err|");
  ASSERT_NE(header, std::string::npos);
  ASSERT_NE(footnote, std::string::npos);
  EXPECT_EQ(count_of(text.substr(header, footnote - header), "\n"), run.layers.size() + 1);
}

TEST(Terminal, WithoutTaskOrEnergySaysSo) {
  RunReport run = test::sample_report(/*with_energy=*/false);
  run.task.reset();
  std::ostringstream out;
  report::print_report(run, out);
  EXPECT_NE(out.str().find("energy not estimated"), std::string::npos);
  EXPECT_NE(out.str().find("cycles not modelled"), std::string::npos);
  EXPECT_NE(out.str().find("top-1: no labelled data"), std::string::npos);
}

// --------------------------------------------------------------------------------------------
// Report directory

TEST(WriteReport, CreatesTheDirectoryAndWritesWhatWasRendered) {
  test::ScratchDir scratch;
  const fs::path dir = scratch.path() / "runs" / "resnet18";
  const RunReport run = test::sample_report();
  report::write_report(run, dir);
  EXPECT_EQ(read(dir / report::kJsonFileName), report::render_json(run));
  EXPECT_EQ(read(dir / report::kCsvFileName), report::render_csv(run));
  EXPECT_EQ(read(dir / report::kHtmlFileName), report::render_html(run));
  EXPECT_EQ(report::read_report((dir / report::kJsonFileName).string()).layers.size(),
            run.layers.size());
  // Only the three files: no temporaries left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 3);
}

TEST(WriteReport, ReadOnlyDirectoryNamesThePathAndKeepsThePreviousReport) {
  test::ScratchDir scratch;
  const fs::path dir = scratch.path() / "out";
  fs::create_directories(dir);
  const std::string previous = "{\"previous\": true}\n";
  io::write_file_atomically((dir / report::kJsonFileName).string(), previous);
  ASSERT_EQ(::chmod(dir.c_str(), 0555), 0);
  // root (and CAP_DAC_OVERRIDE) writes anyway; the next test covers the same path for root.
  if (::access(dir.c_str(), W_OK) == 0) {
    ::chmod(dir.c_str(), 0755);
    GTEST_SKIP() << "this process can write to a mode-0555 directory (running as root)";
  }
  try {
    report::write_report(test::sample_report(), dir);
    ::chmod(dir.c_str(), 0755);
    FAIL() << "wrote into a read-only directory";
  } catch (const InputError& e) {
    ::chmod(dir.c_str(), 0755);
    EXPECT_NE(std::string(e.what()).find(dir.string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(read(dir / report::kJsonFileName), previous);
}

TEST(WriteReport, FailedWriteNamesThePathAndKeepsThePreviousReport) {
  test::ScratchDir scratch;
  const fs::path dir = scratch.path() / "out";
  fs::create_directories(dir);
  const std::string previous = "{\"previous\": true}\n";
  io::write_file_atomically((dir / report::kJsonFileName).string(), previous);
  // A directory where layers.csv should go: rename(2) onto it fails, whoever we are.
  fs::create_directories(dir / report::kCsvFileName / "blocker");
  try {
    report::write_report(test::sample_report(), dir);
    FAIL() << "replaced a directory with a file";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find((dir / report::kCsvFileName).string()),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(read(dir / report::kJsonFileName), previous);
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos)
        << "temporary left behind: " << entry.path();
  }
}

TEST(WriteReport, DirectoryPathTakenByAFileNamesThePath) {
  test::ScratchDir scratch;
  const fs::path file = scratch.path() / "not_a_dir";
  io::write_file_atomically(file.string(), std::string("x"));
  try {
    report::write_report(test::sample_report(), file);
    FAIL() << "wrote a report into a regular file";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(read(file), "x");
}

}  // namespace
}  // namespace tessera
