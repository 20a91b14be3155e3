// Gate-level power of tessera's clocked PE (sim/power/pe_power.h, `tessera power characterize --unit pe`):
// the netlist is checked against golden on every cycle, registers and clock cost energy the bare
// multiplier does not spend, an approximate multiplier makes a cheaper PE, and the PE streams of a
// bundled network's traces flow through it.
#include <gtest/gtest.h>

#include <fstream>
#include <numeric>

#include <nlohmann/json.hpp>

#include "golden/approx/catalog.h"
#include "golden/io/atomic_file.h"
#include "sim/power/pe_power.h"
#include "tests/sim/power/power_test_support.h"
#include "tests/support/run_command.h"
#include "tests/support/scratch_dir.h"

namespace tessera::power {
namespace {

using traces::activity::PeStream;

constexpr std::size_t kOps = 6400;  // 100 streams of 64 ops
constexpr std::size_t kArrayRows = 8;  // hw_params ApproxArrayRows: the uniform streams' column height

PePowerSpec pe_spec(const std::string& multiplier) {
  PePowerSpec spec;
  spec.multiplier = multiplier;
  spec.uniform_ops = kOps;
  spec.seed = 3;
  return spec;
}

std::uint64_t total_ops(const std::vector<PeStream>& streams) {
  return std::accumulate(streams.begin(), streams.end(), std::uint64_t{0},
                         [](std::uint64_t sum, const PeStream& s) { return sum + s.a.size(); });
}

// The exact PE is synthesised once for the suite (Yosys takes seconds).
class PePower : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!test::yosys_available()) return;
    exact_ = new PePowerCharacterization(characterize_pe_power(pe_spec("exact")));
  }
  static void TearDownTestSuite() {
    delete exact_;
    exact_ = nullptr;
  }
  void SetUp() override { TESSERA_SKIP_WITHOUT_YOSYS(); }
  static PePowerCharacterization* exact_;
};
PePowerCharacterization* PePower::exact_ = nullptr;

TEST_F(PePower, ExactPeCharacterisesOnSky130WithEveryCycleCheckedAgainstGolden) {
  const PePowerCharacterization& pe = *exact_;
  EXPECT_EQ(pe.power.library, "sky130");
  EXPECT_EQ(pe.power.top, "tessera_approx_pe");
  EXPECT_EQ(pe.power.ops, kOps);
  EXPECT_EQ(pe.weight_loads, kOps / 64);
  EXPECT_EQ(pe.cycles, kOps + kOps / 64);  // one weight-load cycle per stream
  // Every cycle but the first two: the weight register is known only after the first load (cycle
  // 0) is clocked in, and the last cycle's result would appear after the replay ends.
  EXPECT_EQ(pe.checked_cycles, pe.cycles - 2);
  EXPECT_EQ(pe.flops, 8u + 8u + 32u);  // w_q, act_o, psum_o
  EXPECT_GT(pe.power.energy.clock_pj, 0.0);
  EXPECT_GT(pe.power.energy.switching_pj, 0.0);
  EXPECT_GT(pe.power.energy.internal_pj, 0.0);
  EXPECT_GT(pe.power.energy.leakage_pj, 0.0);
  const nlohmann::json j = pe.to_json();
  for (const char* field : {"top", "library", "structure", "cells", "area_um2", "ops", "energy_pj_per_op",
                            "switching_pj_per_op", "internal_pj_per_op", "clock_pj_per_op", "leakage_pj_per_op",
                            "toggles_per_op", "clock_period_ns", "vectors", "unit", "multiplier", "acc_width", "cycles",
                            "weight_loads", "flops", "checked_cycles"}) {
    EXPECT_TRUE(j.contains(field)) << field;
  }
  EXPECT_EQ(j.at("unit"), "pe");
  EXPECT_EQ(j.at("vectors"), "uniform");
  EXPECT_DOUBLE_EQ(j.at("energy_pj_per_op").get<double>(), pe.power.energy.total_pj() / static_cast<double>(kOps));
}

TEST_F(PePower, PeCostsMoreThanItsBareMultiplierOnTheSameOperands) {
  const std::vector<PeStream> streams = uniform_pe_streams(kOps, 3, approx::load_multiplier("exact"));
  PowerSpec bare = test::tessera_mul8s_spec("sky130", Structure::keep);
  OperandStream operands;
  for (const PeStream& s : streams) {
    operands.first.insert(operands.first.end(), s.a.begin(), s.a.end());
    operands.second.insert(operands.second.end(), s.b.begin(), s.b.end());
  }
  bare.streams = {operands};
  const PowerCharacterization multiplier = characterize_power(bare);
  ASSERT_EQ(multiplier.ops, exact_->power.ops);
  RecordProperty("pe_pj_per_op", std::to_string(exact_->power.energy_pj_per_op()));
  RecordProperty("bare_multiplier_pj_per_op", std::to_string(multiplier.energy_pj_per_op()));
  // The PE adds a 32-bit adder, 48 flops and their clock to the multiplier.
  EXPECT_GT(exact_->power.energy_pj_per_op(), multiplier.energy_pj_per_op());
  EXPECT_GT(exact_->power.cells, multiplier.cells);
  EXPECT_GT(exact_->power.area_um2, multiplier.area_um2);
  EXPECT_EQ(multiplier.energy.clock_pj, 0.0);  // combinational: no clock pins
}

TEST_F(PePower, TruncatedMultiplierMakesACheaperPe) {
  const PePowerCharacterization trunc = characterize_pe_power(pe_spec("trunc4"));
  EXPECT_EQ(trunc.checked_cycles, trunc.cycles - 2);
  EXPECT_LT(trunc.power.energy_pj_per_op(), exact_->power.energy_pj_per_op());
  EXPECT_LT(trunc.power.cells, exact_->power.cells);
  // Same registers, so the same clock energy per cycle.
  EXPECT_NEAR(trunc.power.energy.clock_pj, exact_->power.energy.clock_pj, 1e-9 * exact_->power.energy.clock_pj);
}

TEST(PePowerVectors, UniformStreamsAreWeightStationaryColumnsWithRealPartialSums) {
  const approx::MultiplierTable table = approx::load_multiplier("exact");
  const std::vector<PeStream> streams = uniform_pe_streams(1000, 7, table);
  ASSERT_EQ(total_ops(streams), 1000u);
  ASSERT_EQ(streams.size(), 16u);  // 15 full streams of 64, then 40 ops
  EXPECT_EQ(streams.back().a.size(), 1000u - 15u * 64u);
  for (std::size_t s = 0; s < streams.size(); ++s) {
    const PeStream& pe = streams[s];
    EXPECT_EQ(pe.row, s % kArrayRows);
    for (std::size_t t = 0; t < pe.a.size(); ++t) {
      ASSERT_EQ(pe.b[t], pe.b.front());
      // psum_in of row r = psum_in of row r - 1 plus that PE's product; row 0 gets nothing.
      const std::int32_t above =
          pe.row == 0 ? 0 : streams[s - 1].psum_in[t] + table(streams[s - 1].a[t], streams[s - 1].b[t]);
      ASSERT_EQ(pe.psum_in[t], above) << "stream " << s << " op " << t;
    }
  }
  EXPECT_EQ(uniform_pe_streams(1000, 7, table)[5].a, streams[5].a);
  EXPECT_NE(uniform_pe_streams(1000, 8, table)[5].a, streams[5].a);
}

TEST(PePowerErrors, BadSpecsAreRefusedBeforeSynthesis) {
  PePowerSpec spec = pe_spec("mul8s_1L2H");  // a bundled table without RTL
  test::expect_error<ConfigError>([&] { characterize_pe_power(spec); }, {"mul8s_1L2H", "no PE circuit"});
  spec = pe_spec("exact");
  spec.acc_width = 16;
  test::expect_error<ConfigError>([&] { characterize_pe_power(spec); }, {"acc_width 16"});
  spec = pe_spec("exact");
  spec.uniform_ops = 0;
  test::expect_error<ConfigError>([&] { characterize_pe_power(spec); }, {"--ops"});
  spec = pe_spec("exact");
  PeStream pe;
  pe.a = {1, 2, 3};
  pe.b = {5, 5, 6};
  pe.psum_in = {0, 0, 0};
  spec.streams = {pe};
  test::expect_error<InputError>([&] { characterize_pe_power(spec); }, {"PE stream 0", "weight"});
  pe.b = {5, 5, 5};
  pe.psum_in = {0, 0};
  spec.streams = {pe, pe};
  spec.streams[0].psum_in = {0, 0, 0};
  test::expect_error<InputError>([&] { characterize_pe_power(spec); }, {"PE stream 1", "psum_in"});
}

// The CLI on a bundled network's traces (exact everywhere), as issue 7 asks.
TEST(PePowerCli, TraceVectorsOfABundledNetworkRunFlowThroughThePe) {
  TESSERA_SKIP_WITHOUT_YOSYS();
  tessera::test::ScratchDir dir;
  std::ofstream(dir.file("rules.json")) << R"({"rules": [], "default": {"kind": "approx", "multiplier": "exact"}})";
  const auto run = tessera::test::run_tessera({"run", "--network", "digits_cnn", "--rules", dir.file("rules.json"),
                                               "--images", "8", "--trace", dir.file("traces"), "--trace-tiles", "1",
                                               "--report", dir.file("report")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto power = tessera::test::run_tessera({"power", "characterize", "--unit", "pe", "--vectors",
                                                 dir.file("traces"), "--json-out", dir.file("pe.json")});
  ASSERT_EQ(power.exit_code, 0) << power.err;
  const nlohmann::json j = nlohmann::json::parse(power.out);
  EXPECT_EQ(nlohmann::json::parse(io::read_file(dir.file("pe.json"))), j);
  const std::vector<PeStream> streams = pe_streams_from_traces(dir.file("traces"), approx::load_multiplier("exact"));
  EXPECT_EQ(j.at("ops").get<std::uint64_t>(), total_ops(streams));
  EXPECT_EQ(j.at("weight_loads").get<std::uint64_t>(), streams.size());
  EXPECT_EQ(j.at("checked_cycles").get<std::uint64_t>(), j.at("cycles").get<std::uint64_t>() - 2);
  EXPECT_EQ(j.at("vectors"), "streams");
  EXPECT_EQ(j.at("multiplier"), "exact");
  EXPECT_GT(j.at("clock_pj_per_op").get<double>(), 0.0);
  EXPECT_GT(j.at("energy_pj_per_op").get<double>(), j.at("clock_pj_per_op").get<double>());
}

TEST(PePowerCli, OptionsThatDoNotApplyToThePeAreClearErrors) {
  struct Case {
    std::vector<std::string> args;
    const char* needle;
  };
  const std::vector<Case> cases = {
      {{"--unit", "pe", "--rtl", "x.sv"}, "--rtl applies to --unit multiplier only"},
      {{"--unit", "pe", "--top", "m"}, "--top applies to --unit multiplier only"},
      {{"--unit", "pe", "--multiplier", "mul8s_1L2H"}, "no PE circuit for multiplier 'mul8s_1L2H'"},
      {{"--unit", "pe", "--lib", "tsmc7"}, "tsmc7"},
      {{"--unit", "adder"}, "--unit 'adder': expected multiplier, pe"},
      {{"--multiplier", "exact", "--rtl", "x.sv", "--top", "m"}, "--multiplier applies to --unit pe"},
      {{"--rtl", "x.sv"}, "--rtl and --top are required"},
      {{"--unit", "pe", "--vectors", "/nonexistent/trace-dir"}, "/nonexistent/trace-dir"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"power", "characterize"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto run = tessera::test::run_tessera(args);
    EXPECT_EQ(run.exit_code, 2) << c.needle;
    EXPECT_NE(run.err.find(c.needle), std::string::npos) << run.err;
  }
}

}  // namespace
}  // namespace tessera::power
