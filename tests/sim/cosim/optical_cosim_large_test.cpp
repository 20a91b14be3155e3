// The optical periphery (C++-verilated, the build's 2 x 2 x 2) around the C++ analog core on a
// layer-sized GEMM, a 3x3 convolution of 16 to 32 channels on an 8 x 8 output (M = 64, K = 144,
// N = 32: 4608 passes), against the TLM model and golden: zero mismatches, every tile's cycles
// equal, the timing-only model's cycles equal. Label slow.
#include <gtest/gtest.h>

#include "models/optical/optical_array.h"
#include "sim/cosim/verilated_units.h"

namespace tessera::cosim {
namespace {

TEST(OpticalCosimLarge, LayerSizedGemmMatchesTheModelAndGolden) {
  ASSERT_FALSE(verilated_optical_peripheries().empty());
  const VerilatedOpticalPeriphery& periphery = verilated_optical_peripheries().front();
  models::OpticalArrayConfig config;
  config.rows = periphery.rows;
  config.cols = periphery.cols;
  config.wavelengths = periphery.wavelengths;
  const models::GemmShape shape{64, 144, 32};
  const CosimResult result = periphery.cosim(config, shape, 17);
  EXPECT_TRUE(result.passed()) << result.to_json().dump(2);
  EXPECT_EQ(result.board.mismatches(), 0u);
  EXPECT_EQ(result.board.compared(), 2 * shape.m * shape.n);
  EXPECT_EQ(result.board.cycles_rtl(), result.board.cycles_model());
  EXPECT_EQ(result.board.cycles_model(), models::optical_cost_gemm(config, shape).total_cycles());
  EXPECT_EQ(result.tile_cycle_mismatches(), 0u);
  testing::Test::RecordProperty("rtl_seconds", std::to_string(result.board.report()["rtl_seconds"].get<double>()));
  testing::Test::RecordProperty("model_seconds", std::to_string(result.board.report()["model_seconds"].get<double>()));
}

}  // namespace
}  // namespace tessera::cosim
