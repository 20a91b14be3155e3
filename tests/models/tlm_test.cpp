// The TLM-2.0 LT models: bit-exact results vs golden and simulated cycles equal to the
// timing-only API (the same per-tile formulas annotated on each b_transport).
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <random>

#include "golden/approx/catalog.h"
#include "golden/approx/gemm.h"
#include "golden/common/error.h"
#include "golden/mx/gemm.h"
#include "golden/optical/quantizer.h"
#include "models/tlm/tlm_system.h"

namespace tessera::models {
namespace {

std::vector<std::int8_t> random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<std::int8_t> v(n);
  for (auto& x : v) x = static_cast<std::int8_t>(d(rng));
  return v;
}

TEST(Tlm, ApproxArrayBitExactAndTimed) {
  ApproxArrayConfig c;
  c.multiplier = "mul8s_1L2H";
  const approx::MultiplierTable table = approx::load_multiplier(c.multiplier);
  const GemmShape s{37, 29, 19};
  const auto a = random_bytes(s.m * s.k, 1), w = random_bytes(s.n * s.k, 2);
  for (std::uint64_t m_tile : {0u, 10u}) {
    SCOPED_TRACE(m_tile);
    // A 10 ns quantum forces the keeper to synchronise many times; results must not depend on it.
    const ApproxTlmResult r = run_approx_tlm(c, table, a.data(), w.data(), s, m_tile, 10.0);
    EXPECT_EQ(r.out, approx::approx_gemm(table, a.data(), w.data(), s.m, s.n, s.k));
    EXPECT_EQ(r.run.simulated_cycles, approx_cost_gemm(c, s, EnergyTable::defaults(), m_tile).total_cycles());
    EXPECT_EQ(r.run.transactions, approx_cost_gemm(c, s, EnergyTable::defaults(), m_tile).tiles);
    EXPECT_GT(r.run.quantum_syncs, 0u);
  }
}

TEST(Tlm, ApproxArrayPricesEveryTileItExecutesWithTheCallersModel) {
  ApproxArrayConfig c;
  const approx::MultiplierTable table = approx::load_multiplier(c.multiplier);
  const GemmShape s{23, 19, 11};
  const auto a = random_bytes(s.m * s.k, 5), w = random_bytes(s.n * s.k, 6);
  // A model the test can total independently: 1 pJ per non-zero activation code the tile streams
  // through one PE column, so each tile contributes (its non-zero a codes) x (its n).
  std::uint64_t calls = 0;
  const ApproxTileEnergyFn energy = [&](const std::int8_t* act, const std::int8_t*, const GemmShape& shape,
                                        const ApproxTile& tile) {
    ++calls;
    double pj = 0.0;
    for (std::uint64_t i = tile.m0; i < tile.m0 + tile.m; ++i)
      for (std::uint64_t k = tile.k0; k < tile.k0 + tile.k; ++k) pj += act[i * shape.k + k] != 0 ? 1.0 : 0.0;
    return pj * static_cast<double>(tile.n);
  };
  const ApproxTlmResult r = run_approx_tlm(c, table, a.data(), w.data(), s, 0, 1000.0, energy);
  double expected = 0.0;
  for (std::uint64_t i = 0; i < s.m; ++i)
    for (std::uint64_t k = 0; k < s.k; ++k) expected += a[i * s.k + k] != 0 ? static_cast<double>(s.n) : 0.0;
  EXPECT_EQ(calls, r.run.transactions);
  EXPECT_DOUBLE_EQ(r.multiplier_energy_pj, expected);
  EXPECT_EQ(r.out, approx::approx_gemm(table, a.data(), w.data(), s.m, s.n, s.k));
  // Without a hook nothing is priced, and a later run is not charged for the earlier one's tiles.
  EXPECT_EQ(run_approx_tlm(c, table, a.data(), w.data(), s).multiplier_energy_pj, 0.0);
}

TEST(Tlm, ActivityFactorScalesOnlyTheMultipliersEnergy) {
  ApproxArrayConfig c;
  const GemmShape s{64, 32, 16};
  const LayerCost table_only = approx_cost_gemm(c, s);
  c.multiplier_activity_factor = 0.25;
  const LayerCost sampled = approx_cost_gemm(c, s);
  EXPECT_DOUBLE_EQ(sampled.energy_pj.at("multiplier"), 0.25 * table_only.energy_pj.at("multiplier"));
  EXPECT_DOUBLE_EQ(sampled.energy_pj.at("accumulator"), table_only.energy_pj.at("accumulator"));
  EXPECT_EQ(sampled.total_cycles(), table_only.total_cycles());
  EXPECT_THROW(approx_config_from_json(Json{{"multiplier_activity_factor", -1.0}}, "config"), ConfigError);
}

TEST(Tlm, MxUnitBitExactAndTimed) {
  MxUnitConfig c;
  c.tile_m = 5;
  c.format_b = mx::ElementFormat::fp4_e2m1;
  const GemmShape s{17, 75, 6};
  std::mt19937 rng(9);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> a(s.m * s.k), b(s.n * s.k);
  for (auto& v : a) v = d(rng);
  for (auto& v : b) v = d(rng);
  const MxTlmResult r = run_mx_tlm(c, a.data(), b.data(), s);
  const auto golden = mx::mx_gemm(mx::quantize_rows(a.data(), s.m, s.k, c.format_a, 32, {}),
                                   mx::quantize_rows(b.data(), s.n, s.k, c.format_b, 32, {}));
  EXPECT_EQ(0, std::memcmp(r.out.data(), golden.data(), golden.size() * sizeof(float)));
  EXPECT_EQ(r.run.simulated_cycles, mx_cost_gemm(c, s).total_cycles());
}

TEST(Tlm, OpticalArrayBitExactAndTimed) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  optical::Matrix x{21, 45, std::vector<float>(21 * 45)}, w{10, 45, std::vector<float>(10 * 45)};
  for (auto& v : x.data) v = d(rng);
  for (auto& v : w.data) v = 0.5f * d(rng);
  for (bool split : {false, true}) {
    for (const char* tech : {"dynamic", "static"}) {
      SCOPED_TRACE(std::string(tech) + (split ? " split" : " signed"));
      OpticalArrayConfig c;
      c.split_signs = split;
      c.weight_technology = tech;
      optical::OpticalGemmSpec spec;
      spec.input = optical::make_quantizer(256, -1.0f, 1.0f, 0.0f, "in");
      spec.weight = optical::make_quantizer(256, -0.5f, 0.5f, 0.02004f, "w");
      spec.output.adc = optical::make_quantizer(256, -8.0f, 8.0f, 0.0f, "out");
      spec.split_signs = split;
      spec.negative_output.adc = optical::make_quantizer(256, 0.0f, 8.0f, 0.0f, "neg");
      const optical::CallKey key{1, 2, 0};
      const OpticalTlmResult r = run_optical_tlm(c, x, w, {}, spec, key);
      const optical::Matrix golden = optical::optical_gemm(x, w, {}, spec, key);
      EXPECT_EQ(0, std::memcmp(r.out.data.data(), golden.data.data(), golden.data.size() * sizeof(float)));
      EXPECT_EQ(r.run.simulated_cycles, optical_cost_gemm(c, {21, 45, 10}).total_cycles());
    }
  }
}

TEST(Tlm, LayerSizedApproxSpeed) {
  // A layer-sized GEMM through the TLM model (data mode): M = 784, K = 576, N = 64 on 16x16.
  ApproxArrayConfig c;
  c.rows = c.cols = 16;
  c.multiplier = "mul8s_1L2H";
  const approx::MultiplierTable table = approx::load_multiplier(c.multiplier);
  const GemmShape s{784, 576, 64};
  const auto a = random_bytes(s.m * s.k, 3), w = random_bytes(s.n * s.k, 4);
  const ApproxTlmResult r = run_approx_tlm(c, table, a.data(), w.data(), s, 256);
  EXPECT_EQ(r.run.simulated_cycles, approx_cost_gemm(c, s, EnergyTable::defaults(), 256).total_cycles());
  const double mcycles_per_s = static_cast<double>(r.run.simulated_cycles) / r.run.wall_seconds / 1e6;
  std::printf("TLM approx %llux%llux%llu: %llu cycles, %llu transactions, %.3f s wall, %.1f Mcycles/s\n",
              static_cast<unsigned long long>(s.m), static_cast<unsigned long long>(s.k),
              static_cast<unsigned long long>(s.n), static_cast<unsigned long long>(r.run.simulated_cycles),
              static_cast<unsigned long long>(r.run.transactions), r.run.wall_seconds, mcycles_per_s);
  EXPECT_EQ(r.out, approx::approx_gemm(table, a.data(), w.data(), s.m, s.n, s.k));
}

}  // namespace
}  // namespace tessera::models
