// `tessera power characterize`: prints one JSON object with every field; bad usage exits 2.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "golden/common/data_path.h"
#include "golden/io/atomic_file.h"
#include "tests/sim/power/power_test_support.h"
#include "tests/support/run_command.h"
#include "tests/support/scratch_dir.h"

namespace tessera::power {
namespace {

std::vector<std::string> mul8s_args() {
  std::vector<std::string> args = {"power", "characterize"};
  for (const auto& source : test::tessera_mul8s_sources()) {
    args.push_back("--rtl");
    args.push_back(source.string());
  }
  return args;
}

TEST(PowerCli, CharacterizePrintsJsonWithAllFields) {
  TESSERA_SKIP_WITHOUT_YOSYS();
  tessera::test::ScratchDir dir;
  auto args = mul8s_args();
  for (const char* a : {"--top", "tessera_mul8s", "--lib", "osu018", "--structure", "restructure", "--ops", "3000",
                        "--seed", "5", "--param", "MulKind=1", "--param", "MulP0=2"}) {
    args.push_back(a);
  }
  args.push_back("--json-out");
  args.push_back(dir.file("power.json"));
  const auto run = tessera::test::run_tessera(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = nlohmann::json::parse(run.out);
  for (const char* field : {"top", "library", "structure", "cells", "area_um2", "ops", "energy_pj_per_op",
                            "switching_pj_per_op", "internal_pj_per_op", "clock_pj_per_op", "leakage_pj_per_op",
                            "toggles_per_op", "clock_period_ns", "vectors"}) {
    EXPECT_TRUE(j.contains(field)) << field;
  }
  EXPECT_FALSE(j.contains("per_op_energy_pj"));
  EXPECT_EQ(j.at("library"), "osu018");
  EXPECT_EQ(j.at("structure"), "restructure");
  EXPECT_EQ(j.at("ops"), 3000);
  EXPECT_GT(j.at("energy_pj_per_op").get<double>(), 0.0);
  EXPECT_EQ(nlohmann::json::parse(io::read_file(dir.file("power.json"))), j);
}

// --delays unit: the same circuit priced with its glitches, and the ratio to zero delay.
TEST(PowerCli, UnitDelaysReportTheGlitchFactor) {
  TESSERA_SKIP_WITHOUT_YOSYS();
  auto args = mul8s_args();
  for (const char* a : {"--top", "tessera_mul8s", "--lib", "osu018", "--ops", "2000", "--delays", "unit"}) args.push_back(a);
  const auto unit = tessera::test::run_tessera(args);
  ASSERT_EQ(unit.exit_code, 0) << unit.err;
  const auto j = nlohmann::json::parse(unit.out);
  EXPECT_EQ(j.at("delays"), "unit");
  const double dynamic = j.at("switching_pj_per_op").get<double>() + j.at("internal_pj_per_op").get<double>();
  EXPECT_NEAR(j.at("glitch_factor").get<double>(), dynamic / j.at("zero_delay_dynamic_pj_per_op").get<double>(), 1e-9);
  EXPECT_GT(j.at("glitch_factor").get<double>(), 1.1);  // an array multiplier glitches

  args.pop_back();
  args.push_back("zero");
  const auto zero = tessera::test::run_tessera(args);
  ASSERT_EQ(zero.exit_code, 0) << zero.err;
  const auto z = nlohmann::json::parse(zero.out);
  EXPECT_EQ(z.at("delays"), "zero");
  EXPECT_FALSE(z.contains("glitch_factor"));
  EXPECT_NEAR(z.at("switching_pj_per_op").get<double>() + z.at("internal_pj_per_op").get<double>(),
              j.at("zero_delay_dynamic_pj_per_op").get<double>(), 1e-9);

  args.pop_back();
  args.push_back("sdf");
  const auto bad = tessera::test::run_tessera(args);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("expected zero, unit or liberty"), std::string::npos) << bad.err;
}

// --delays liberty: glitches timed by the library's delay tables; same products (the functional
// check passes), so the zero-delay energy beside it is the plain run's.
TEST(PowerCli, LibertyDelaysReportTheGlitchFactor) {
  TESSERA_SKIP_WITHOUT_YOSYS();
  auto args = mul8s_args();
  for (const char* a : {"--top", "tessera_mul8s", "--lib", "osu018", "--ops", "2000", "--delays", "liberty"}) {
    args.push_back(a);
  }
  const auto liberty = tessera::test::run_tessera(args);
  ASSERT_EQ(liberty.exit_code, 0) << liberty.err;
  const auto j = nlohmann::json::parse(liberty.out);
  EXPECT_EQ(j.at("delays"), "liberty");
  const double dynamic = j.at("switching_pj_per_op").get<double>() + j.at("internal_pj_per_op").get<double>();
  EXPECT_NEAR(j.at("glitch_factor").get<double>(), dynamic / j.at("zero_delay_dynamic_pj_per_op").get<double>(), 1e-9);
  EXPECT_GT(j.at("glitch_factor").get<double>(), 1.0);
  EXPECT_LT(j.at("glitch_factor").get<double>(), 4.0);
}

TEST(PowerCli, BadUsageExitsWithTwoAndAClearMessage) {
  auto args = mul8s_args();
  for (const char* a : {"--top", "tessera_mul8s", "--lib", "tsmc7"}) args.push_back(a);
  auto run = tessera::test::run_tessera(args);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("tsmc7"), std::string::npos) << run.err;
  args = mul8s_args();
  for (const char* a : {"--top", "tessera_mul8s", "--vectors", "/tmp/some-trace-dir"}) args.push_back(a);
  run = tessera::test::run_tessera(args);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("/tmp/some-trace-dir"), std::string::npos) << run.err;
  args = mul8s_args();
  for (const char* a : {"--top", "tessera_mul8s", "--param", "MulKind"}) args.push_back(a);
  run = tessera::test::run_tessera(args);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("NAME=VALUE"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace tessera::power
