// The optical MAC array: passes, weight reloads, ADC conversions, laser budget, and bit-exact
// tiles vs golden optical_gemm (signed and split).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "golden/optical/matmul.h"
#include "golden/optical/quantizer.h"
#include "models/optical/optical_array.h"

namespace tessera::models {
namespace {

TEST(OpticalCycles, PassesAndReloads) {
  // 8x8 array, λ = 8, M=64, K=100, N=20: tm = 8, tn = 3, tk = 13 -> 312 passes;
  // pipeline DAC 1 + ADC 1 + psum 1 = 3: fill = 3 - 1 = 2 -> 314.
  OpticalArrayConfig c;
  const LayerCost l = optical_cost_gemm(c, {64, 100, 20});
  EXPECT_EQ(l.cycles.steady, 312u);
  EXPECT_EQ(l.total_cycles(), 314u);
  // ADC: every output once per ceil(13 / t_acc) integration groups: 64*20*13 = 16640.
  EXPECT_DOUBLE_EQ(l.actions.at("adc.conversions.count"), 16640.0);
  // Input DACs re-send A for every n-tile: 64*100*3; weight DACs load W once: 100*20.
  EXPECT_DOUBLE_EQ(l.actions.at("dac.input_conversions.count"), 19200.0);
  EXPECT_DOUBLE_EQ(l.actions.at("dac.weight_conversions.count"), 2000.0);
  // Split signs: two passes -> 624 + 2.
  c.split_signs = true;
  EXPECT_EQ(optical_cost_gemm(c, {64, 100, 20}).total_cycles(), 626u);
  // Static weights at 5 GHz, 2 us tuning: reloads = tn*tk = 39 -> 39 * 10000 cycles.
  c.split_signs = false;
  c.weight_technology = "static";
  EXPECT_EQ(optical_cost_gemm(c, {64, 100, 20}).cycles.weight_load, 390000u);
  // Integration over 4 passes: ceil(13/4) = 4 conversions per output.
  c.weight_technology = "dynamic";
  c.t_acc = 4;
  EXPECT_DOUBLE_EQ(optical_cost_gemm(c, {64, 100, 20}).actions.at("adc.conversions.count"), 64.0 * 20 * 4);
}

TEST(OpticalEnergy, LaserBudget) {
  // W = 8: loss = 0.11 dB/cm * 1 cm + 0.1 dB * log2(8) + 0.33 dB + 10 log10(8) dB;
  // P_elec = 10^(-25/10) mW * 10^(loss/10) * 2^8 / 0.2 / (1 - 10^(-1.7)).
  const OpticalArrayConfig c;
  const double loss = 0.11 + 0.3 + 0.33 + 10.0 * std::log10(8.0);
  const double expected = 3.1623e-3 * std::pow(10.0, loss / 10.0) * 256.0 / 0.2 / (1.0 - std::pow(10.0, -1.7));
  EXPECT_NEAR(optical_laser_power_mw(c, EnergyTable::defaults()), expected, 1e-9 * expected);
  // Laser energy = P * channels (rows * λ = 64) * on-time (314 cycles / 5 GHz = 62.8 ns).
  const LayerCost l = optical_cost_gemm(c, {64, 100, 20});
  EXPECT_NEAR(l.energy_pj.at("laser"), expected * 64 * 62.8, 1e-6 * expected * 64 * 63);
  EXPECT_NEAR(l.energy_pj.at("adc"), 16640.0 * 1.48, 1e-6);
  EXPECT_NEAR(l.energy_pj.at("modulator"), (19200.0 + 2000.0) * 8 * 0.45, 1e-6);
}

optical::Matrix random_matrix(std::size_t rows, std::size_t cols, unsigned seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  optical::Matrix m{rows, cols, std::vector<float>(rows * cols)};
  for (auto& v : m.data) v = d(rng);
  return m;
}

TEST(OpticalTiles, BitExactAgainstGolden) {
  const optical::Matrix x = random_matrix(11, 37, 1, -1.0f, 1.0f);
  const optical::Matrix w = random_matrix(13, 37, 2, -0.5f, 0.5f);
  const std::vector<float> bias(13, 0.25f);
  for (bool split : {false, true}) {
    SCOPED_TRACE(split);
    optical::OpticalGemmSpec spec;
    spec.input = optical::make_quantizer(256, -1.0f, 1.0f, 0.0f, "in");
    spec.weight = optical::make_quantizer(256, -0.5f, 0.5f, 0.02004f, "w");
    spec.output.adc = optical::make_quantizer(256, -6.0f, 6.0f, 0.0f, "out");
    spec.output.detector_noise_lsb = 0.5;
    spec.split_signs = split;
    spec.negative_output.adc = optical::make_quantizer(256, 0.0f, 6.0f, 0.0f, "neg");
    const optical::CallKey key{42, 3, 1};
    const optical::Matrix golden = optical::optical_gemm(x, w, bias, spec, key);
    const optical::OperandCodes a = optical::quantize_operand(x, spec.input, "a");
    const optical::OperandCodes b = optical::quantize_operand(w, spec.weight, "w");
    std::vector<float> out(11 * 13);
    for (std::uint64_t m0 = 0; m0 < 11; m0 += 4)
      for (std::uint64_t n0 = 0; n0 < 13; n0 += 8)
        optical_compute_tile(a, b, bias, spec, key, m0, std::min<std::uint64_t>(4, 11 - m0), n0,
                             std::min<std::uint64_t>(8, 13 - n0), out.data());
    EXPECT_EQ(0, std::memcmp(out.data(), golden.data.data(), out.size() * sizeof(float)));
  }
}

}  // namespace
}  // namespace tessera::models
