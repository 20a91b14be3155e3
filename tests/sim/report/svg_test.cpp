// The SVG helper and the accuracy-versus-energy plot's Pareto front.
#include "sim/report/svg.h"

#include <gtest/gtest.h>

#include <limits>

#include "sim/report/format.h"
#include "sim/report/plots.h"
#include "tests/sim/report/sample_report.h"

namespace tessera {
namespace {

namespace svg = report::svg;

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

TEST(Svg, EscapesMarkupCharacters) {
  EXPECT_EQ(svg::escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  EXPECT_EQ(svg::escape("/layer1/layer1.0/conv1/Conv"), "/layer1/layer1.0/conv1/Conv");
  EXPECT_EQ(svg::escape(std::string("bell\x07")), "bell\xEF\xBF\xBD");  // not allowed in XML
}

TEST(Svg, NiceTicksCoverTheRangeWithRoundSteps) {
  const svg::Ticks ticks = svg::nice_ticks(0.0, 97.0, 6);
  EXPECT_EQ(ticks.lo, 0.0);
  EXPECT_EQ(ticks.hi, 100.0);
  EXPECT_EQ(ticks.step, 20.0);
  ASSERT_EQ(ticks.values.size(), 6u);
  EXPECT_EQ(ticks.values.back(), 100.0);

  const svg::Ticks negative = svg::nice_ticks(-13.0, 42.0, 6);
  EXPECT_LE(negative.lo, -13.0);
  EXPECT_GE(negative.hi, 42.0);
  EXPECT_EQ(negative.step, 10.0);
  EXPECT_NE(std::find(negative.values.begin(), negative.values.end(), 0.0), negative.values.end());

  const svg::Ticks flat = svg::nice_ticks(5.0, 5.0);
  EXPECT_LT(flat.lo, 5.0);
  EXPECT_GT(flat.hi, 5.0);

  const svg::Ticks decades = svg::decade_ticks(3.0, 4500.0);
  EXPECT_EQ(decades.values, (std::vector<double>{1.0, 10.0, 100.0, 1000.0, 10000.0}));
}

TEST(Svg, TickLabelsUseTheDecimalsTheStepNeeds) {
  EXPECT_EQ(svg::tick_label(40.0, 20.0), "40");
  EXPECT_EQ(svg::tick_label(7.5, 2.5), "7.5");
  EXPECT_EQ(svg::tick_label(0.25, 0.05), "0.25");
  EXPECT_EQ(svg::tick_label(1000.0, 0.0), "1000");
}

TEST(Svg, ScaleMapsEndsAndLogDecades) {
  const svg::Scale linear(0.0, 10.0, 100.0, 300.0);
  EXPECT_DOUBLE_EQ(linear(0.0), 100.0);
  EXPECT_DOUBLE_EQ(linear(10.0), 300.0);
  EXPECT_DOUBLE_EQ(linear(5.0), 200.0);
  const svg::Scale log(1.0, 1000.0, 0.0, 300.0, true);
  EXPECT_NEAR(log(10.0), 100.0, 1e-9);
  EXPECT_NEAR(log(100.0), 200.0, 1e-9);
}

TEST(Svg, DocumentIsOneClosedElement) {
  svg::Document doc(200, 100, "a <title>");
  doc.rect(0, 0, 10, 10, "#000", "tip & more");
  doc.text(5, 5, "x<y");
  const std::string out = doc.str();
  EXPECT_EQ(out.rfind("<svg ", 0), 0u);
  EXPECT_EQ(count_of(out, "</svg>"), 1u);
  EXPECT_NE(out.find("<title>a &lt;title&gt;</title>"), std::string::npos);
  EXPECT_NE(out.find("<title>tip &amp; more</title></rect>"), std::string::npos);
  EXPECT_NE(out.find(">x&lt;y</text>"), std::string::npos);
}

TEST(Format, ChoosesOneReadableEnergyUnit) {
  EXPECT_STREQ(report::energy_unit_for(850.0).name, "pJ");
  EXPECT_STREQ(report::energy_unit_for(2.5e4).name, "nJ");
  EXPECT_STREQ(report::energy_unit_for(3.0e7).name, "\xC2\xB5J");
  EXPECT_STREQ(report::energy_unit_for(4.0e9).name, "mJ");
  EXPECT_EQ(report::significant(0.012345), "0.0123");
  EXPECT_EQ(report::significant(4.567), "4.57");
  EXPECT_EQ(report::significant(789.4), "789");
  EXPECT_EQ(report::compact_count(950), "950");
  EXPECT_EQ(report::compact_count(118013952), "118M");
  EXPECT_EQ(report::compact_count(1048576), "1.05M");
  EXPECT_EQ(report::percent(0.6953), "69.53%");
}

// Front colour as drawn by accuracy_energy_plot_svg for points on the Pareto front.
// Data points carry a tooltip; legend markers do not.
const std::string kFrontCircle = "fill=\"#2e8540\" stroke=\"#333\" stroke-width=\"1.5\"><title>";
const std::string kOtherCircle = "fill=\"#8da0b6\" stroke=\"#333\" stroke-width=\"1.5\"><title>";

TEST(AccuracyEnergyPlot, MarksOnlyUndominatedPointsAsTheFront) {
  report::RunReport run;
  run.network_name = "sweep";
  run.task = report::TaskMetric{0.80, 0.0, 0.0};
  run.comparison_points = {{"A", 1.0e6, 0.50},
                           {"B", 2.0e6, 0.70},
                           {"C", 3.0e6, 0.60},   // dominated by B: more energy, less accurate
                           {"D", 4.0e6, 0.78},
                           {"E", 4.5e6, 0.78}};  // ties D's accuracy at more energy: dominated
  const std::string plot = report::accuracy_energy_plot_svg(run);
  EXPECT_EQ(count_of(plot, kFrontCircle), 3u);
  EXPECT_EQ(count_of(plot, kOtherCircle), 2u);
  EXPECT_NE(plot.find("<title>C: "), std::string::npos);
  EXPECT_NE(plot.find("FP32 80.00%"), std::string::npos);
  EXPECT_EQ(count_of(plot, "<polyline"), 1u);
  EXPECT_EQ(plot.find("log scale"), std::string::npos);

  run.comparison_points.push_back({"tiny", 1.0e3, 0.10});  // a span of 4500x: log axis
  EXPECT_NE(report::accuracy_energy_plot_svg(run).find("log scale"), std::string::npos);
}

TEST(AccuracyEnergyPlot, OneRunShowsItsPointAndTheFp32Reference) {
  report::RunReport run = test::sample_report();
  run.comparison_points.clear();
  const std::string plot = report::accuracy_energy_plot_svg(run);
  EXPECT_NE(plot.find(">this run</text>"), std::string::npos);
  EXPECT_NE(plot.find("FP32 69.53%"), std::string::npos);
  EXPECT_EQ(count_of(plot, "<circle"), 2u);  // the point and its legend marker
  EXPECT_EQ(plot.find("no energy estimates"), std::string::npos);
}

TEST(AccuracyEnergyPlot, SkipsNonFinitePointsAndSaysHowMany) {
  report::RunReport run;
  run.task = report::TaskMetric{0.7, 0.6, 0.9};
  run.comparison_points = {{"ok", 1.0e6, 0.6},
                           {"broken", std::numeric_limits<double>::quiet_NaN(), 0.5}};
  const std::string plot = report::accuracy_energy_plot_svg(run);
  EXPECT_NE(plot.find("1 point(s) with non-finite values not drawn"), std::string::npos);
  EXPECT_EQ(plot.find("=\"nan"), std::string::npos);
}

}  // namespace
}  // namespace tessera
