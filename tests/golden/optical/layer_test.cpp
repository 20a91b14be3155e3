#include "golden/optical/layer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

#include "golden/common/error.h"
#include "tests/golden/optical/test_matrices.h"

namespace tessera::optical {
namespace {

using test::float_bits;
using test::max_abs_diff;
using test::random_matrix;
using test::same_bits;

OpticalLinear make_layer(const OpticalConfig& config, std::uint32_t unit = 1) {
  std::vector<float> bias(16);
  for (int j = 0; j < 16; ++j) bias[j] = 0.1f * static_cast<float>(j) - 0.8f;
  return OpticalLinear("fc1", unit, random_matrix(16, 32, 0.2f, 3), bias, config);
}

TEST(OpticalLinear, UncalibratedForwardIsAStateError) {
  OpticalLinear layer = make_layer(OpticalConfig{});
  const Matrix x = random_matrix(4, 32, 1.0f, 4);
  try {
    (void)layer.forward(x);
    FAIL() << "expected StateError";
  } catch (const StateError& e) {
    EXPECT_NE(std::string(e.what()).find("layer fc1 input: optical input range not calibrated"),
              std::string::npos)
        << e.what();
  }
}

TEST(OpticalLinear, BypassEqualsFloatGemm) {
  OpticalConfig config;
  config.q_bypass = true;
  OpticalLinear layer = make_layer(config);
  const Matrix x = random_matrix(5, 32, 1.0f, 4);
  const Matrix y = layer.forward(x);  // no calibration needed
  const Matrix w = random_matrix(16, 32, 0.2f, 3);
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t j = 0; j < 16; ++j) {
      double acc = 0.0;
      for (std::size_t k = 0; k < 32; ++k) acc += static_cast<double>(x.at(i, k)) * w.at(j, k);
      const float expected = static_cast<float>(acc) + (0.1f * static_cast<float>(j) - 0.8f);
      ASSERT_EQ(float_bits(y.at(i, j)), float_bits(expected));
    }
  }
  EXPECT_EQ(layer.calls(), 0u);
  EXPECT_FALSE(layer.input_range().calibrated());
}

TEST(OpticalLinear, SeedsAdvanceAndRecreatedLayerReproduces) {
  OpticalConfig config;
  config.q_init_seed = 1234;
  config.q_levels = 16;  // coarse output: the stochastic rounding is visible
  const Matrix x = random_matrix(8, 32, 1.0f, 4);
  auto run = [&](int calls) {
    OpticalLinear layer = make_layer(config);
    layer.set_calibrating(true);
    layer.calibrate(x);
    layer.set_calibrating(false);
    std::vector<Matrix> outputs;
    for (int c = 0; c < calls; ++c) outputs.push_back(layer.forward(x));
    EXPECT_EQ(layer.calls(), static_cast<std::uint32_t>(calls));
    return outputs;
  };
  const auto first = run(2);
  const auto second = run(1);
  EXPECT_FALSE(same_bits(first[0], first[1])) << "two forward calls must draw different noise";
  EXPECT_TRUE(same_bits(first[0], second[0])) << "same seed must reproduce";
  config.q_init_seed = 1235;
  const auto other = run(1);
  EXPECT_FALSE(same_bits(first[0], other[0]));
}

TEST(OpticalLinear, StatisticsFrozenOutsideCalibration) {
  OpticalLinear layer = make_layer(OpticalConfig{});
  const Matrix x = random_matrix(8, 32, 1.0f, 4);
  EXPECT_THROW(layer.calibrate(x), StateError);
  layer.set_calibrating(true);
  (void)layer.forward(x);  // calibration forward observes first, then computes
  const Range r1 = layer.input_range().range();
  const Range o1 = layer.output_range().range();
  Matrix bigger = x;
  for (float& v : bigger.data) v *= 3.0f;
  (void)layer.forward(bigger);
  const Range r2 = layer.input_range().range();
  EXPECT_LT(r2.min, r1.min);  // EMA moved
  layer.set_calibrating(false);
  Matrix huge = x;
  for (float& v : huge.data) v *= 100.0f;
  (void)layer.forward(huge);
  EXPECT_EQ(layer.input_range().range().min, r2.min);
  EXPECT_EQ(layer.input_range().range().max, r2.max);
  EXPECT_THROW(layer.calibrate(huge), StateError);
  // The output range is observed BEFORE bias: the bias here is up to 0.7, so the biased range
  // would differ from the float GEMM range; check it equals the bias-free first observation.
  const Matrix reference = float_gemm(x, random_matrix(16, 32, 0.2f, 3), {});
  const auto [lo, hi] = std::minmax_element(reference.data.begin(), reference.data.end());
  EXPECT_EQ(o1.min, *lo);
  EXPECT_EQ(o1.max, *hi);
}

TEST(OpticalLinear, ConstructionErrors) {
  OpticalConfig bad;
  bad.q_levels = 1;
  EXPECT_THROW(make_layer(bad), ConfigError);
  EXPECT_THROW(make_layer(OpticalConfig{}, 1u << 24), ConfigError);
  EXPECT_THROW(OpticalLinear("l", 0, random_matrix(4, 4, 1.0f, 1), std::vector<float>(3), {}),
               InputError);
}

double snr_db(const Matrix& reference, const Matrix& test) {
  double signal = 0.0, noise = 0.0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    signal += static_cast<double>(reference.data[i]) * reference.data[i];
    const double d = static_cast<double>(test.data[i]) - reference.data[i];
    noise += d * d;
  }
  return 10.0 * std::log10(signal / noise);
}

// The figure reported to the lead: SNR of the optical GEMM vs float, 64 x 256 x 64, N(0,1)
// activations and N(0, 1/16) weights, default config (lut_min 0.02004, min/max ranges calibrated
// on the same batch), at q_levels 16, 64, 256.
TEST(OpticalLinear, SnrAgainstFloatGrowsWithLevels) {
  const Matrix x = random_matrix(64, 256, 1.0f, 21);
  const Matrix w = random_matrix(64, 256, 0.0625f, 22);
  const Matrix reference = float_gemm(x, w, {});
  double previous = -1e9;
  for (std::int64_t levels : {16, 64, 256}) {
    OpticalConfig config;
    config.q_levels = levels;
    OpticalLinear layer("snr", 7, w, {}, config);
    layer.set_calibrating(true);
    layer.calibrate(x);
    layer.set_calibrating(false);
    const double snr = snr_db(reference, layer.forward(x));
    std::printf("optical GEMM 64x256x64 q_levels=%lld: SNR %.2f dB\n",
                static_cast<long long>(levels), snr);
    RecordProperty("snr_db_levels_" + std::to_string(levels), std::to_string(snr));
    EXPECT_GT(snr, previous);
    previous = snr;
  }
  EXPECT_GT(previous, 20.0);
}

}  // namespace
}  // namespace tessera::optical

namespace tessera::optical {
namespace {

TEST(OpticalLinearSplit, TracksTwoRangesAndStaysAccurate) {
  const Matrix x = random_matrix(64, 256, 1.0f, 21);
  const Matrix w = random_matrix(64, 256, 0.0625f, 22);
  const Matrix reference = float_gemm(x, w, {});
  OpticalConfig config;
  config.sign_handling = SignHandling::split;
  OpticalLinear layer("split", 8, w, {}, config);
  layer.set_calibrating(true);
  layer.calibrate(x);
  layer.set_calibrating(false);
  EXPECT_TRUE(layer.negative_output_range().calibrated());
  EXPECT_GT(layer.negative_output_range().range().max, 0.0f);
  const Matrix y = layer.forward(x);
  const double snr = snr_db(reference, y);
  std::printf("optical GEMM 64x256x64 q_levels=256 split signs: SNR %.2f dB\n", snr);
  EXPECT_GT(snr, 20.0);
  // A signed layer's negative-pass range is never observed.
  OpticalLinear signed_layer("signed", 9, w, {}, OpticalConfig{});
  signed_layer.set_calibrating(true);
  signed_layer.calibrate(x);
  EXPECT_FALSE(signed_layer.negative_output_range().calibrated());
}

}  // namespace
}  // namespace tessera::optical
