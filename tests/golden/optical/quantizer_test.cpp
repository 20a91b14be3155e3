#include "golden/optical/quantizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

#include "golden/common/error.h"
#include "golden/mx/fp32_bits.h"
#include "tests/golden/optical/reference_quantizer.h"

namespace tessera::optical {
namespace {

using mx::float_bits;

// --- hand-derived values: L = 256 over [-1, 1]; r + 1e-8f == 2 in float32 -----------------------

TEST(OpticalQuantizer, HandDerivedCodesOnSymmetricRange) {
  const QuantizerParams p = make_quantizer(256, -1.0f, 1.0f, 0.0f, "test");
  EXPECT_EQ(code_deterministic(-1.0f, p), 0u);
  EXPECT_EQ(code_deterministic(1.0f, p), 255u);
  EXPECT_EQ(code_deterministic(-7.0f, p), 0u);   // clamped
  EXPECT_EQ(code_deterministic(7.0f, p), 255u);  // clamped
  // 0 sits at grid position exactly 127.5: a tie, rounded to the even code 128.
  EXPECT_EQ(grid_position(0.0f, p), 127.5f);
  EXPECT_EQ(code_deterministic(0.0f, p), 128u);
  EXPECT_EQ(code_deterministic(0.5f, p), 191u);   // 191.25
  EXPECT_EQ(code_deterministic(-0.5f, p), 64u);   // 63.75
  EXPECT_EQ(code_value(0, p), -1.0f);
  EXPECT_EQ(code_value(255, p), 1.0f);
}

TEST(OpticalQuantizer, ZeroIsNotOnTheEvenGrid) {
  const QuantizerParams p = make_quantizer(256, -1.0f, 1.0f, 0.0f, "test");
  const float v = quantize_deterministic(0.0f, p);
  EXPECT_NE(v, 0.0f);
  EXPECT_NEAR(v, 1.0f / 255.0f, 1e-7f);  // code 128 = -1 + 256/255
}

TEST(OpticalQuantizer, SmallMagnitudesArePushedToTheFloor) {
  const float lut = 0.02004f;
  const QuantizerParams p = make_quantizer(256, -1.0f, 1.0f, lut, "test");
  EXPECT_EQ(quantize_deterministic(0.0f, p), lut * 1.0f);     // 1/255 < 0.02004 -> t+
  EXPECT_EQ(quantize_deterministic(0.01f, p), lut * 1.0f);
  EXPECT_EQ(quantize_deterministic(-0.003f, p), -(lut * 1.0f));  // code 127 -> -1/255 -> -t-
  EXPECT_EQ(quantize_deterministic(-0.015f, p), -(lut * 1.0f));
  // Well above the floor: untouched grid value.
  EXPECT_EQ(quantize_deterministic(0.5f, p), code_value(191, p));
  // The floor uses the per-sign full scale: t+ = lut*M, t- = lut*|m|.
  const QuantizerParams skew = make_quantizer(256, -0.5f, 2.0f, lut, "test");
  EXPECT_EQ(positive_floor(skew), lut * 2.0f);
  EXPECT_EQ(negative_floor(skew), lut * 0.5f);
  const float v = quantize_deterministic(0.01f, skew);
  EXPECT_EQ(v, lut * 2.0f);
}

TEST(OpticalQuantizer, AnExactZeroSurvivesTheFloor) {
  // L = 255 over [-1, 1]: code 127 is exactly 127/254*2 - 1 = 0.
  const QuantizerParams p = make_quantizer(255, -1.0f, 1.0f, 0.02004f, "test");
  EXPECT_EQ(code_deterministic(0.0f, p), 127u);
  EXPECT_EQ(code_value(127, p), 0.0f);
  EXPECT_EQ(quantize_deterministic(0.0f, p), 0.0f);
  EXPECT_EQ(floor_sign(0.0f, p), 0);
}

TEST(OpticalQuantizer, InvalidParametersAreConfigErrors) {
  EXPECT_THROW(make_quantizer(1, -1.0f, 1.0f, 0.0f, "t"), ConfigError);
  EXPECT_THROW(make_quantizer((1 << 24) + 1, -1.0f, 1.0f, 0.0f, "t"), ConfigError);
  EXPECT_THROW(make_quantizer(256, 1.0f, 1.0f, 0.0f, "t"), ConfigError);
  EXPECT_THROW(make_quantizer(256, 1.0f, -1.0f, 0.0f, "t"), ConfigError);
  EXPECT_THROW(make_quantizer(256, std::nanf(""), 1.0f, 0.0f, "t"), ConfigError);
  EXPECT_THROW(make_quantizer(256, -1.0f, INFINITY, 0.0f, "t"), ConfigError);
  EXPECT_THROW(make_quantizer(256, -1.0f, 1.0f, -0.1f, "t"), ConfigError);
  try {
    make_quantizer(256, 2.0f, 1.0f, 0.0f, "layer fc1 input");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("layer fc1 input"), std::string::npos);
  }
}

TEST(OpticalQuantizer, NanInputIsAnInputError) {
  const QuantizerParams p = make_quantizer(16, -1.0f, 1.0f, 0.0f, "t");
  const float x[3] = {0.0f, std::nanf(""), 1.0f};
  EXPECT_THROW(quantize(x, 3, p, Rounding::deterministic, {}, "x"), InputError);
}

// --- det mode equals the independent reference ------------------------------------------------

TEST(OpticalQuantizer, DeterministicEqualsReferenceOnRandomInputs) {
  std::mt19937 gen(1234);
  const std::int64_t levels_list[] = {2, 3, 16, 64, 255, 256, 1000, 4096, 65536};
  std::uniform_real_distribution<float> bound(-4.0f, 4.0f);
  for (int trial = 0; trial < 60; ++trial) {
    float lo = bound(gen), hi = bound(gen);
    if (lo == hi) continue;
    if (lo > hi) std::swap(lo, hi);
    const std::int64_t levels = levels_list[trial % 9];
    const float lut = trial % 2 ? 0.02004f : 0.0f;
    const QuantizerParams p = make_quantizer(levels, lo, hi, lut, "t");
    std::uniform_real_distribution<float> dist(lo - 0.5f * (hi - lo), hi + 0.5f * (hi - lo));
    for (int i = 0; i < 5000; ++i) {
      const float x = dist(gen);
      const auto ref = test::reference_quantize(x, lo, hi, levels, lut);
      ASSERT_EQ(code_deterministic(x, p), ref.code) << x;
      ASSERT_EQ(float_bits(quantize_deterministic(x, p)), float_bits(ref.value)) << x;
    }
  }
}

TEST(OpticalQuantizer, TensorQuantizeMatchesElementwise) {
  const QuantizerParams p = make_quantizer(64, -2.0f, 3.0f, 0.05f, "t");
  std::vector<float> x(1000);
  std::mt19937 gen(7);
  std::normal_distribution<float> dist(0.0f, 2.0f);
  for (float& v : x) v = dist(gen);
  const QuantizedTensor t = quantize(x.data(), x.size(), p, Rounding::deterministic, {}, "x");
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(t.codes[i], code_deterministic(x[i], p));
    EXPECT_EQ(float_bits(t.values[i]), float_bits(dequantize(t.codes[i], p)));
  }
}

// --- stochastic mode --------------------------------------------------------------------------

TEST(OpticalQuantizer, StochasticRuleIsTheFloorOfTheExactSum) {
  // L = 2 over [0, 1]: 1 + 1e-8f == 1, so the grid position x_s is x itself.
  const QuantizerParams p = make_quantizer(2, 0.0f, 1.0f, 0.0f, "t");
  const float x = 0.25f;
  const float ulp = 1.0f / 16777216.0f;
  ASSERT_EQ(grid_position(x, p), 0.25f);
  EXPECT_EQ(code_stochastic(x, p, 0.0f), 0u);
  EXPECT_EQ(code_stochastic(x, p, 0.75f - ulp), 0u);  // 0.25 + u < 1
  EXPECT_EQ(code_stochastic(x, p, 0.75f), 1u);        // 0.25 + u == 1
  EXPECT_EQ(code_stochastic(x, p, 1.0f - ulp), 1u);
  // A value on the grid never moves, whatever u is; beyond the range it clamps.
  EXPECT_EQ(code_stochastic(0.0f, p, 1.0f - ulp), 0u);
  EXPECT_EQ(code_stochastic(1.0f, p, 1.0f - ulp), 1u);
  EXPECT_EQ(code_stochastic(3.0f, p, 0.0f), 1u);
  // A tiny grid position never reaches 1.
  EXPECT_EQ(code_stochastic(1e-30f, p, 1.0f - ulp), 0u);
  // Near 2^23, the float32 sum x_s + u would round up where the exact sum does not.
  const QuantizerParams wide = make_quantizer(1 << 24, 0.0f, 16777215.0f, 0.0f, "t");
  const float big = 8388607.5f;
  ASSERT_EQ(grid_position(big, wide), big);
  EXPECT_EQ(code_stochastic(big, wide, 0.5f - ulp), 8388607u);
  EXPECT_EQ(code_stochastic(big, wide, 0.5f), 8388608u);
  const volatile float sum = big + (0.5f - ulp);
  EXPECT_EQ(std::floor(sum), 8388608.0f);  // the float32 sum's wrong answer
}

TEST(OpticalQuantizer, StochasticIsUnbiasedInExpectation) {
  const QuantizerParams p = make_quantizer(256, -1.0f, 1.0f, 0.0f, "t");
  const float x = -1.0f + 100.3f * 2.0f / 255.0f;  // position ~100.3
  const double position = grid_position(x, p);
  const std::size_t n = 200000;
  std::vector<float> xs(n, x);
  const QuantizedTensor t = quantize(xs.data(), n, p, Rounding::stochastic, {42, 7, 0}, "x");
  double mean_code = 0.0;
  for (std::uint32_t c : t.codes) {
    ASSERT_TRUE(c == static_cast<std::uint32_t>(std::floor(position)) ||
                c == static_cast<std::uint32_t>(std::floor(position)) + 1u);
    mean_code += c;
  }
  mean_code /= static_cast<double>(n);
  // Bernoulli std of the mean <= 0.5/sqrt(n) = 0.0011.
  EXPECT_NEAR(mean_code, position, 0.006);
  // Deterministic rounding would be biased by 0.5 - frac; check we are far closer than that.
  EXPECT_GT(std::fabs(std::round(position) - position), 0.05);
}

TEST(OpticalQuantizer, StochasticSameKeySameResultAnyOrderAnyThreads) {
  const QuantizerParams p = make_quantizer(16, -1.0f, 1.0f, 0.0f, "t");
  const std::size_t n = 20000;
  std::vector<float> x(n);
  std::mt19937 gen(99);
  std::uniform_real_distribution<float> dist(-1.2f, 1.2f);
  for (float& v : x) v = dist(gen);
  const RandomKey key{2026, 0x1234, 3};
  const QuantizedTensor sequential = quantize(x.data(), n, p, Rounding::stochastic, key, "x");

  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  for (unsigned threads : {1u, 2u, 4u}) {
    std::shuffle(order.begin(), order.end(), gen);
    std::vector<float> out(n, -99.0f);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (std::size_t j = t; j < n; j += threads) {
          const std::size_t i = order[j];
          out[i] = quantize_stochastic(x[i], p, key, i);
        }
      });
    }
    for (auto& th : pool) th.join();
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(float_bits(out[i]), float_bits(sequential.values[i])) << "threads " << threads << " i " << i;
    }
  }
}

TEST(OpticalQuantizer, StochasticDiffersAcrossSeedsAndIndices) {
  const QuantizerParams p = make_quantizer(16, -1.0f, 1.0f, 0.0f, "t");
  const std::size_t n = 5000;
  std::vector<float> x(n, 0.123f);  // between two codes
  const auto a = quantize(x.data(), n, p, Rounding::stochastic, {1, 9, 0}, "x");
  const auto b = quantize(x.data(), n, p, Rounding::stochastic, {2, 9, 0}, "x");
  const auto c = quantize(x.data(), n, p, Rounding::stochastic, {1, 10, 0}, "x");
  const auto d = quantize(x.data(), n, p, Rounding::stochastic, {1, 9, 4}, "x");
  std::size_t diff_seed = 0, diff_stream = 0, diff_draw = 0, distinct_codes = 0;
  for (std::size_t i = 0; i < n; ++i) {
    diff_seed += a.codes[i] != b.codes[i];
    diff_stream += a.codes[i] != c.codes[i];
    diff_draw += a.codes[i] != d.codes[i];
    distinct_codes += a.codes[i] != a.codes[0];
  }
  // Per element, not one shared number: codes vary across indices of one call.
  EXPECT_GT(distinct_codes, n / 10);
  EXPECT_GT(diff_seed, n / 10);
  EXPECT_GT(diff_stream, n / 10);
  EXPECT_GT(diff_draw, n / 10);
  // And the uniform is exactly the documented Philox word.
  EXPECT_EQ(rounding_uniform({1, 9, 0}, 17), rng::uniform_float_at(1, 9, 17));
}

}  // namespace
}  // namespace tessera::optical
