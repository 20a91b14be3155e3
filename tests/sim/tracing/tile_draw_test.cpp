// The seeded tile draw of tracing and activity sampling, and trace file names.
#include <gtest/gtest.h>

#include <set>

#include "sim/tracing/approx_trace.h"

namespace tessera::tracing {
namespace {

TEST(TileDraw, PicksDistinctTilesInArrayOrderAndRepeatsForASeed) {
  for (const std::size_t count : {1u, 5u, 64u, 1000u}) {
    for (const std::size_t wanted : {1u, 4u, 64u}) {
      const std::vector<std::size_t> picked = pick_tiles(count, wanted, 7);
      ASSERT_EQ(picked.size(), std::min(count, wanted));
      EXPECT_TRUE(std::is_sorted(picked.begin(), picked.end()));
      EXPECT_EQ(std::set<std::size_t>(picked.begin(), picked.end()).size(), picked.size());
      for (const std::size_t index : picked) EXPECT_LT(index, count);
      EXPECT_EQ(pick_tiles(count, wanted, 7), picked);
    }
  }
  EXPECT_TRUE(pick_tiles(0, 4, 1).empty());
}

TEST(TileDraw, SeedsAndLayersDrawDifferentTiles) {
  EXPECT_NE(pick_tiles(1000, 8, 1), pick_tiles(1000, 8, 2));
  EXPECT_NE(tile_draw_seed(0, "/conv1/Conv"), tile_draw_seed(0, "/conv2/Conv"));
  // FNV-1a of the empty name is its offset basis: the seed is mixed with a fixed, portable value.
  EXPECT_EQ(tile_draw_seed(0, ""), 14695981039346656037ull);
}

TEST(TileDraw, EveryTileIsReachable) {
  std::set<std::size_t> seen;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    for (const std::size_t index : pick_tiles(10, 2, seed)) seen.insert(index);
  }
  EXPECT_EQ(seen.size(), 10u);
}

TEST(TraceFileName, KeepsSafeCharactersAndNumbersTheLayer) {
  EXPECT_EQ(trace_file_name(3, "/blocks.0/mlp/fc1/MatMul"), "03__blocks.0_mlp_fc1_MatMul.ttrace");
  EXPECT_EQ(trace_file_name(12, "a b:c"), "12_a_b_c.ttrace");
}

}  // namespace
}  // namespace tessera::tracing
