// sim/power: characterising tessera's multipliers at gate level on both libraries.
//
// Plausible bands, from the research note (shared/reference/research/power.md §2, §3.2; exact
// 8x8 signed multiplier, uniform random int8 operands, zero delay, 1.8 V): sky130 hd abc-mapped
// 2.15 pJ/op; OSU018 11.7 pJ/op structure-kept (an EvoApprox HAX1/FAX1 netlist, 144 cells) and
// 18.9 pJ/op abc-restructured (421 cells). Our circuit is tessera's Baugh-Wooley array, not the
// note's netlists, and cell counts between mappings of one function differ by up to ~1.5-3x, with
// energy roughly following cells x toggles; so each figure must lie within a factor 2 of the
// note's value for the same library and mapping style: sky130 [1.0, 4.3], OSU018 keep
// [5.85, 23.4], OSU018 restructure [9.45, 37.8] pJ/op.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <numeric>

#include "sim/power/cell_libraries.h"
#include "sim/power/characterize.h"
#include "tests/sim/power/power_test_support.h"

namespace tessera::power {
namespace {

class ExactMultiplier : public ::testing::Test {
 protected:
  // One synthesis and replay per (library, structure), shared by the suite.
  static void SetUpTestSuite() {
    if (!test::yosys_available()) return;
    results_ = new std::map<std::string, PowerCharacterization>();
    for (const auto& [library, structure] :
         {std::pair<std::string, Structure>{"sky130", Structure::keep}, {"sky130", Structure::restructure},
          {"osu018", Structure::keep}, {"osu018", Structure::restructure}}) {
      PowerSpec spec = test::tessera_mul8s_spec(library, structure);
      spec.per_op_energy = library == "sky130" && structure == Structure::keep;
      (*results_)[library + "/" + to_string(structure)] = characterize_power(spec);
    }
  }
  static void TearDownTestSuite() {
    delete results_;
    results_ = nullptr;
  }
  void SetUp() override { TESSERA_SKIP_WITHOUT_YOSYS(); }
  static const PowerCharacterization& result(const std::string& key) { return results_->at(key); }
  static std::map<std::string, PowerCharacterization>* results_;
};
std::map<std::string, PowerCharacterization>* ExactMultiplier::results_ = nullptr;

TEST_F(ExactMultiplier, EveryComponentIsPositiveExceptTheAbsentClock) {
  for (const auto& [key, r] : *results_) {
    SCOPED_TRACE(key);
    EXPECT_EQ(r.ops, 20000u);
    EXPECT_GT(r.cells, 100);
    EXPECT_GT(r.area_um2, 0.0);
    EXPECT_GT(r.energy.switching_pj, 0.0);
    EXPECT_GT(r.energy.internal_pj, 0.0);
    EXPECT_GT(r.energy.leakage_pj, 0.0);
    EXPECT_EQ(r.energy.clock_pj, 0.0);  // combinational: no flip-flop, no clock pin
    EXPECT_GT(r.toggles_per_op(), 16.0);  // at least the output bits change on most ops
    EXPECT_DOUBLE_EQ(r.clock_period_ns, 10.0);
  }
}

TEST_F(ExactMultiplier, EnergyPerOpWithinTheResearchNoteBands) {
  const double sky_keep = result("sky130/keep").energy_pj_per_op();
  const double sky_restructure = result("sky130/restructure").energy_pj_per_op();
  const double osu_keep = result("osu018/keep").energy_pj_per_op();
  const double osu_restructure = result("osu018/restructure").energy_pj_per_op();
  RecordProperty("sky130_keep_pj_per_op", std::to_string(sky_keep));
  RecordProperty("sky130_restructure_pj_per_op", std::to_string(sky_restructure));
  RecordProperty("osu018_keep_pj_per_op", std::to_string(osu_keep));
  RecordProperty("osu018_restructure_pj_per_op", std::to_string(osu_restructure));
  EXPECT_GT(sky_keep, 1.0);
  EXPECT_LT(sky_keep, 4.3);
  EXPECT_GT(sky_restructure, 1.0);
  EXPECT_LT(sky_restructure, 4.3);
  EXPECT_GT(osu_keep, 5.85);
  EXPECT_LT(osu_keep, 23.4);
  EXPECT_GT(osu_restructure, 9.45);
  EXPECT_LT(osu_restructure, 37.8);
  // The same netlist at 1.8 V in a 0.18 um library costs several times the 130 nm one.
  EXPECT_GT(osu_keep, 2.0 * sky_keep);
}

TEST_F(ExactMultiplier, PerOpEnergiesAddUpToTheDynamicTotal) {
  const PowerCharacterization& r = result("sky130/keep");
  ASSERT_EQ(r.per_op_energy_pj.size(), r.ops);
  const double sum = std::accumulate(r.per_op_energy_pj.begin(), r.per_op_energy_pj.end(), 0.0);
  const double dynamic = r.energy.switching_pj + r.energy.internal_pj + r.energy.clock_pj;
  EXPECT_NEAR(sum, dynamic, 1e-9 * dynamic);
  EXPECT_TRUE(result("osu018/keep").per_op_energy_pj.empty());  // only when asked
}

TEST_F(ExactMultiplier, JsonHasEveryField) {
  const nlohmann::json j = result("sky130/keep").to_json();
  for (const char* field : {"top", "library", "structure", "cells", "area_um2", "ops", "energy_pj_per_op",
                            "switching_pj_per_op", "internal_pj_per_op", "clock_pj_per_op", "leakage_pj_per_op",
                            "toggles_per_op", "clock_period_ns", "vectors", "per_op_energy_pj"}) {
    EXPECT_TRUE(j.contains(field)) << field;
  }
  EXPECT_EQ(j.at("library"), "sky130");
  EXPECT_EQ(j.at("structure"), "keep");
  EXPECT_EQ(j.at("vectors"), "uniform");
  const double components = j.at("switching_pj_per_op").get<double>() + j.at("internal_pj_per_op").get<double>() +
                            j.at("clock_pj_per_op").get<double>() + j.at("leakage_pj_per_op").get<double>();
  EXPECT_NEAR(j.at("energy_pj_per_op").get<double>(), components, 1e-9 * components);
}

// Constant operands: after the first vector (applied twice, see traces/gate/replay.h) no net
// toggles, so dynamic energy is exactly zero and leakage per op equals the uniform run's (the same
// netlist leaks the same whatever the data).
TEST_F(ExactMultiplier, ConstantOperandsCostLeakageOnly) {
  PowerSpec spec = test::tessera_mul8s_spec("sky130", Structure::keep);
  spec.streams = {{std::vector<std::int8_t>(3000, 37), std::vector<std::int8_t>(3000, -5)}};
  const PowerCharacterization r = characterize_power(spec);
  EXPECT_EQ(r.vectors, "streams");
  EXPECT_EQ(r.ops, 3000u);
  EXPECT_EQ(r.net_toggles, 0u);
  EXPECT_EQ(r.energy.switching_pj, 0.0);
  EXPECT_EQ(r.energy.internal_pj, 0.0);
  EXPECT_GT(r.energy.leakage_pj, 0.0);
  const double uniform_leakage_per_op =
      result("sky130/keep").energy.leakage_pj / static_cast<double>(result("sky130/keep").ops);
  EXPECT_NEAR(r.energy.leakage_pj / 3000.0, uniform_leakage_per_op, 1e-9 * uniform_leakage_per_op);
}

// trunc4 drops the 10 partial-product bits of columns 0..3: fewer cells, less energy on the same
// vectors (the same seed gives the same operands).
TEST_F(ExactMultiplier, TruncatedMultiplierCostsLess) {
  PowerSpec spec = test::tessera_mul8s_spec("sky130", Structure::keep);
  spec.parameters = {{"MulKind", "1"}, {"MulP0", "4"}};
  const PowerCharacterization truncated = characterize_power(spec);
  const PowerCharacterization& exact = result("sky130/keep");
  EXPECT_LT(truncated.cells, exact.cells);
  EXPECT_LT(truncated.area_um2, exact.area_um2);
  EXPECT_LT(truncated.energy_pj_per_op(), exact.energy_pj_per_op());
  EXPECT_LT(truncated.toggles_per_op(), exact.toggles_per_op());
}

TEST_F(ExactMultiplier, OpenStaAgreesOnSwitchingAndLeakage) {
  if (!opensta_available()) GTEST_SKIP() << "OpenSTA (sta) is not installed (Debian: apt-get install opensta)";
  PowerSpec spec = test::tessera_mul8s_spec("osu018", Structure::keep, 5000);
  spec.opensta = true;
  const PowerCharacterization r = characterize_power(spec);
  ASSERT_TRUE(r.opensta.has_value());
  const OpenStaComparison& sta = *r.opensta;
  RecordProperty("osu018_sta_switching_mw", std::to_string(sta.sta_switching_mw));
  RecordProperty("osu018_own_switching_mw", std::to_string(sta.own_switching_cell_driven_mw));
  RecordProperty("osu018_sta_uniform_switching_mw", std::to_string(sta.sta_uniform_switching_mw));
  RecordProperty("osu018_own_uniform_switching_mw", std::to_string(sta.own_uniform_switching_mw));
  RecordProperty("osu018_sta_internal_mw", std::to_string(sta.sta_internal_mw));
  RecordProperty("osu018_own_internal_mw", std::to_string(sta.own_internal_mw));
  EXPECT_GT(sta.annotated_pins, static_cast<std::size_t>(2 * r.cells));
  RecordProperty("osu018_annotated_switching_relative_difference", std::to_string(sta.switching_relative_difference()));
  // Same activity on every net in both tools (see opensta_crosscheck.h for why not the simulated
  // ones): loads x V^2 must agree; the research note found ~1 % on the same library.
  EXPECT_LT(std::abs(sta.uniform_switching_relative_difference()), 0.05) << sta.to_json().dump();
  EXPECT_LT(std::abs(sta.leakage_relative_difference()), 0.01) << sta.to_json().dump();
  EXPECT_GT(sta.sta_internal_mw, 0.0);  // OSU018: reported (2019 formula, not compared)
}

TEST(PowerCharacterize, BadInputGivesClearErrors) {
  TESSERA_SKIP_WITHOUT_YOSYS();
  PowerSpec spec = test::tessera_mul8s_spec("sky130", Structure::keep, 100);
  spec.port_o = "product";
  test::expect_error<InputError>([&] { characterize_power(spec); }, {"missing port 'product'", "p_o"});
  spec = test::tessera_mul8s_spec("sky130", Structure::keep, 100);
  spec.library = "gf180";
  test::expect_error<ConfigError>([&] { characterize_power(spec); }, {"gf180", "sky130", "osu018"});
  spec = test::tessera_mul8s_spec("sky130", Structure::keep, 100);
  spec.streams = {{std::vector<std::int8_t>(10, 1), std::vector<std::int8_t>(9, 1)}};
  test::expect_error<InputError>([&] { characterize_power(spec); }, {"operand stream 0", "equal length"});
  spec = test::tessera_mul8s_spec("sky130", Structure::keep, 100);
  spec.parameters = {{"MulKind", "9"}};
  test::expect_error<ConfigError>([&] { characterize_power(spec); }, {"MulKind=9"});
}

TEST(PowerCharacterize, UniformOperandsAreSeededAndCoverAllBytes) {
  const OperandStream a = uniform_operands(20000, 7), b = uniform_operands(20000, 7), c = uniform_operands(20000, 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::vector<int> seen(256, 0);
  for (auto v : a.first) seen[static_cast<std::uint8_t>(v)]++;
  // 20000 draws over 256 values: ~78 each; every value appears.
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 0), 0);
}

TEST(TraceStreams, MissingTraceDirectoryIsNamed) {
  test::expect_error<InputError>([] { operand_streams_from_traces("/tmp/no-trace-here"); }, {"/tmp/no-trace-here"});
}

}  // namespace
}  // namespace tessera::power
