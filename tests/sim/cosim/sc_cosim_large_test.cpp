// A 16 x 16 approx array (verilated with --sc for this test only) co-simulated in one SystemC
// kernel with the TLM model: zero mismatches and equal cycles on every tile. Label slow.
#include <gtest/gtest.h>

#include "Vsc_approx_16x16.h"
#include "sim/cosim/cosim_run.h"
#include "sim/cosim/sc_approx_bench.h"
#include "sim/cosim/sc_kernel.h"

namespace tessera::cosim {
namespace {

constexpr std::uint64_t kSize = 16;

TEST(ScCosimLarge, SixteenBySixteenExactArrayMatchesTheModel) {
  ScApproxBench<Vsc_approx_16x16>* bench = nullptr;
  elaborate_sc_kernel([&bench] { bench = new ScApproxBench<Vsc_approx_16x16>("bench"); });
  models::ApproxArrayConfig config;
  config.rows = kSize;
  config.cols = kSize;
  config.multiplier = "exact";
  const CosimWorkload w = approx_workload(kSize, kSize, 6);  // 2 k-tiles x 3 n-tiles, padded edges
  const CosimResult result = sc_cosim_approx(*bench, config, {w.m, w.k, w.n}, w.m_tile, 11);
  EXPECT_TRUE(result.passed()) << result.to_json().dump(2);
  EXPECT_EQ(result.board.mismatches(), 0u);
  EXPECT_EQ(result.board.compared(), w.m * w.n);
  ASSERT_EQ(result.tiles.size(), 6u);
  for (const TileCycles& t : result.tiles) EXPECT_EQ(t.rtl, t.model);
}

}  // namespace
}  // namespace tessera::cosim
