// Calibrators on known distributions (fixed seeds: std::mt19937 is fully specified; the
// distributions' algorithms are libstdc++'s, so the tolerances below are statistical, not exact).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>

#include "golden/approx/calibrate.h"
#include "golden/common/error.h"

namespace tessera::approx {
namespace {

std::vector<float> uniform(std::size_t n, float lo, float hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

std::vector<float> normal(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// Laplace (double exponential, scale 1): heavier tails than a normal; with 10^6 values the max
// is near ln(10^6) = 13.8 while 99.9 % of the mass is below 6.9.
std::vector<float> heavy_tailed(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::exponential_distribution<float> magnitude(1.0f);
  std::bernoulli_distribution negative(0.5);
  std::vector<float> v(n);
  for (auto& x : v) x = negative(rng) ? -magnitude(rng) : magnitude(rng);
  return v;
}

CalibratorConfig config(CalibrationMethod method) {
  CalibratorConfig c;
  c.method = method;
  return c;
}

double quantization_mse(const std::vector<float>& x, float amax) {
  const float scale = quant_scale(amax);
  double sum = 0.0;
  for (float v : x) {
    const double d = static_cast<double>(quantize_value(v, scale)) / scale - v;
    sum += d * d;
  }
  return sum / static_cast<double>(x.size());
}

TEST(ApproxCalibrate, MaxOfUniformIsItsLargestMagnitude) {
  const auto x = uniform(100000, -1.0f, 1.0f, 1);
  Calibrator c(config(CalibrationMethod::max));
  c.collect(x);
  float expected = 0.0f;
  for (float v : x) expected = std::max(expected, std::fabs(v));
  EXPECT_EQ(c.compute_amax(), expected);
  EXPECT_NEAR(c.compute_amax(), 1.0f, 1e-3f);
}

TEST(ApproxCalibrate, PercentileOfNormalIsTheHalfNormalQuantile) {
  // The histogram is of |x|, so the 99.99th percentile of |N(0,1)| is the two-sided quantile
  // Phi^-1(0.99995) = 3.8906 (3.7190 would be the one-sided quantile of x itself). Sampling error
  // with 10^6 values is ~0.025 (sqrt(p(1-p)/n) / (2 phi(3.89))); the tolerance adds a bin width.
  const auto x = normal(1000000, 2);
  Calibrator c(config(CalibrationMethod::percentile));
  c.collect(x);
  const float amax = c.compute_amax();
  EXPECT_NEAR(amax, 3.8906, 0.08 + c.bin_width());
  // pytorch-quantization returns a bin's left edge.
  const double bins = amax / c.bin_width();
  EXPECT_NEAR(bins, std::round(bins), 1e-3);
  EXPECT_EQ(c.histogram().size(), 2048u);
}

TEST(ApproxCalibrate, PercentileOnAKnownGrid) {
  // 10000 evenly spread values 0.0001 .. 1.0: the 50th percentile lies within a bin of 0.5.
  std::vector<float> x(10000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i + 1) / 10000.0f;
  CalibratorConfig cfg = config(CalibrationMethod::percentile);
  cfg.percentile = 50.0;
  Calibrator c(cfg);
  c.collect(x);
  EXPECT_NEAR(c.compute_amax(), 0.5f, c.bin_width() + 1e-6);
  EXPECT_LE(c.compute_amax(), 0.5f);  // a left edge
}

TEST(ApproxCalibrate, MseAndEntropyClipHeavyTails) {
  const auto x = heavy_tailed(1000000, 3);
  float max_abs = 0.0f;
  for (float v : x) max_abs = std::max(max_abs, std::fabs(v));
  Calibrator mse(config(CalibrationMethod::mse));
  Calibrator entropy(config(CalibrationMethod::entropy));
  mse.collect(x);
  entropy.collect(x);
  const float mse_amax = mse.compute_amax();
  const float entropy_amax = entropy.compute_amax();
  EXPECT_LT(mse_amax, 0.75f * max_abs);
  EXPECT_LT(entropy_amax, 0.75f * max_abs);
  std::cout << "Laplace(1), 10^6 values: max " << max_abs << ", mse amax " << mse_amax << ", entropy amax "
            << entropy_amax << "\n";
  EXPECT_GT(mse_amax, 0.0f);
  EXPECT_GT(entropy_amax, 0.0f);
  // The point of MSE calibration: lower quantization error than max calibration on the data.
  EXPECT_LT(quantization_mse(x, mse_amax), quantization_mse(x, max_abs));
}

// Laplace-distributed batch from raw mt19937 words (no std:: distribution, so the data do not
// depend on the standard library's distribution algorithms).
std::vector<float> laplace_batch(std::size_t n, unsigned seed, double scale) {
  std::mt19937 rng(seed);
  std::vector<float> v(n);
  for (auto& x : v) {
    const double u = (static_cast<double>(rng()) + 0.5) / 4294967296.0;
    const bool negative = (rng() & 1u) != 0;
    x = static_cast<float>(scale * -std::log(u) * (negative ? -1.0 : 1.0));
  }
  return v;
}

TEST(ApproxCalibrate, AgreesWithPytorchQuantizationTransliteration) {
  // Two batches (the second wider, so the histogram grows from 2048 to 2715 bins). The expected
  // values come from a line-by-line pure-Python transliteration of pytorch-quantization's
  // _compute_amax_percentile / _compute_amax_mse (float32 fake quant) / _compute_amax_entropy
  // (np.digitize, Counter, scipy entropy) run on this histogram when this test was written.
  const auto first = laplace_batch(200000, 3, 1.0);
  const auto second = laplace_batch(50000, 4, 1.5);
  const std::vector<std::pair<CalibrationMethod, double>> expected = {
      {CalibrationMethod::percentile, 11.538134559988976},
      {CalibrationMethod::mse, 12.17642593383789},
      {CalibrationMethod::entropy, 12.532239373773336}};
  for (const auto& [method, amax] : expected) {
    Calibrator c(config(method));
    c.collect(first);
    c.collect(second);
    EXPECT_EQ(c.histogram().size(), 2715u);
    EXPECT_NEAR(c.compute_amax(), amax, 1e-5) << to_string(method);
  }
}

TEST(ApproxCalibrate, MseKeepsTheRangeOfBoundedData) {
  // Uniform data has no tail to clip: the MSE choice stays near the top (within 5 %).
  const auto x = uniform(100000, -1.0f, 1.0f, 4);
  Calibrator c(config(CalibrationMethod::mse));
  c.collect(x);
  EXPECT_GT(c.compute_amax(), 0.95f);
}

TEST(ApproxCalibrate, HistogramGrowsWithLaterBatches) {
  Calibrator c(config(CalibrationMethod::percentile));
  c.collect(uniform(1000, -1.0f, 1.0f, 5));
  const double width = c.bin_width();
  const std::size_t first_bins = c.histogram().size();
  std::vector<float> second = uniform(1000, -1.0f, 1.0f, 6);
  second.push_back(3.0f);
  c.collect(second);
  EXPECT_EQ(c.bin_width(), width);  // same width, more bins
  EXPECT_EQ(c.histogram().size(), static_cast<std::size_t>(std::ceil(3.0 / width)));
  EXPECT_GT(c.histogram().size(), 2 * first_bins);
  std::int64_t total = 0;
  for (auto n : c.histogram()) total += n;
  EXPECT_EQ(total, 2001);
  EXPECT_EQ(c.histogram().back(), 1);  // the 3.0
  EXPECT_EQ(c.max_abs(), 3.0f);
  // 99.99 % of 2001 values: only the 3.0 is beyond, and it is 1/2001 > 0.01 % of the data.
  EXPECT_GT(c.compute_amax(), 2.9f);
}

TEST(ApproxCalibrate, MultiBatchMaxAccumulates) {
  Calibrator c(config(CalibrationMethod::max));
  c.collect(std::vector<float>{0.5f, -0.25f});
  c.collect(std::vector<float>{-2.0f});
  c.collect(std::vector<float>{1.0f});
  EXPECT_EQ(c.compute_amax(), 2.0f);
}

TEST(ApproxCalibrate, PerChannelGivesOneAmaxPerChannel) {
  std::vector<float> x = uniform(2000, -1.0f, 1.0f, 7);
  for (std::size_t i = 1000; i < 2000; ++i) x[i] *= 10.0f;  // channel 1 ten times wider
  PerChannelCalibrator c(2, config(CalibrationMethod::max));
  c.collect(x);
  const auto amax = c.compute_amax();
  ASSERT_EQ(amax.size(), 2u);
  EXPECT_NEAR(amax[0], 1.0f, 0.01f);
  EXPECT_NEAR(amax[1], 10.0f, 0.1f);
  PerChannelCalibrator p(2, config(CalibrationMethod::percentile));
  p.collect(x);
  p.collect(x);
  const auto pa = p.compute_amax();
  EXPECT_NEAR(pa[1] / pa[0], 10.0f, 0.5f);
  EXPECT_THROW(c.collect(std::vector<float>(3)), ConfigError);
}

TEST(ApproxCalibrate, ErrorsAreTyped) {
  EXPECT_THROW(Calibrator(config(CalibrationMethod::entropy)).compute_amax(), StateError);
  EXPECT_THROW(parse_calibration_method("kl"), ConfigError);
  EXPECT_EQ(parse_calibration_method("entropy"), CalibrationMethod::entropy);
  CalibratorConfig bad;
  bad.percentile = 0.0;
  EXPECT_THROW(Calibrator{bad}, ConfigError);
  Calibrator c;
  EXPECT_THROW(c.collect(std::vector<float>{std::nanf("")}), InputError);
}

TEST(ApproxCalibrate, AllZeroDataGivesZeroAmax) {
  Calibrator c;
  c.collect(std::vector<float>(10, 0.0f));
  EXPECT_EQ(c.compute_amax(), 0.0f);
  c.collect(std::vector<float>{1.0f});
  EXPECT_EQ(c.histogram()[0], 10);  // the early zeros land in bin 0
}

}  // namespace
}  // namespace tessera::approx
