#include "golden/optical/matmul.h"
#include "golden/optical/stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>

#include "golden/common/error.h"
#include "tests/golden/optical/test_matrices.h"
#include "golden/rng/counter_rng.h"
#include "tests/golden/optical/reference_quantizer.h"

namespace tessera::optical {
namespace {

using test::float_bits;
using test::max_abs_diff;
using test::random_matrix;
using test::same_bits;

Range range_of(const Matrix& m) {
  const auto [lo, hi] = std::minmax_element(m.data.begin(), m.data.end());
  return Range{*lo, *hi};
}

// The test's own analog value of an operand element: codes from the independent reference
// quantizer, exact affine value in long double, floor decided on the float32 reference value.
long double analog_value(float x, const QuantizerParams& p) {
  const auto plain = test::reference_quantize(x, p.min, p.max, p.levels, 0.0f);
  if (p.lut_min > 0.0f) {
    const float tp = p.lut_min * p.max, tn = p.lut_min * std::fabs(p.min);
    if (plain.value > 0.0f && plain.value < tp) return tp;
    if (plain.value < 0.0f && plain.value > -tn) return -static_cast<long double>(tn);
  }
  return static_cast<long double>(p.min) +
         static_cast<long double>(plain.code) *
             ((static_cast<long double>(p.max) - p.min) / static_cast<long double>(p.levels - 1));
}

struct Case {
  Matrix x, w;
  OpticalGemmSpec spec;
};

Case make_case(std::size_t m, std::size_t k, std::size_t n, std::int64_t levels, float lut) {
  Case c{random_matrix(m, k, 1.0f, 11), random_matrix(n, k, 0.05f, 12), {}};
  const Range rx = range_of(c.x), rw = range_of(c.w);
  c.spec.input = make_quantizer(levels, rx.min, rx.max, 0.0f, "x");
  c.spec.weight = make_quantizer(levels, rw.min, rw.max, lut, "w");
  const Matrix y = float_gemm(c.x, c.w, {});
  const Range ry = range_of(y);
  c.spec.output.adc = make_quantizer(levels, ry.min, ry.max, 0.0f, "y");
  return c;
}

TEST(OpticalGemm, AnalogProductsEqualAnIndependentLongDoubleSum) {
  for (std::int64_t levels : {16, 256, 4096}) {
    const Case c = make_case(12, 300, 9, levels, 0.2f);  // a high floor: floored weights at every L
    const auto a = quantize_operand(c.x, c.spec.input, "x");
    const auto b = quantize_operand(c.w, c.spec.weight, "w");
    const std::vector<double> y = analog_products(a, b);
    std::size_t floored = 0;
    for (auto s : b.floor_signs) floored += s != 0;
    EXPECT_GT(floored, 0u) << "the case must exercise the floor";
    const long double scale =
        std::fmax(std::fabs(c.spec.input.min), std::fabs(c.spec.input.max)) *
        std::fmax(std::fabs(c.spec.weight.min), std::fabs(c.spec.weight.max)) * 300.0L;
    for (std::size_t i = 0; i < c.x.rows; ++i) {
      for (std::size_t j = 0; j < c.w.rows; ++j) {
        long double exact = 0;
        for (std::size_t t = 0; t < c.x.cols; ++t) {
          exact += analog_value(c.x.at(i, t), c.spec.input) * analog_value(c.w.at(j, t), c.spec.weight);
        }
        const long double error = std::fabs(static_cast<long double>(y[i * c.w.rows + j]) - exact);
        ASSERT_LE(error, 64.0L * 1.1102230246251565e-16L * scale) << levels << " " << i << " " << j;
      }
    }
  }
}

TEST(OpticalGemm, OutputIsTheDocumentedStochasticAdcPerElement) {
  const Case c = make_case(16, 128, 24, 256, 0.02004f);
  const std::vector<float> bias = [] {
    std::vector<float> b(24);
    for (int j = 0; j < 24; ++j) b[j] = 0.01f * j - 0.1f;
    return b;
  }();
  const CallKey key{31337, 5, 3};
  const Matrix out = optical_gemm(c.x, c.w, bias, c.spec, key);
  const auto analog = analog_products(quantize_operand(c.x, c.spec.input, "x"),
                                      quantize_operand(c.w, c.spec.weight, "w"));
  const QuantizerParams& o = c.spec.output.adc;
  std::size_t rounded_up = 0;
  for (std::size_t idx = 0; idx < out.size(); ++idx) {
    const auto yf = static_cast<float>(analog[idx]);
    const float clamped = std::min(std::max(yf, o.min), o.max);
    const volatile float shifted = clamped - o.min;
    const volatile float denominator = (o.max - o.min) + 1e-8f;
    const volatile float normalized = shifted / denominator;
    const float x_s = normalized * static_cast<float>(o.levels - 1);
    const float u = rng::uniform_float(
        rng::philox_words(31337, rng::make_stream(5, rng::Purpose::optical_output_rounding), idx,
                          3 * 8)
            .w[0]);
    // floor of the exact sum (exact in long double), an independent formulation of the rule.
    const auto q = static_cast<std::int64_t>(std::floor(static_cast<long double>(x_s) + u));
    rounded_up += static_cast<float>(q) > std::floor(x_s);
    const volatile float fraction = static_cast<float>(q) / static_cast<float>(o.levels - 1);
    const volatile float spread = fraction * (o.max - o.min);
    const volatile float value = spread + o.min;
    const float expected = value + bias[idx % 24];
    ASSERT_EQ(float_bits(out.data[idx]), float_bits(expected))
        << idx << " x_s " << x_s << " u " << u << " q " << q << " lib " << out.data[idx]
        << " expected " << expected << " analog " << analog[idx];
  }
  // Per-element randomness: some round up, some down.
  EXPECT_GT(rounded_up, out.size() / 10);
  EXPECT_LT(rounded_up, out.size() * 9 / 10);
}

TEST(OpticalGemm, SummationOrderIndependent) {
  const Case c = make_case(8, 257, 10, 64, 0.02004f);
  const CallKey key{1, 2, 0};
  const Matrix reference = optical_gemm(c.x, c.w, {}, c.spec, key);
  std::vector<std::size_t> perm(c.x.cols);
  std::iota(perm.begin(), perm.end(), 0);
  std::mt19937 gen(5);
  for (int trial = 0; trial < 5; ++trial) {
    std::shuffle(perm.begin(), perm.end(), gen);
    Matrix xp = c.x, wp = c.w;
    for (std::size_t r = 0; r < xp.rows; ++r) {
      for (std::size_t t = 0; t < xp.cols; ++t) xp.at(r, t) = c.x.at(r, perm[t]);
    }
    for (std::size_t r = 0; r < wp.rows; ++r) {
      for (std::size_t t = 0; t < wp.cols; ++t) wp.at(r, t) = c.w.at(r, perm[t]);
    }
    const Matrix permuted = optical_gemm(xp, wp, {}, c.spec, key);
    for (std::size_t i = 0; i < reference.size(); ++i) {
      ASSERT_EQ(float_bits(permuted.data[i]), float_bits(reference.data[i]));
    }
  }
}

TEST(OpticalGemm, CodeSumsSplitFlooredElements) {
  const QuantizerParams w = make_quantizer(256, -1.0f, 1.0f, 0.02004f, "w");
  const std::uint32_t qa[4] = {3, 5, 7, 11};
  const std::uint32_t qw[4] = {128, 127, 200, 10};
  const std::int8_t fs[4] = {1, -1, 0, 0};
  const CodeSums s = code_sums(qa, qw, fs, 4);
  EXPECT_EQ(s.n_pos, 1u);
  EXPECT_EQ(s.n_neg, 1u);
  EXPECT_EQ(s.n_plain, 2u);
  EXPECT_EQ(s.sum_a_pos, 3u);
  EXPECT_EQ(s.sum_a_neg, 5u);
  EXPECT_EQ(s.sum_w, 210u);
  EXPECT_EQ(s.sum_a_plain, 18u);
  EXPECT_EQ(s.sum_aw, 7u * 200u + 11u * 10u);
  EXPECT_EQ(floor_sign(code_value(128, w), w), 1);
  EXPECT_EQ(floor_sign(code_value(127, w), w), -1);
}

TEST(OpticalGemm, DetectorNoiseIsPerElementWithTheConfiguredSigma) {
  Case c = make_case(32, 64, 32, 256, 0.0f);
  const Matrix quiet = optical_gemm(c.x, c.w, {}, c.spec, {3, 1, 0});
  c.spec.output.detector_noise_lsb = 4.0;
  const Matrix noisy = optical_gemm(c.x, c.w, {}, c.spec, {3, 1, 0});
  const Matrix again = optical_gemm(c.x, c.w, {}, c.spec, {3, 1, 0});
  const double lsb = (static_cast<double>(c.spec.output.adc.max) - c.spec.output.adc.min) / 255.0;
  double sum_sq = 0.0;
  std::size_t inside = 0;
  for (std::size_t i = 0; i < noisy.size(); ++i) {
    ASSERT_EQ(float_bits(noisy.data[i]), float_bits(again.data[i]));
    const float lo = c.spec.output.adc.min, hi = c.spec.output.adc.max;
    if (quiet.data[i] > lo + 20 * lsb && quiet.data[i] < hi - 20 * lsb) {
      const double d = (noisy.data[i] - quiet.data[i]) / lsb;
      sum_sq += d * d;
      ++inside;
    }
  }
  ASSERT_GT(inside, 500u);
  // sigma^2 = 16 LSB^2 from the detector plus ~2 * 1/6 from two stochastic roundings.
  EXPECT_NEAR(sum_sq / inside, 16.33, 2.0);
}

TEST(OpticalGemm, ShotNoiseGrowsWithSignal) {
  Case c = make_case(64, 64, 64, 1024, 0.0f);
  const Matrix quiet = optical_gemm(c.x, c.w, {}, c.spec, {3, 1, 0});
  c.spec.output.shot_noise_photons_full_scale = 1000.0;
  const Matrix noisy = optical_gemm(c.x, c.w, {}, c.spec, {3, 1, 0});
  const double fs = std::fmax(std::fabs(c.spec.output.adc.min), std::fabs(c.spec.output.adc.max));
  double small_sq = 0, large_sq = 0, small_expected = 0, large_expected = 0;
  for (std::size_t i = 0; i < noisy.size(); ++i) {
    const double d = static_cast<double>(noisy.data[i]) - quiet.data[i];
    const double mag = std::fabs(quiet.data[i]);
    if (mag < 0.1 * fs) {
      small_sq += d * d;
      small_expected += mag * fs / 1000.0;
    } else if (mag > 0.3 * fs && mag < 0.7 * fs) {
      large_sq += d * d;
      large_expected += mag * fs / 1000.0;
    }
  }
  EXPECT_GT(large_sq, 0.0);
  EXPECT_GT(large_sq / large_expected, 0.7);
  EXPECT_LT(large_sq / large_expected, 1.4);
  EXPECT_LT(small_sq / small_expected, large_sq / large_expected * 2.0 + 1.0);
}

TEST(OpticalGemm, RejectsBadShapesAndFloorOnActivations) {
  Case c = make_case(4, 8, 3, 16, 0.02f);
  Matrix bad = c.x;
  bad.cols = 7;
  bad.data.resize(28);
  EXPECT_THROW(optical_gemm(bad, c.w, {}, c.spec, {}), InputError);
  EXPECT_THROW(optical_gemm(c.x, c.w, std::vector<float>(2), c.spec, {}), InputError);
  OpticalGemmSpec floored = c.spec;
  floored.input.lut_min = 0.1f;
  EXPECT_THROW(optical_gemm(c.x, c.w, {}, floored, {}), ConfigError);
}

TEST(OpticalGemm, FloatGemmIsDoubleAccumulatedThenBias) {
  const Matrix x = make_matrix(1, 3, {1.0f, 1e8f, -1e8f});
  const Matrix w = make_matrix(2, 3, {1.0f, 1.0f, 1.0f, 0.5f, 0.0f, 0.0f});
  const Matrix y = float_gemm(x, w, {0.25f, -1.0f});
  EXPECT_EQ(y.at(0, 0), 1.25f);  // a float32 running sum would lose the 1
  EXPECT_EQ(y.at(0, 1), -0.5f);
}

}  // namespace
}  // namespace tessera::optical

namespace tessera::optical {
namespace {

TEST(OpticalGemmSplit, PassesAreTheSignSubsetsOfTheExactSum) {
  const Case c = make_case(10, 200, 7, 256, 0.02004f);
  const auto a = quantize_operand(c.x, c.spec.input, "x");
  const auto b = quantize_operand(c.w, c.spec.weight, "w");
  const SplitProducts split = analog_products_split(a, b);
  const std::vector<double> signed_sum = analog_products(a, b);
  const long double scale = 200.0L * 4.0L * 0.25L;
  for (std::size_t i = 0; i < c.x.rows; ++i) {
    for (std::size_t j = 0; j < c.w.rows; ++j) {
      long double pos = 0, neg = 0;
      for (std::size_t t = 0; t < c.x.cols; ++t) {
        const long double vw = analog_value(c.w.at(j, t), c.spec.weight);
        const long double term = analog_value(c.x.at(i, t), c.spec.input) * vw;
        if (vw > 0) pos += term;
        if (vw < 0) neg -= term;
      }
      const std::size_t idx = i * c.w.rows + j;
      ASSERT_LE(std::fabs(split.positive[idx] - pos), 1e-12L * scale);
      ASSERT_LE(std::fabs(split.negative[idx] - neg), 1e-12L * scale);
      ASSERT_LE(std::fabs((split.positive[idx] - split.negative[idx]) - signed_sum[idx]),
                1e-12L * scale);
    }
  }
}

TEST(OpticalGemmSplit, OutputIsDifferenceOfTwoAdcs) {
  Case c = make_case(8, 64, 8, 256, 0.02004f);
  const auto a = quantize_operand(c.x, c.spec.input, "x");
  const auto b = quantize_operand(c.w, c.spec.weight, "w");
  const SplitProducts split = analog_products_split(a, b);
  const auto [plo, phi] = std::minmax_element(split.positive.begin(), split.positive.end());
  const auto [nlo, nhi] = std::minmax_element(split.negative.begin(), split.negative.end());
  c.spec.split_signs = true;
  c.spec.output.adc = make_quantizer(256, static_cast<float>(*plo), static_cast<float>(*phi), 0.0f, "p");
  c.spec.negative_output.adc =
      make_quantizer(256, static_cast<float>(*nlo), static_cast<float>(*nhi), 0.0f, "n");
  const CallKey key{9, 3, 1};
  const Matrix out = optical_gemm(c.x, c.w, {}, c.spec, key);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const float p = adc_convert(split.positive[i], i, c.spec.output, key, 0);
    const float n = adc_convert(split.negative[i], i, c.spec.negative_output, key, 1);
    ASSERT_EQ(float_bits(out.data[i]), float_bits(p - n));
  }
  // The two passes use different draws: same analog value, different pass -> independent rounding.
  std::size_t differ = 0;
  for (std::size_t i = 0; i < 2000; ++i) {
    differ += adc_convert(0.123456, i, c.spec.output, key, 0) !=
              adc_convert(0.123456, i, c.spec.output, key, 1);
  }
  EXPECT_GT(differ, 100u);
}

}  // namespace
}  // namespace tessera::optical
