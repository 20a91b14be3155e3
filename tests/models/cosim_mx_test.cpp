// Lock-step co-simulation of the MX unit: the verilated quantizer -> dot chain
// (sim/cosim/rtl/tessera_cosim_mx_chain.sv over hw/mx) against the TLM MX model on the same
// seeded tiles, through the driver `tessera cosim` uses (sim/cosim/mx_cosim.h, which documents the
// protocol and the FP32 block accumulation).
#include <gtest/gtest.h>

#include <cstdio>

#include "Vcosim_mx_fp8_e4m3_fp4_e2m1.h"
#include "sim/cosim/mx_cosim.h"

namespace tessera::models {
namespace {

cosim::CosimResult cosim_e4m3_e2m1(const GemmShape& shape, std::uint64_t tile_m, unsigned seed) {
  const MxUnitConfig c = cosim::mx_chain_config(mx::ElementFormat::fp8_e4m3, mx::ElementFormat::fp4_e2m1, tile_m);
  const cosim::CosimResult r = cosim::cosim_mx<Vcosim_mx_fp8_e4m3_fp4_e2m1>(c, shape, seed);
  std::printf("%s\n", r.board.report().dump().c_str());
  EXPECT_EQ(r.board.mismatches(), 0u);
  for (const auto& mm : r.board.kept()) {
    ADD_FAILURE() << "index " << mm.index << ": model bits " << mm.expected << " rtl bits " << mm.actual;
  }
  for (std::size_t i = 0; i < r.tiles.size(); ++i) EXPECT_EQ(r.tiles[i].rtl, r.tiles[i].model) << "tile " << i;
  EXPECT_EQ(r.board.cycles_rtl(), r.board.cycles_model());
  return r;
}

TEST(Cosim, MxE4m3xE2m1LayerSized) {
  // M = 64, K = 256 (8 blocks), N = 64, tiles of 16 rows: 4 tiles of 16*64*8 = 8192 pairs.
  const cosim::CosimResult r = cosim_e4m3_e2m1({64, 256, 64}, 16, 21);
  EXPECT_EQ(r.tiles.size(), 4u);
  EXPECT_EQ(r.board.compared(), 64u * 64u);
  EXPECT_GE(r.tiles[0].rtl, 8192u);
}

TEST(Cosim, MxRaggedK) {
  // K = 70: the last block holds 6 elements (zero padded on the RTL side).
  const cosim::CosimResult r = cosim_e4m3_e2m1({9, 70, 5}, 4, 22);
  EXPECT_EQ(r.tiles.size(), 3u);  // 4 + 4 + 1 rows
}

}  // namespace
}  // namespace tessera::models
