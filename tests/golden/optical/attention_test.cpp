#include "golden/optical/attention.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "golden/common/error.h"
#include "tests/golden/optical/test_matrices.h"

namespace tessera::optical {
namespace {

using test::float_bits;
using test::max_abs_diff;
using test::random_matrix;
using test::same_bits;

double rms(const Matrix& a) {
  double s = 0.0;
  for (float v : a.data) s += static_cast<double>(v) * v;
  return std::sqrt(s / a.size());
}

TEST(OpticalAttention, QkRangeIsTrackedOnTheScaleItIsAppliedAt) {
  const std::size_t d = 64;
  const Matrix q = random_matrix(32, d, 1.0f, 1), k = random_matrix(32, d, 1.0f, 2);
  const Matrix v = random_matrix(32, 16, 1.0f, 3);
  OpticalAttention attention("h0", 10, 11, OpticalConfig{});
  attention.set_calibrating(true);
  (void)attention.forward(q, k, v, false);
  attention.set_calibrating(false);

  // Our QK^T range is that of the UNSCALED scores (what the ADC converts).
  const Matrix unscaled = float_gemm(q, k, {});
  const auto [lo, hi] = std::minmax_element(unscaled.data.begin(), unscaled.data.end());
  EXPECT_EQ(attention.qk_range().range().min, *lo);
  EXPECT_EQ(attention.qk_range().range().max, *hi);

  // The optical QK^T with our range versus with the peer's range(scale * QK^T).
  OpticalGemmSpec spec;
  spec.input = make_quantizer(256, attention.query_range().range().min,
                              attention.query_range().range().max, 0.0f, "q");
  spec.weight = make_quantizer(256, attention.key_range().range().min,
                               attention.key_range().range().max, 0.02004f, "k");
  spec.output.adc = make_quantizer(256, *lo, *hi, 0.0f, "qk");
  const Matrix ours = optical_gemm(q, k, {}, spec, {0, 10, 0});
  const float scale = 1.0f / 8.0f;
  spec.output.adc = make_quantizer(256, *lo * scale, *hi * scale, 0.0f, "peer qk");
  const Matrix peer = optical_gemm(q, k, {}, spec, {0, 10, 0});
  const double ours_error = max_abs_diff(ours, unscaled);
  const double peer_error = max_abs_diff(peer, unscaled);
  EXPECT_LT(ours_error, 0.05 * (*hi - *lo));
  EXPECT_GT(peer_error, 0.5 * *hi);  // the peer clamps logits to a range 8x too narrow
  // The peer's clamp saturates most large scores; ours none.
  std::size_t peer_clamped = 0;
  for (std::size_t i = 0; i < peer.size(); ++i) {
    peer_clamped += std::fabs(unscaled.data[i]) > std::fabs(*hi * scale) &&
                    std::fabs(peer.data[i]) <= std::fabs(*hi * scale) * 1.01;
  }
  EXPECT_GT(peer_clamped, peer.size() / 4);
}

TEST(OpticalAttention, CloseToFloatAttentionAndFrozenOutsideCalibration) {
  const Matrix q = random_matrix(24, 32, 1.0f, 4), k = random_matrix(24, 32, 1.0f, 5);
  const Matrix v = random_matrix(24, 8, 1.0f, 6);
  OpticalAttention attention("h1", 20, 21, OpticalConfig{});
  EXPECT_THROW(attention.forward(q, k, v, true), StateError);  // uncalibrated
  attention.set_calibrating(true);
  (void)attention.forward(q, k, v, true);
  attention.set_calibrating(false);
  const Range qk = attention.qk_range().range();
  const Range av = attention.av_range().range();
  const Matrix out = attention.forward(q, k, v, true);
  const Matrix reference = OpticalAttention::float_attention(q, k, v, true);
  Matrix diff = out;
  for (std::size_t i = 0; i < diff.size(); ++i) diff.data[i] -= reference.data[i];
  EXPECT_LT(rms(diff), 0.1 * rms(reference));
  // Frozen: a forward on different data changed no range.
  Matrix q2 = q;
  for (float& x : q2.data) x *= 5.0f;
  (void)attention.forward(q2, k, v, true);
  EXPECT_EQ(attention.qk_range().range().min, qk.min);
  EXPECT_EQ(attention.qk_range().range().max, qk.max);
  EXPECT_EQ(attention.av_range().range().max, av.max);
  EXPECT_EQ(attention.calls(), 3u);
  // Causal: the first query sees only the first key, so its output is (quantized) V row 0.
  EXPECT_NEAR(out.at(0, 0), reference.at(0, 0), 0.1);
}

TEST(OpticalAttention, BypassIsFloatAttentionAndUnitsMustDiffer) {
  OpticalConfig config;
  config.q_bypass = true;
  OpticalAttention attention("h2", 1, 2, config);
  const Matrix q = random_matrix(4, 8, 1.0f, 7), k = random_matrix(6, 8, 1.0f, 8);
  const Matrix v = random_matrix(6, 3, 1.0f, 9);
  const Matrix out = attention.forward(q, k, v, false);
  EXPECT_EQ(max_abs_diff(out, OpticalAttention::float_attention(q, k, v, false)), 0.0);
  EXPECT_THROW(OpticalAttention("h3", 4, 4, OpticalConfig{}), ConfigError);
  OpticalConfig split;
  split.sign_handling = SignHandling::split;
  EXPECT_THROW(OpticalAttention("h4", 4, 5, split), ConfigError);
  EXPECT_THROW(attention.forward(q, v, v, false), InputError);
}

TEST(OpticalAttention, SoftmaxRowsSumToOneAndMaskGivesZero) {
  Matrix m = make_matrix(1, 3, {1.0f, 2.0f, -INFINITY});
  softmax_rows(m);
  EXPECT_EQ(m.at(0, 2), 0.0f);
  EXPECT_NEAR(m.at(0, 0) + m.at(0, 1), 1.0f, 1e-6f);
  EXPECT_NEAR(m.at(0, 1) / m.at(0, 0), std::exp(1.0f), 1e-5f);
}

}  // namespace
}  // namespace tessera::optical
