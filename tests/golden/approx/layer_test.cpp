// The float-level layer reference: quantize, integer GEMM/conv through the table, dequantize, bias.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "golden/approx/catalog.h"
#include "golden/approx/layer.h"
#include "golden/common/error.h"

namespace tessera::approx {
namespace {

std::vector<float> random_floats(std::size_t n, unsigned seed, float scale) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-scale, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

TEST(ApproxLayer, LinearWithExactTableIsDequantizedIntegerMath) {
  const std::size_t m = 3, n = 4, k = 16;
  const auto x = random_floats(m * k, 1, 2.0f);
  const auto w = random_floats(n * k, 2, 0.5f);
  const std::vector<float> bias = {0.1f, -0.2f, 0.3f, 0.0f};
  std::vector<float> channel_max(n, 0.0f);  // per-channel amax = that row's max |w| (no clipping)
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t p = 0; p < k; ++p) channel_max[j] = std::max(channel_max[j], std::fabs(w[j * k + p]));
  for (const std::vector<float>& weight_amax : {std::vector<float>{0.5f}, channel_max}) {
    LayerQuantization q;
    q.activation_amax = 2.0f;
    q.weight_amax = weight_amax;
    const auto y = approx_linear(load_multiplier("exact"), x, w, bias, m, n, k, q);
    const float sa = 127.0f / 2.0f;
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        const float amax_w = weight_amax.size() == 1 ? weight_amax[0] : weight_amax[j];
        const float sw = 127.0f / amax_w;
        std::int64_t acc = 0;
        double reference = 0.0;
        for (std::size_t p = 0; p < k; ++p) {
          const auto qa = static_cast<int>(std::nearbyint(std::min(127.0f, std::max(-127.0f, x[i * k + p] * sa))));
          const auto qw = static_cast<int>(std::nearbyint(std::min(127.0f, std::max(-127.0f, w[j * k + p] * sw))));
          acc += qa * qw;
          reference += static_cast<double>(x[i * k + p]) * w[j * k + p];
        }
        const float expected = static_cast<float>(acc) / (sa * sw) + bias[j];
        EXPECT_EQ(y[i * n + j], expected) << i << "," << j;
        EXPECT_NEAR(y[i * n + j], reference + bias[j], 0.05);  // INT8 is close to FP32 here
      }
  }
}

TEST(ApproxLayer, ApproximateTableShiftsTheResultByItsErrors) {
  // Truncation never over-estimates, so with positive inputs the layer output can only drop.
  const std::size_t m = 2, n = 2, k = 64;
  std::vector<float> x(m * k, 0.75f), w(n * k, 0.6f);
  LayerQuantization q;
  const auto exact = approx_linear(load_multiplier("exact"), x, w, {}, m, n, k, q);
  const auto trunc = approx_linear(load_multiplier("trunc6"), x, w, {}, m, n, k, q);
  for (std::size_t i = 0; i < exact.size(); ++i) EXPECT_LT(trunc[i], exact[i]);
}

TEST(ApproxLayer, ConvLayerMatchesLinearOnOneByOneKernels) {
  // A 1x1 conv over a 1x1 image is a Linear layer with K = Cin.
  Conv2dShape s;
  s.batch = 2; s.in_channels = 8; s.out_channels = 3;
  const auto x = random_floats(2 * 8, 3, 1.0f);
  const auto w = random_floats(3 * 8, 4, 1.0f);
  const std::vector<float> bias = {1.0f, 2.0f, 3.0f};
  LayerQuantization q;
  q.weight_amax = {1.0f, 0.9f, 0.8f};
  const auto table = load_multiplier("mul8s_1KR6");
  EXPECT_EQ(approx_conv2d_layer(table, x, w, bias, s, q), approx_linear(table, x, w, bias, 2, 3, 8, q));
}

TEST(ApproxLayer, ShapeMismatchesAreConfigErrors) {
  LayerQuantization q;
  const auto t = load_multiplier("exact");
  EXPECT_THROW(approx_linear(t, std::vector<float>(5), std::vector<float>(6), {}, 1, 2, 3, q), ConfigError);
  q.weight_amax = {1.0f, 1.0f, 1.0f};
  EXPECT_THROW(approx_linear(t, std::vector<float>(3), std::vector<float>(6), {}, 1, 2, 3, q), ConfigError);
}

}  // namespace
}  // namespace tessera::approx
