// sim/cosim: the workload has the requested tile count, every verilated unit matches its model
// bit for bit and edge for edge, a wrong model is caught, and options outside the build are refused.
#include <gtest/gtest.h>

#include <string>

#include "Vcosim_approx_trunc3.h"
#include "Vcosim_optical_2x2x2.h"
#include "golden/common/error.h"
#include "hw/common/hw_params.h"
#include "models/approx/approx_array.h"
#include "models/optical/optical_array.h"
#include "sim/cosim/approx_cosim.h"
#include "sim/cosim/cosim_run.h"
#include "sim/cosim/optical_cosim.h"
#include "sim/cosim/verilated_units.h"

namespace tessera::cosim {
namespace {

constexpr std::uint64_t kRows = hw::kApproxArrayRows;
constexpr std::uint64_t kCols = hw::kApproxArrayCols;

std::string message_of(const CosimOptions& options) {
  try {
    run_cosim(options);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

TEST(CosimWorkload, ApproxHasTheRequestedTilesWithPaddedEdges) {
  models::ApproxArrayConfig config;
  config.rows = kRows;
  config.cols = kCols;
  for (std::uint64_t tiles = 1; tiles <= 9; ++tiles) {
    const CosimWorkload w = approx_workload(kRows, kCols, tiles);
    const auto list = models::approx_tiles(config, {w.m, w.k, w.n}, w.m_tile);
    EXPECT_EQ(list.size(), tiles) << "tiles " << tiles;
    // K and N are one short of whole tiles, so the last k- and n-tile are padded.
    EXPECT_EQ(w.k % kRows, kRows - 1);
    EXPECT_EQ(w.n % kCols, kCols - 1);
  }
  // Even counts split K in two so that partial sums re-enter on acc_i.
  EXPECT_EQ(approx_workload(kRows, kCols, 4).k, 2 * kRows - 1);
  EXPECT_EQ(approx_workload(kRows, kCols, 3).k, kRows - 1);
}

TEST(CosimWorkload, MxHasTheRequestedTilesTheLastRagged) {
  const CosimWorkload w = mx_workload(5);
  EXPECT_EQ(w.m_tile, 4u);
  EXPECT_EQ(w.m, 19u);  // 4 full tiles of 4 rows and one of 3
  EXPECT_EQ((w.m + w.m_tile - 1) / w.m_tile, 5u);
  EXPECT_NE(w.k % 32, 0u);  // the last block is zero padded on the RTL side
}

// The periphery this test binary links (sim/cosim/CMakeLists.txt TESSERA_COSIM_OPTICAL_PERIPHERIES).
constexpr std::uint64_t kOpticalSize = 2;

models::OpticalArrayConfig optical_config() {
  models::OpticalArrayConfig config;
  config.rows = config.cols = config.wavelengths = kOpticalSize;
  return config;
}

TEST(CosimWorkload, OpticalHasTheRequestedTilesWithRaggedEdges) {
  const models::OpticalArrayConfig config = optical_config();
  for (std::uint64_t tiles = 1; tiles <= 9; ++tiles) {
    const CosimWorkload w = optical_workload(kOpticalSize, kOpticalSize, kOpticalSize, tiles);
    const models::GemmShape shape{w.m, w.k, w.n};
    const auto list = optical_output_tiles(config, shape);
    EXPECT_EQ(list.size(), tiles) << "tiles " << tiles;
    EXPECT_EQ(w.m % kOpticalSize, kOpticalSize - 1);
    EXPECT_EQ(w.n % kOpticalSize, kOpticalSize - 1);
    EXPECT_EQ(w.k, 3 * kOpticalSize - 1);  // 3 passes, the last with one idle lane
    // The per-tile formula of the co-simulated stream adds up to the timing-only model's cycles.
    std::uint64_t cycles = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
      cycles += models::optical_output_tile_cycles(config, shape.k, i + 1 == list.size());
    }
    EXPECT_EQ(cycles, models::optical_cost_gemm(config, shape).total_cycles()) << "tiles " << tiles;
  }
}

TEST(CosimRun, OpticalPeripheryMatchesTheModelAndGolden) {
  CosimOptions options;
  options.unit = "optical";
  options.tiles = 6;
  options.seed = 5;
  const CosimRunReport report = run_cosim(options);
  const models::Json& j = report.json;
  EXPECT_TRUE(report.passed) << j.dump();
  EXPECT_EQ(j["mismatches"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(j["tile_cycle_mismatches"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(j["tiles"].get<std::uint64_t>(), 6u);
  EXPECT_EQ(j["cycles_rtl"], j["cycles_model"]);
  EXPECT_EQ(j["cycles_model_timing_only"], j["cycles_model"]);
  EXPECT_EQ(j["cycle_error_percent"].get<double>(), 0.0);
  // 3 passes per tile, one per edge; the last tile also waits for DAC -> psum -> ADC (fill 2).
  ASSERT_EQ(j["per_tile"].size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(j["per_tile"][i]["cycles_rtl"].get<std::uint64_t>(), i + 1 < 6 ? 3u : 5u) << "tile " << i;
    EXPECT_EQ(j["per_tile"][i]["cycles_rtl"], j["per_tile"][i]["cycles_model"]) << "tile " << i;
  }
  EXPECT_EQ(j["rtl"]["top"], "tessera_optical_periphery");
  EXPECT_EQ(j["rtl"]["wavelengths"].get<std::uint64_t>(), kOpticalSize);
}

TEST(CosimRun, OpticalLanesIdleInTheFirstPassAndWholePassesAgree) {
  // K < λ: a lane idle in every pass adds nothing; K a multiple of λ: no idle lane; a 1 x 1 GEMM:
  // one output of a tile whose other rows and columns are padding.
  const VerilatedOpticalPeriphery& periphery = verilated_optical_peripheries().front();
  for (const models::GemmShape shape : {models::GemmShape{9, kOpticalSize - 1, 6}, models::GemmShape{5, 4 * kOpticalSize, 9},
                                        models::GemmShape{1, 13, 1}}) {
    const CosimResult result = periphery.cosim(optical_config(), shape, 21);
    EXPECT_TRUE(result.passed()) << result.to_json().dump();
    EXPECT_EQ(result.board.compared(), 2 * shape.m * shape.n);  // against the model and golden
  }
}

TEST(CosimRun, OpticalScoreboardCatchesAPeripheryConfiguredOtherwise) {
  // The RTL's weight DACs without the lut_min floor, model and golden with it: the floored
  // weights change the sums, so outputs must differ while the timing does not.
  const models::OpticalArrayConfig config = optical_config();
  const models::GemmShape shape{8, 11, 8};
  const OpticalOperands ops = random_optical_operands(shape, 4);
  OpticalOperands unfloored = ops;
  unfloored.spec.weight.lut_min = 0.0f;
  OpticalRtlRun rtl;
  {
    CppOpticalIo<Vcosim_optical_2x2x2> io;
    drive_optical_periphery(io, config, unfloored, rtl);
  }
  const CosimResult result = compare_optical(config, ops, rtl, run_optical_model(config, ops),
                                             optical::optical_gemm(ops.x, ops.w, ops.bias, ops.spec, ops.key));
  EXPECT_FALSE(result.passed());
  EXPECT_GT(result.board.mismatches(), 0u);
  EXPECT_EQ(result.board.mismatches() % 2, 0u);  // model and golden agree, so each wrong output counts twice
  EXPECT_EQ(result.tile_cycle_mismatches(), 0u);
  // The same RTL run checked against its own configuration agrees.
  const CosimResult own = compare_optical(
      config, unfloored, rtl, run_optical_model(config, unfloored),
      optical::optical_gemm(unfloored.x, unfloored.w, unfloored.bias, unfloored.spec, unfloored.key));
  EXPECT_TRUE(own.passed()) << own.to_json().dump();
}

TEST(CosimRun, EveryFamilyReportsTheModelsSpeedInBothModes) {
  // Measured in the run, not asserted against a bar (no timed tests): present and positive.
  for (const char* unit : {"approx", "mx", "optical"}) {
    CosimOptions options;
    options.unit = unit;
    options.tiles = 2;
    const models::Json j = run_cosim(options).json;
    for (const char* field : {"rtl_seconds", "model_seconds", "model_timing_seconds", "speedup_with_data",
                              "speedup_timing_only"}) {
      ASSERT_TRUE(j.contains(field) && j[field].is_number()) << unit << ": " << field << " in " << j.dump();
      EXPECT_GT(j[field].get<double>(), 0.0) << unit << ": " << field;
    }
    EXPECT_DOUBLE_EQ(j["speedup_with_data"].get<double>(),
                     j["rtl_seconds"].get<double>() / j["model_seconds"].get<double>());
    EXPECT_DOUBLE_EQ(j["speedup_timing_only"].get<double>(),
                     j["rtl_seconds"].get<double>() / j["model_timing_seconds"].get<double>());
    EXPECT_EQ(j["cycles_model_timing_only"], j["cycles_model"]) << unit;
  }
}

TEST(CosimRun, EveryVerilatedMultiplierMatchesItsModel) {
  ASSERT_FALSE(verilated_approx_arrays().empty());
  for (const VerilatedApproxArray& array : verilated_approx_arrays()) {
    CosimOptions options;
    options.unit = "approx";
    options.multiplier = array.multiplier;
    options.tiles = 6;
    options.seed = 5;
    const CosimRunReport report = run_cosim(options);
    const models::Json& j = report.json;
    EXPECT_TRUE(report.passed) << array.multiplier << ": " << j.dump();
    EXPECT_EQ(j["mismatches"].get<std::uint64_t>(), 0u) << array.multiplier;
    EXPECT_EQ(j["tiles"].get<std::uint64_t>(), 6u);
    EXPECT_EQ(j["cycles_rtl"], j["cycles_model"]) << array.multiplier;
    ASSERT_EQ(j["per_tile"].size(), 6u);
    // One m-tile of 32 vectors per tile: Rows + 32 + (Rows + Cols - 1) - 1 edges each.
    for (const auto& tile : j["per_tile"]) {
      EXPECT_EQ(tile["cycles_rtl"].get<std::uint64_t>(), kRows + 32 + kRows + kCols - 2);
      EXPECT_EQ(tile["cycles_rtl"], tile["cycles_model"]);
    }
    EXPECT_EQ(j["rtl"]["multiplier"], array.multiplier);
  }
}

TEST(CosimRun, MxChainMatchesTheModel) {
  CosimOptions options;
  options.unit = "mx";
  options.tiles = 3;
  options.seed = 9;
  const CosimRunReport report = run_cosim(options);
  const models::Json& j = report.json;
  EXPECT_TRUE(report.passed) << j.dump();
  EXPECT_EQ(j["mismatches"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(j["tiles"].get<std::uint64_t>(), 3u);
  EXPECT_EQ(j["cycles_rtl"], j["cycles_model"]);
  // Per full tile: d = 4 rows * 8 columns * 3 blocks = 96 pairs through the 3 + 3 latency chain
  // (fill Lq + Ld - 1 = 5), plus the model's accumulate latency as drain; the ragged last tile has 3 rows.
  const std::uint64_t fill = hw::kMxQuantizerLatency + hw::kMxDotLatency - 1;
  const std::uint64_t first = j["per_tile"][0]["cycles_rtl"].get<std::uint64_t>();
  const std::uint64_t last = j["per_tile"][2]["cycles_rtl"].get<std::uint64_t>();
  EXPECT_GE(first, 96 + fill);
  EXPECT_EQ(first - last, 96u - 72u);
  for (const auto& tile : j["per_tile"]) EXPECT_EQ(tile["cycles_rtl"], tile["cycles_model"]);
}

TEST(CosimRun, ScoreboardCatchesAModelOfAnotherMultiplier) {
  // The trunc3 RTL against the exact model: the dropped partial-product columns must show up.
  models::ApproxArrayConfig config;
  config.rows = kRows;
  config.cols = kCols;
  config.multiplier = "exact";
  const CosimResult result = cosim_approx<Vcosim_approx_trunc3>(config, {16, kRows, kCols}, 0, 3);
  EXPECT_FALSE(result.passed());
  EXPECT_GT(result.board.mismatches(), 0u);
  EXPECT_EQ(result.board.compared(), 16u * kCols);
  ASSERT_FALSE(result.board.kept().empty());
  EXPECT_EQ(result.to_json()["first_mismatches"][0]["what"], "value");
  EXPECT_EQ(result.tile_cycle_mismatches(), 0u);  // timing does not depend on the multiplier
}

TEST(CosimResultTest, ATileWithOtherCyclesFailsEvenWhenTotalsAgree) {
  CosimResult result;
  result.tiles = {{10, 11}, {12, 11}};
  result.board.add_cycles(22, 22);
  EXPECT_TRUE(result.board.passed());
  EXPECT_EQ(result.tile_cycle_mismatches(), 2u);
  EXPECT_FALSE(result.passed());
  EXPECT_EQ(result.to_json()["tile_cycle_mismatches"].get<std::uint64_t>(), 2u);
}

TEST(CosimRunErrors, SizeOtherThanVerilatedNamesTheVerilatedSize) {
  CosimOptions options;
  options.unit = "approx";
  options.rows = kRows * 2;
  const std::string message = message_of(options);
  EXPECT_NE(message.find("--rows " + std::to_string(kRows * 2)), std::string::npos) << message;
  EXPECT_NE(message.find("verilated at " + std::to_string(kRows) + " x " + std::to_string(kCols)), std::string::npos)
      << message;
  options.rows.reset();
  options.cols = 3;
  EXPECT_NE(message_of(options).find("--cols 3"), std::string::npos);
}

TEST(CosimRunErrors, UnverilatedMultiplierListsTheVerilatedOnes) {
  CosimOptions options;
  options.unit = "approx";
  options.multiplier = "drum6";
  const std::string message = message_of(options);
  EXPECT_NE(message.find("--multiplier drum6"), std::string::npos) << message;
  EXPECT_NE(message.find("exact"), std::string::npos) << message;
}

TEST(CosimRunErrors, OpticalSizeOtherThanVerilatedAndMultiplierAreRefused) {
  CosimOptions options;
  options.unit = "optical";
  options.rows = 8;
  const std::string message = message_of(options);
  EXPECT_NE(message.find("--rows 8"), std::string::npos) << message;
  EXPECT_NE(message.find("verilated for a 2 x 2 array with 2 wavelengths"), std::string::npos) << message;
  options.rows.reset();
  options.multiplier = "exact";
  EXPECT_NE(message_of(options).find("--multiplier: applies to --unit approx only"), std::string::npos);
}

TEST(CosimRunErrors, UnknownUnitBadTilesAndApproxOptionsOnMx) {
  CosimOptions options;
  options.unit = "fpga";
  EXPECT_NE(message_of(options).find("expected approx, mx or optical"), std::string::npos);
  options.unit = "approx";
  options.tiles = 0;
  EXPECT_NE(message_of(options).find("--tiles 0"), std::string::npos);
  options.tiles = 2;
  options.unit = "mx";
  options.multiplier = "exact";
  EXPECT_NE(message_of(options).find("--multiplier: applies to --unit approx only"), std::string::npos);
  options.multiplier.reset();
  options.rows = 4;
  EXPECT_NE(message_of(options).find("--rows: applies to --unit approx and optical only"), std::string::npos);
}

}  // namespace
}  // namespace tessera::cosim
