// Lock-step co-simulation of the approximate-multiplier array: the verilated RTL
// (hw/approx/tessera_approx_array.sv) and the TLM model run the same seeded tiles in the model's
// tile order through the driver `tessera cosim` uses (sim/cosim/approx_cosim.h, which documents
// the protocol); every output and every tile's edge count is compared.
#include <gtest/gtest.h>

#include <cstdio>

#include "Vmodels_array_4x6_trunc3.h"
#include "Vcosim_approx_exact.h"
#include "sim/cosim/approx_cosim.h"

namespace tessera::models {
namespace {

void expect_lock_step(const cosim::CosimResult& result) {
  std::printf("%s\n", result.board.report().dump().c_str());
  EXPECT_EQ(result.board.mismatches(), 0u);
  for (const auto& mm : result.board.kept()) {
    ADD_FAILURE() << "tile " << mm.tile << " index " << mm.index << ": model " << mm.expected << " rtl " << mm.actual;
  }
  for (std::size_t i = 0; i < result.tiles.size(); ++i) {
    EXPECT_EQ(result.tiles[i].rtl, result.tiles[i].model) << "tile " << i;
  }
  EXPECT_EQ(result.board.cycles_rtl(), result.board.cycles_model());
  EXPECT_EQ(result.board.cycle_error_percent(), 0.0);
}

TEST(Cosim, Approx8x8ExactLayerSized) {
  // A layer-sized GEMM (M = 512, K = 64, N = 32; 32 tiles of 512 vectors).
  ApproxArrayConfig c;
  c.rows = c.cols = 8;
  c.multiplier = "exact";
  const cosim::CosimResult r = cosim::cosim_approx<Vcosim_approx_exact>(c, {512, 64, 32}, 0, 11);
  EXPECT_EQ(r.tiles.size(), 32u);
  EXPECT_EQ(r.board.compared(), 512u * 32u);
  expect_lock_step(r);
}

TEST(Cosim, Approx4x6Trunc3RaggedTiles) {
  // Ragged K, N and m-tiles: every edge case of the padding protocol.
  ApproxArrayConfig c;
  c.rows = 4;
  c.cols = 6;
  c.multiplier = "trunc3";
  const cosim::CosimResult r = cosim::cosim_approx<Vmodels_array_4x6_trunc3>(c, {37, 29, 19}, 10, 12);
  // ceil(37/10) m-tiles x ceil(29/4) k-tiles x ceil(19/6) n-tiles.
  EXPECT_EQ(r.tiles.size(), 4u * 8u * 4u);
  expect_lock_step(r);
}

}  // namespace
}  // namespace tessera::models
