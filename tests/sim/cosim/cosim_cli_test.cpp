// `tessera cosim` as a user runs it: JSON on stdout, exit 0 when model and RTL agree, exit 2 with
// a message naming what exists for a unit, size or multiplier the build does not have.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "hw/common/hw_params.h"
#include "tests/support/run_command.h"
#include "tests/support/scratch_dir.h"

namespace tessera::cosim {
namespace {

using test::run_tessera;

TEST(CosimCli, ApproxTrunc3AgreesAndWritesTheSameJson) {
  test::ScratchDir dir;
  const std::string out = dir.file("cosim.json");
  const auto r = run_tessera({"cosim", "--unit", "approx", "--multiplier", "trunc3", "--tiles", "4", "--seed", "7",
                              "--json-out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["unit"], "approx");
  EXPECT_EQ(j["mismatches"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(j["tile_cycle_mismatches"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(j["tiles"].get<std::uint64_t>(), 4u);
  EXPECT_EQ(j["cycles_rtl"], j["cycles_model"]);
  EXPECT_EQ(j["cycle_error_percent"].get<double>(), 0.0);
  EXPECT_EQ(j["seed"].get<std::uint64_t>(), 7u);
  EXPECT_EQ(j["rtl"]["rows"].get<std::uint64_t>(), static_cast<std::uint64_t>(hw::kApproxArrayRows));
  std::ifstream file(out);
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(nlohmann::json::parse(text.str()), j);
}

TEST(CosimCli, MxAgrees) {
  const auto r = run_tessera({"cosim", "--unit", "mx", "--tiles", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["mismatches"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(j["cycles_rtl"], j["cycles_model"]);
  EXPECT_EQ(j["rtl"]["format_b"], "fp4_e2m1");
}

TEST(CosimCli, OpticalAgreesWithModelAndGoldenAndReportsBothSpeedups) {
  const auto r = run_tessera({"cosim", "--unit", "optical", "--tiles", "4", "--seed", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["unit"], "optical");
  EXPECT_EQ(j["mismatches"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(j["tiles"].get<std::uint64_t>(), 4u);
  EXPECT_EQ(j["cycles_rtl"], j["cycles_model"]);
  EXPECT_EQ(j["rtl"]["top"], "tessera_optical_periphery");
  for (const char* field : {"model_timing_seconds", "speedup_with_data", "speedup_timing_only"}) {
    EXPECT_GT(j[field].get<double>(), 0.0) << field;
  }
}

TEST(CosimCli, VerilatedSizeIsAcceptedOtherSizesAreNot) {
  const std::string rows = std::to_string(hw::kApproxArrayRows), cols = std::to_string(hw::kApproxArrayCols);
  const auto ok = run_tessera({"cosim", "--unit", "approx", "--rows", rows, "--cols", cols, "--tiles", "1"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  const auto bad = run_tessera({"cosim", "--unit", "approx", "--rows", "16", "--cols", "16"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(bad.out.empty());
  EXPECT_NE(bad.err.find("verilated at " + rows + " x " + cols), std::string::npos) << bad.err;
}

TEST(CosimCli, BadUnitsExitWithTwoAndSayWhatExists) {
  const auto optical = run_tessera({"cosim", "--unit", "optical", "--cols", "16"});
  EXPECT_EQ(optical.exit_code, 2);
  EXPECT_NE(optical.err.find("optical periphery RTL is verilated for a 2 x 2 array"), std::string::npos)
      << optical.err;
  const auto unknown = run_tessera({"cosim", "--unit", "tpu"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("expected approx, mx or optical"), std::string::npos) << unknown.err;
  const auto multiplier = run_tessera({"cosim", "--unit", "approx", "--multiplier", "mul8s_1KV6"});
  EXPECT_EQ(multiplier.exit_code, 2);
  EXPECT_NE(multiplier.err.find("trunc3"), std::string::npos) << multiplier.err;
  const auto missing = run_tessera({"cosim"});
  EXPECT_EQ(missing.exit_code, 2);
}

}  // namespace
}  // namespace tessera::cosim
