// sim/cosim --kernel systemc: the --sc verilated RTL, clocked by a SystemC thread in the same
// sc_start as the TLM model, matches it bit for bit and edge for edge on approx, mx and the optical
// periphery, agrees
// with the C++-driven kernel, catches a wrong model, and is refused once the kernel already ran.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "golden/common/error.h"
#include "hw/common/hw_params.h"
#include "sim/cosim/approx_cosim.h"
#include "sim/cosim/cosim_run.h"
#include "sim/cosim/systemc_units.h"

namespace tessera::cosim {
namespace {

CosimOptions options_for(const std::string& unit, const std::string& kernel, std::uint64_t tiles) {
  CosimOptions options;
  options.unit = unit;
  options.kernel = kernel;
  options.tiles = tiles;
  options.seed = 7;
  return options;
}

void expect_clean(const models::Json& j) {
  EXPECT_TRUE(j["passed"].get<bool>()) << j.dump(2);
  EXPECT_EQ(j["mismatches"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(j["tile_cycle_mismatches"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(j["cycles_rtl"], j["cycles_model"]);
  EXPECT_GT(j["cycles_rtl"].get<std::uint64_t>(), 0u);
  // Speed figures in the test's XML/JSON output (--gtest_output), for the speed bar.
  testing::Test::RecordProperty("rtl_seconds", std::to_string(j["rtl_seconds"].get<double>()));
  testing::Test::RecordProperty("model_seconds", std::to_string(j["model_seconds"].get<double>()));
}

// The C++-driven kernel runs after the SystemC one here: that order is allowed, the other is not.
void expect_same_as_cpp_kernel(const std::string& unit, const models::Json& systemc) {
  const CosimRunReport cpp = run_cosim(options_for(unit, "cpp", systemc["tiles"].get<std::uint64_t>()));
  EXPECT_EQ(cpp.json["per_tile"], systemc["per_tile"]);
  EXPECT_EQ(cpp.json["cycles_rtl"], systemc["cycles_rtl"]);
  EXPECT_EQ(cpp.json["mismatches"], systemc["mismatches"]);
}

TEST(ScCosim, ApproxMatchesTheModelInOneSystemCKernel) {
  // Even tile count: two k-tiles, so partial sums re-enter the --sc RTL on acc_i.
  const CosimRunReport report = run_cosim(options_for("approx", "systemc", 4));
  expect_clean(report.json);
  EXPECT_EQ(report.json["kernel"], "systemc");
  EXPECT_EQ(report.json["tiles"].get<std::uint64_t>(), 4u);
  EXPECT_GT(report.json["speedup_with_data"].get<double>(), 0.0);
  expect_same_as_cpp_kernel("approx", report.json);
}

TEST(ScCosim, MxMatchesTheModelInOneSystemCKernel) {
  const CosimRunReport report = run_cosim(options_for("mx", "systemc", 3));
  expect_clean(report.json);
  EXPECT_EQ(report.json["tiles"].get<std::uint64_t>(), 3u);
  expect_same_as_cpp_kernel("mx", report.json);
}

TEST(ScCosim, OpticalPeripheryMatchesTheModelAndGoldenInOneSystemCKernel) {
  const CosimRunReport report = run_cosim(options_for("optical", "systemc", 4));
  expect_clean(report.json);
  EXPECT_EQ(report.json["tiles"].get<std::uint64_t>(), 4u);
  EXPECT_EQ(report.json["rtl"]["top"], "tessera_optical_periphery");
  for (const char* field : {"model_timing_seconds", "speedup_with_data", "speedup_timing_only"}) {
    EXPECT_GT(report.json[field].get<double>(), 0.0) << field;
  }
  // A second run on the same bench: the periphery is reset, so no sums carry over.
  const CosimRunReport again = run_cosim(options_for("optical", "systemc", 3));
  expect_clean(again.json);
  expect_same_as_cpp_kernel("optical", report.json);
}

TEST(ScCosim, RepeatedRunsInOneProcessReuseTheTestbench) {
  // The kernel is elaborated once; a second run must reset the RTL and count edges afresh.
  const CosimRunReport first = run_cosim(options_for("approx", "systemc", 2));
  const CosimRunReport second = run_cosim(options_for("approx", "systemc", 2));
  expect_clean(second.json);
  EXPECT_EQ(first.json["per_tile"], second.json["per_tile"]);
}

TEST(ScCosim, ScoreboardCatchesAModelOfAnotherMultiplier) {
  // The exact --sc RTL against the trunc3 model: the truncated columns must show up as mismatches.
  const VerilatedApproxArray& array = systemc_approx_arrays().front();
  ASSERT_EQ(array.multiplier, "exact");
  models::ApproxArrayConfig config;
  config.rows = array.rows;
  config.cols = array.cols;
  config.multiplier = "trunc3";
  const CosimResult result = array.cosim(config, {16, array.rows, array.cols}, 0, 3);
  EXPECT_FALSE(result.passed());
  EXPECT_GT(result.board.mismatches(), 0u);
  EXPECT_EQ(result.tile_cycle_mismatches(), 0u);  // the multiplier does not change the timing
}

TEST(ScCosim, UnknownKernelIsAnInputErrorNamingTheChoices) {
  try {
    run_cosim(options_for("approx", "verilog", 1));
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--kernel verilog: expected cpp"), std::string::npos) << e.what();
  }
}

TEST(ScCosimDeathTest, SystemCKernelAfterAnotherTlmRunIsRefused) {
  // Needs a process whose kernel has not started: "threadsafe" re-runs this test alone.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        run_cosim(options_for("approx", "cpp", 1));  // starts the process-wide TLM kernel
        try {
          run_cosim(options_for("approx", "systemc", 1));
        } catch (const Error& e) {
          const bool named = std::string(e.what()).find("already started") != std::string::npos;
          std::exit(named ? 0 : 2);
        }
        std::exit(1);
      },
      testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace tessera::cosim
