// The approximate-multiplier WS systolic array: exact cycle counts (derivations in each test,
// from hw/approx/tessera_approx_array.sv), actions, energy, and bit-exact tiles vs golden.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "golden/approx/catalog.h"
#include "golden/approx/gemm.h"
#include "models/approx/approx_array.h"

namespace tessera::models {
namespace {

ApproxArrayConfig array(std::uint64_t rows, std::uint64_t cols, const char* mul = "exact") {
  ApproxArrayConfig c;
  c.rows = rows;
  c.cols = cols;
  c.multiplier = mul;
  return c;
}

TEST(ApproxCycles, OneTile) {
  // RTL: Rows weight-load edges (one row per edge), then m vectors one per edge; the last
  // vector's result is on acc_o Latency = Rows + Cols - 1 edges after it entered, i.e. Latency - 1
  // edges after the last steady edge. 8x8, m = 100: 8 + 100 + (8 + 8 - 2) = 122
  // (fill = Rows - 1 = 7, drain = Cols - 1 = 7).
  const CyclesByPhase p = approx_tile_cycles(array(8, 8), 100);
  EXPECT_EQ(p.weight_load, 8u);
  EXPECT_EQ(p.steady, 100u);
  EXPECT_EQ(p.fill, 7u);
  EXPECT_EQ(p.drain, 7u);
  EXPECT_EQ(p.total(), 122u);
}

TEST(ApproxCycles, SmallGemm) {
  // M=64, K=20, N=10 on 8x8: tk = ceil(20/8) = 3, tn = ceil(10/8) = 2, tm = 1 -> 6 tiles.
  // weight_load = 6*8 = 48, fill = 6*7 = 42, drain = 6*7 = 42, steady = tk*tn*M = 3*2*64 = 384.
  // total = 516.
  const LayerCost c = approx_cost_gemm(array(8, 8), {64, 20, 10});
  EXPECT_EQ(c.tiles, 6u);
  EXPECT_EQ(c.cycles.weight_load, 48u);
  EXPECT_EQ(c.cycles.fill, 42u);
  EXPECT_EQ(c.cycles.drain, 42u);
  EXPECT_EQ(c.cycles.steady, 384u);
  EXPECT_EQ(c.cycles.stall, 0u);
  EXPECT_EQ(c.total_cycles(), 516u);
  // Actions: 64*20*10 = 12800 useful MACs; 384 vectors * 64 PEs = 24576 PE slots -> 11776 padded.
  EXPECT_DOUBLE_EQ(c.actions.at("mac.exact.count"), 12800.0);
  EXPECT_DOUBLE_EQ(c.actions.at("mac.padded.count"), 11776.0);
  EXPECT_DOUBLE_EQ(c.actions.at("array.weight_register.bytes"), 6.0 * 64);
  // With m_tile = 16: tm = 4, 24 tiles; overheads x4, steady unchanged: 192+168+168+384 = 912.
  EXPECT_EQ(approx_cost_gemm(array(8, 8), {64, 20, 10}, EnergyTable::defaults(), 16).total_cycles(), 912u);
  // The tile list has the same count and the per-tile sum equals the closed form.
  const auto tiles = approx_tiles(array(8, 8), {64, 20, 10}, 16);
  ASSERT_EQ(tiles.size(), 24u);
  std::uint64_t sum = 0;
  for (const auto& t : tiles) sum += approx_tile_cycles(array(8, 8), t.m).total();
  EXPECT_EQ(sum, 912u);
}

TEST(ApproxCycles, LayerSizedGemm) {
  // ResNet-18 conv2_x 3x3 64->64 at 56x56 (im2col: M = 3136, K = 576, N = 64) on 16x16:
  // tk = 36, tn = 4, tiles = 144; steady = 144 * 3136 = 451584;
  // per-tile overhead = 16 (load) + 15 (fill) + 15 (drain) = 46 -> 6624; total = 458208.
  const LayerCost c = approx_cost_gemm(array(16, 16), {3136, 576, 64});
  EXPECT_EQ(c.cycles.steady, 451584u);
  EXPECT_EQ(c.cycles.weight_load + c.cycles.fill + c.cycles.drain, 6624u);
  EXPECT_EQ(c.total_cycles(), 458208u);
  // Utilization = 115605504 MACs / (256 * 458208) = 0.98523...
  EXPECT_NEAR(c.utilization(256.0), 115605504.0 / (256.0 * 458208.0), 1e-12);
}

TEST(ApproxEnergy, PricesMultipliersFromTables) {
  const EnergyTable& t = EnergyTable::defaults();
  const GemmShape s{32, 32, 32};
  const double macs = 32.0 * 32 * 32;
  const LayerCost exact = approx_cost_gemm(array(8, 8), s);
  EXPECT_DOUBLE_EQ(exact.energy_pj.at("multiplier"), macs * 0.2);
  EXPECT_DOUBLE_EQ(exact.energy_pj.at("accumulator"), macs * 0.1);
  // mul8s_1L2H: EvoApprox PDK45 power relative to the exact mul8s_1KV8 (index.json).
  const auto b = approx::find_bundled("mul8s_1L2H");
  ASSERT_TRUE(b.has_value());
  const LayerCost l2h = approx_cost_gemm(array(8, 8, "mul8s_1L2H"), s);
  const double expected = macs * 0.2 * b->power_mw_pdk45 / 0.425;
  EXPECT_NEAR(l2h.energy_pj.at("multiplier"), expected, 1e-5 * expected);
  EXPECT_LT(l2h.total_energy_pj(), exact.total_energy_pj());
  // Without a table entry: trunc5 drops the 1+2+3+4+5 = 15 partial-product bits of columns 0..4
  // (49/64), drum7 keeps a 7x7 core (49/64).
  EXPECT_DOUBLE_EQ(approx_relative_power("trunc5", t).ratio, 49.0 / 64.0);
  EXPECT_DOUBLE_EQ(approx_relative_power("drum7", t).ratio, 49.0 / 64.0);
  // Measured designs come from the table, gate-level on SKY130: truncation saves energy in order,
  // DRUM's leading-one detectors and shifters cost more than its smaller core saves at 8 bits.
  const RelativePower trunc4 = approx_relative_power("trunc4", t), trunc6 = approx_relative_power("trunc6", t);
  EXPECT_NE(trunc4.source.find("tessera power characterize"), std::string::npos) << trunc4.source;
  EXPECT_LT(trunc6.ratio, trunc4.ratio);
  EXPECT_LT(trunc4.ratio, 1.0);
  EXPECT_GT(approx_relative_power("drum4", t).ratio, 1.0);
  // Register energy: (vectors*64 PEs*(8+32) bits + weight bytes*8) * 0.009 pJ.
  const double vectors = 4.0 * 4 * 32, weight_bytes = 16.0 * 64;  // 16 tiles of 8x8 weights
  EXPECT_NEAR(exact.energy_pj.at("pe_registers"), (vectors * 64 * 40 + weight_bytes * 8) * 0.009, 1e-6);
}

TEST(ApproxTiles, BitExactAgainstGolden) {
  for (const char* name : {"mul8s_1L2H", "trunc3", "drum4", "mitchell"}) {
    SCOPED_TRACE(name);
    const approx::MultiplierTable table = approx::load_multiplier(name);
    const GemmShape s{37, 29, 19};
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> d(-128, 127);
    std::vector<std::int8_t> a(s.m * s.k), w(s.n * s.k);
    for (auto& v : a) v = static_cast<std::int8_t>(d(rng));
    for (auto& v : w) v = static_cast<std::int8_t>(d(rng));
    std::vector<std::int32_t> out(s.m * s.n, 0);
    for (const auto& t : approx_tiles(array(8, 8, name), s, 10)) {
      approx_compute_tile(table, a.data(), w.data(), s, t, out.data());
    }
    EXPECT_EQ(out, approx::approx_gemm(table, a.data(), w.data(), s.m, s.n, s.k));
  }
}

TEST(ApproxTiming, TimingOnlyIsFast) {
  const ApproxArrayConfig c = array(16, 16, "mul8s_1L2H");
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t sink = 0;
  for (int i = 0; i < 1000; ++i) sink += approx_cost_gemm(c, {3136, 576, 64 + static_cast<std::uint64_t>(i)}).total_cycles();
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / 1000;
  RecordProperty("ms_per_layer", std::to_string(ms));
  std::printf("approx_cost_gemm: %.4f ms per layer\n", ms);
  EXPECT_GT(sink, 0u);
  EXPECT_LT(ms, 1.0);
}

}  // namespace
}  // namespace tessera::models
