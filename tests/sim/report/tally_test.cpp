// The tally data model: JSON round trip, schema checks, totals.
#include "sim/report/tally.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "tests/sim/report/sample_report.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

using report::LayerTally;
using report::RunReport;

// Bit-level equality, so that NaN equals NaN and -0 differs from 0: a round trip must give back
// exactly what went in.
bool same_double(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b));
}

void expect_same_stats(const metrics::ErrorStats& a, const metrics::ErrorStats& b,
                       const std::string& where) {
  EXPECT_EQ(a.count, b.count) << where;
  EXPECT_TRUE(same_double(a.rms_error, b.rms_error)) << where << " rms " << a.rms_error;
  EXPECT_TRUE(same_double(a.max_abs_error, b.max_abs_error)) << where;
  EXPECT_TRUE(same_double(a.mean_error, b.mean_error)) << where;
  EXPECT_TRUE(same_double(a.snr_db, b.snr_db)) << where << " snr " << a.snr_db << " vs " << b.snr_db;
  EXPECT_TRUE(same_double(a.cosine, b.cosine)) << where;
  EXPECT_EQ(a.non_finite, b.non_finite) << where;
}

void expect_same_report(const RunReport& a, const RunReport& b) {
  EXPECT_EQ(a.tessera_version, b.tessera_version);
  EXPECT_EQ(a.network_name, b.network_name);
  EXPECT_EQ(a.network_path, b.network_path);
  EXPECT_EQ(a.rules_path, b.rules_path);
  EXPECT_EQ(a.data_path, b.data_path);
  EXPECT_EQ(a.image_count, b.image_count);
  ASSERT_EQ(a.task.has_value(), b.task.has_value());
  if (a.task) {
    EXPECT_TRUE(same_double(a.task->top1_fp32, b.task->top1_fp32));
    EXPECT_TRUE(same_double(a.task->top1_emulated, b.task->top1_emulated));
    EXPECT_TRUE(same_double(a.task->agreement, b.task->agreement));
  }
  EXPECT_EQ(a.warnings, b.warnings);
  EXPECT_TRUE(same_double(a.wall_time_s, b.wall_time_s));
  ASSERT_EQ(a.comparison_points.size(), b.comparison_points.size());
  for (std::size_t i = 0; i < a.comparison_points.size(); ++i) {
    EXPECT_EQ(a.comparison_points[i].label, b.comparison_points[i].label);
    EXPECT_TRUE(same_double(a.comparison_points[i].energy_pj, b.comparison_points[i].energy_pj));
    EXPECT_TRUE(same_double(a.comparison_points[i].top1, b.comparison_points[i].top1));
  }
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (std::size_t i = 0; i < a.layers.size(); ++i) {
    const LayerTally& x = a.layers[i];
    const LayerTally& y = b.layers[i];
    const std::string where = "layer " + std::to_string(i) + " " + x.node_name;
    EXPECT_EQ(x.node_name, y.node_name) << where;
    EXPECT_EQ(x.op_type, y.op_type) << where;
    EXPECT_EQ(x.unit_kind, y.unit_kind) << where;
    EXPECT_EQ(x.unit_description, y.unit_description) << where;
    EXPECT_EQ(x.mapped, y.mapped) << where;
    EXPECT_EQ(x.fallback_reason, y.fallback_reason) << where;
    EXPECT_EQ(x.macs, y.macs) << where;
    expect_same_stats(x.local_error, y.local_error, where + " local");
    expect_same_stats(x.propagated_error, y.propagated_error, where + " propagated");
    EXPECT_EQ(x.latency_cycles, y.latency_cycles) << where;
    ASSERT_EQ(x.energy_pj.size(), y.energy_pj.size()) << where;
    for (const auto& [component, amount] : x.energy_pj) {
      ASSERT_EQ(y.energy_pj.count(component), 1u) << where << " " << component;
      EXPECT_TRUE(same_double(amount, y.energy_pj.at(component))) << where << " " << component;
    }
    EXPECT_EQ(x.energy_source, y.energy_source) << where;
    EXPECT_EQ(x.multiplier_energy_pj, y.multiplier_energy_pj) << where;
    EXPECT_EQ(x.multiplier_energy_note, y.multiplier_energy_note) << where;
  }
}

RunReport round_trip(const RunReport& original) {
  // Through text, as a reader of report.json sees it.
  return report::run_report_from_json(nlohmann::json::parse(report::to_json(original).dump()));
}

TEST(Tally, JsonRoundTripKeepsEveryField) {
  const RunReport original = test::sample_report();
  const RunReport back = round_trip(original);
  expect_same_report(original, back);
  EXPECT_EQ(report::to_json(back).dump(), report::to_json(original).dump());
}

TEST(Tally, JsonRoundTripWithoutTaskEnergyOrCycles) {
  RunReport original = test::sample_report(/*with_energy=*/false);
  original.task.reset();
  original.warnings.clear();
  const RunReport back = round_trip(original);
  EXPECT_FALSE(back.task.has_value());
  for (const auto& layer : back.layers) {
    EXPECT_FALSE(layer.latency_cycles.has_value()) << layer.node_name;
    EXPECT_FALSE(layer.has_energy()) << layer.node_name;
  }
  expect_same_report(original, back);
}

TEST(Tally, NlohmannHooksRoundTrip) {
  const RunReport original = test::sample_report();
  const nlohmann::json json = original;
  expect_same_report(original, json.get<RunReport>());
}

TEST(Tally, JsonCarriesSchemaVersionAndNonFiniteAsStrings) {
  const nlohmann::json json = report::to_json(test::sample_report());
  EXPECT_EQ(json.at("schema_version"), report::kReportSchemaVersion);
  // Layer 1 (/relu/Relu) is exact locally; the MatMul has a NaN propagated SNR.
  EXPECT_EQ(json.at("layers").at(1).at("local_error").at("snr_db"), "inf");
  bool saw_nan = false;
  for (const auto& layer : json.at("layers")) {
    if (layer.at("propagated_error").at("snr_db") == "nan") saw_nan = true;
  }
  EXPECT_TRUE(saw_nan);
  // The text is strict JSON: no bare Infinity/NaN tokens and no null standing in for them.
  const std::string text = json.dump();
  EXPECT_EQ(text.find("Infinity"), std::string::npos);
  EXPECT_EQ(text.find("NaN"), std::string::npos);
}

TEST(Tally, RejectsAnotherSchemaVersion) {
  nlohmann::json json = report::to_json(test::sample_report());
  json["schema_version"] = report::kReportSchemaVersion + 1;
  try {
    report::run_report_from_json(json);
    FAIL() << "accepted schema_version " << json["schema_version"];
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("schema_version"), std::string::npos) << e.what();
  }
}

TEST(Tally, ErrorNamesTheBadField) {
  nlohmann::json json = report::to_json(test::sample_report());
  json["layers"][3]["macs"] = "lots";
  try {
    report::run_report_from_json(json);
    FAIL() << "accepted a string for macs";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("layers[3].macs"), std::string::npos) << e.what();
  }
  json = report::to_json(test::sample_report());
  json["layers"][2]["local_error"].erase("snr_db");
  try {
    report::run_report_from_json(json);
    FAIL() << "accepted a missing snr_db";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("layers[2].local_error.snr_db: missing"),
              std::string::npos)
        << e.what();
  }
}

TEST(Tally, ReadReportNamesTheFile) {
  test::ScratchDir dir;
  const std::string path = dir.file("report.json");
  io::write_file_atomically(path, std::string("{\"schema_version\": 1, "));
  try {
    report::read_report(path);
    FAIL() << "parsed truncated JSON";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  const RunReport original = test::sample_report();
  io::write_file_atomically(path, report::to_json(original).dump(2));
  expect_same_report(original, report::read_report(path));
}

TEST(Tally, TotalsCountOnlyLayersWithEstimates) {
  RunReport run = test::sample_report(/*with_energy=*/false);
  EXPECT_FALSE(report::total_energy_pj(run).has_value());
  EXPECT_FALSE(report::total_latency_cycles(run).has_value());
  EXPECT_EQ(report::layers_with_energy(run), 0u);

  run.layers[0].energy_pj = {{"multipliers", 10.0}, {"sram", 5.0}};
  run.layers[0].latency_cycles = 100;
  run.layers[3].energy_pj = {{"zero", 0.0}};  // an estimate of zero still counts as an estimate
  EXPECT_EQ(report::total_energy_pj(run), 15.0);
  EXPECT_EQ(report::layers_with_energy(run), 2u);
  EXPECT_EQ(report::total_latency_cycles(run), 100u);
  EXPECT_EQ(report::layers_with_cycles(run), 1u);

  std::uint64_t macs = 0;
  for (const auto& layer : run.layers) macs += layer.macs;
  EXPECT_EQ(report::total_macs(run), macs);
  EXPECT_GT(macs, 0u);
}

TEST(Tally, EnergyComponentsInFixedOrder) {
  RunReport run;
  run.layers.resize(2);
  run.layers[0].energy_pj = {{"sram", 1}, {"zz_other", 1}, {"adc", 1}};
  run.layers[1].energy_pj = {{"multipliers", 1}, {"aa_other", 1}};
  const std::vector<std::string> expected = {"multipliers", "sram", "adc", "aa_other", "zz_other"};
  EXPECT_EQ(report::energy_components(run), expected);
}

}  // namespace
}  // namespace tessera
