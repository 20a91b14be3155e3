// The MX unit: cycle counts from the RTL pipeline (quantizer and dot, latency 3 each, one block
// per cycle), actions, energy, and bit-exact tiles vs golden mx_gemm.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "golden/common/error.h"
#include "golden/mx/gemm.h"
#include "models/mx/mx_unit.h"

namespace tessera::models {
namespace {

TEST(MxCycles, OneTile) {
  // M=4, N=8, K=64, block 32: kb = 2; quantizer blocks q = 4*2 = 8, block pairs d = 4*8*2 = 64.
  // fill = 3 (quantizer) + 3 (dot) - 1 = 5 (n items through latency L take n + L - 1 edges),
  // steady = 64, stall = max(0, 8 - 64) = 0, drain = accumulate_latency = 0 -> 69.
  MxUnitConfig c;
  const CyclesByPhase p = mx_tile_cycles(c, 4, 8, 64, false);
  EXPECT_EQ(p.fill, 5u);
  EXPECT_EQ(p.steady, 64u);
  EXPECT_EQ(p.stall, 0u);
  EXPECT_EQ(p.drain, 0u);
  EXPECT_EQ(p.total(), 69u);
  // Quantizer-bound: N = 1 with weights quantized on chip: q = 4*2 + 1*2 = 10, d = 4*1*2 = 8 -> stall 2.
  EXPECT_EQ(mx_tile_cycles(c, 4, 1, 64, true).stall, 2u);
  // Four dot engines: steady = ceil(64/4) = 16.
  c.dot_units = 4;
  EXPECT_EQ(mx_tile_cycles(c, 4, 8, 64, false).steady, 16u);
}

TEST(MxCycles, TiledGemm) {
  // M=8, K=40 (kb = 2, the last block partial), N=8, tile_m = 3: tiles of 3, 3, 2 rows.
  // 3 rows: d = 3*8*2 = 48 -> 48 + 5 = 53; 2 rows: d = 32 -> 37. Total 53+53+37 = 143.
  MxUnitConfig c;
  c.tile_m = 3;
  const LayerCost l = mx_cost_gemm(c, {8, 40, 8});
  EXPECT_EQ(l.tiles, 3u);
  EXPECT_EQ(l.total_cycles(), 143u);
  EXPECT_DOUBLE_EQ(l.actions.at("mx.dot.block_pairs.count"), 8.0 * 8 * 2);
  EXPECT_DOUBLE_EQ(l.actions.at("mx.dot.fp8_e4m3xfp8_e4m3.products.count"), 8.0 * 40 * 8);
  EXPECT_DOUBLE_EQ(l.actions.at("mx.quantize.elements.count"), 8.0 * 40);
  // Dot multipliers: E4M3 significands are 4 bits: 0.2 pJ * 16/64 per product.
  EXPECT_NEAR(l.energy_pj.at("dot_multipliers"), 2560.0 * 0.2 * 16.0 / 64.0, 1e-9);
  // Layer-sized: 3136 x 576 x 64, one tile: d = 3136*64*18 = 3612672; + 5.
  EXPECT_EQ(mx_cost_gemm(MxUnitConfig{}, {3136, 576, 64}).total_cycles(), 3612672u + 5u);
}

TEST(MxEnergy, DotActivityFactorScalesOnlyTheDotArithmetic) {
  // Weights quantized on chip so the quantizer's energy is nonzero and its invariance means something.
  MxUnitConfig c;
  c.quantize_weights = true;
  const GemmShape s{16, 96, 8};
  const LayerCost table_only = mx_cost_gemm(c, s);
  c.dot_activity_factor = 0.4;
  const LayerCost sampled = mx_cost_gemm(c, s);
  for (const char* scaled : {"dot_multipliers", "dot_adder_tree"}) {
    ASSERT_GT(table_only.energy_pj.at(scaled), 0.0) << scaled;
    EXPECT_DOUBLE_EQ(sampled.energy_pj.at(scaled), 0.4 * table_only.energy_pj.at(scaled)) << scaled;
  }
  for (const char* kept : {"quantizer", "block_accumulate"}) {
    ASSERT_GT(table_only.energy_pj.at(kept), 0.0) << kept;
    EXPECT_DOUBLE_EQ(sampled.energy_pj.at(kept), table_only.energy_pj.at(kept)) << kept;
  }
  // Every component is one of the four above: nothing else moves either.
  EXPECT_EQ(sampled.energy_pj.size(), 4u);
  EXPECT_EQ(sampled.total_cycles(), table_only.total_cycles());
  EXPECT_EQ(sampled.actions, table_only.actions);
}

TEST(MxEnergy, DotActivityFactorFromJsonIsRangeChecked) {
  EXPECT_DOUBLE_EQ(mx_config_from_json(Json::object(), "config").dot_activity_factor, 1.0);
  EXPECT_DOUBLE_EQ(mx_config_from_json(Json{{"dot_activity_factor", 0.75}}, "config").dot_activity_factor, 0.75);
  for (const double bad : {-0.1, 100.5}) {
    try {
      mx_config_from_json(Json{{"dot_activity_factor", bad}}, "config");
      FAIL() << "accepted dot_activity_factor " << bad;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("dot_activity_factor"), std::string::npos) << e.what();
    }
  }
}

TEST(MxTiles, BitExactAgainstGolden) {
  const GemmShape s{13, 70, 9};
  std::mt19937 rng(3);
  std::normal_distribution<float> d(0.0f, 2.0f);
  std::vector<float> a(s.m * s.k), b(s.n * s.k);
  for (auto& v : a) v = d(rng);
  for (auto& v : b) v = d(rng);
  for (auto fa : {mx::ElementFormat::fp8_e4m3, mx::ElementFormat::fp4_e2m1, mx::ElementFormat::int8}) {
    MxUnitConfig c;
    c.format_a = fa;
    c.format_b = mx::ElementFormat::fp6_e3m2;
    const mx::QuantizedRows bq = mx::quantize_rows(b.data(), s.n, s.k, c.format_b, 32, mx::QuantizePolicy{});
    const mx::QuantizedRows aq = mx::quantize_rows(a.data(), s.m, s.k, c.format_a, 32, mx::QuantizePolicy{});
    const std::vector<float> golden = mx::mx_gemm(aq, bq);
    std::vector<float> out(s.m * s.n);
    for (std::uint64_t m0 = 0; m0 < s.m; m0 += 4) mx_compute_tile(c, a.data(), bq, s, m0, std::min<std::uint64_t>(4, s.m - m0), out.data());
    EXPECT_EQ(0, std::memcmp(out.data(), golden.data(), out.size() * sizeof(float)));
  }
}

}  // namespace
}  // namespace tessera::models
