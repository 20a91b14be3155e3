#include "golden/ref/attention.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "golden/common/error.h"
#include "golden/ref/softmax.h"
#include "tests/golden/ref/ref_test_util.h"

namespace tessera::ref {
namespace {

using test::at;
using test::error_relative_to_peak;
using test::expect_error;
using test::random_tensor;

constexpr std::size_t B = 2, H = 3, Sq = 7, Sk = 9, D = 5, Dv = 4;

// Per (batch, head, query): scores, softmax and the weighted sum of values, all in double.
// `mask` is [Sq, Sk] or null.
std::vector<double> naive_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                    const Tensor* mask, double scale) {
  const std::size_t sq = q.dim(2), sk = k.dim(2), d = q.dim(3), dv = v.dim(3);
  const Shape out_shape{q.dim(0), q.dim(1), sq, dv};
  std::vector<double> out(element_count(out_shape));
  for (std::size_t b = 0; b < q.dim(0); ++b)
    for (std::size_t h = 0; h < q.dim(1); ++h)
      for (std::size_t i = 0; i < sq; ++i) {
        std::vector<double> weight(sk);
        double total = 0.0;
        for (std::size_t j = 0; j < sk; ++j) {
          double dot = 0.0;
          for (std::size_t c = 0; c < d; ++c) {
            dot += double{q.data()[at(q.shape(), {b, h, i, c})]} * k.data()[at(k.shape(), {b, h, j, c})];
          }
          const double s = dot * scale + (mask ? mask->data()[i * sk + j] : 0.0f);
          weight[j] = std::exp(s);
          total += weight[j];
        }
        for (std::size_t c = 0; c < dv; ++c) {
          double sum = 0.0;
          for (std::size_t j = 0; j < sk; ++j) sum += weight[j] / total * v.data()[at(v.shape(), {b, h, j, c})];
          out[at(out_shape, {b, h, i, c})] = sum;
        }
      }
  return out;
}

struct Inputs {
  Tensor q = random_tensor({B, H, Sq, D}, 91, -2.0f, 2.0f);
  Tensor k = random_tensor({B, H, Sk, D}, 92, -2.0f, 2.0f);
  Tensor v = random_tensor({B, H, Sk, Dv}, 93);
  Tensor mask = random_tensor({Sq, Sk}, 94, -3.0f, 0.0f);
};

TEST(RefAttention, MatchesNaiveWithDefaultScale) {
  const Inputs in;
  const Tensor out = attention(in.q, in.k, in.v);
  ASSERT_EQ(out.shape(), (Shape{B, H, Sq, Dv}));
  EXPECT_LE(error_relative_to_peak(out, naive_attention(in.q, in.k, in.v, nullptr, 1.0 / std::sqrt(5.0))), 1e-5);
  EXPECT_FLOAT_EQ(default_attention_scale(in.q), float(1.0 / std::sqrt(5.0)));
}

TEST(RefAttention, MatchesNaiveWithMaskAndExplicitScale) {
  const Inputs in;
  const Tensor out = attention(in.q, in.k, in.v, &in.mask, 0.3f);
  EXPECT_LE(error_relative_to_peak(out, naive_attention(in.q, in.k, in.v, &in.mask, 0.3f)), 1e-5);
  // The same mask given as [B, 1, Sq, Sk] broadcasts over heads to the same result.
  Tensor per_batch({B, 1, Sq, Sk});
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t i = 0; i < Sq * Sk; ++i) per_batch.data()[b * Sq * Sk + i] = in.mask.data()[i];
  EXPECT_EQ(attention(in.q, in.k, in.v, &per_batch, 0.3f).values(), out.values());
}

TEST(RefAttention, EqualsTheTwoProductsComposedWithSoftmax) {
  const Inputs in;
  const float scale = default_attention_scale(in.q);
  Tensor scores = attention_scores(in.q, in.k, scale);
  ASSERT_EQ(scores.shape(), (Shape{B, H, Sq, Sk}));
  for (std::size_t i = 0; i < scores.size(); ++i) scores.data()[i] += in.mask.data()[i % (Sq * Sk)];
  const Tensor composed = attention_output(softmax(scores, -1), in.v);
  EXPECT_EQ(attention(in.q, in.k, in.v, &in.mask).values(), composed.values());
}

TEST(RefAttention, ScoresAreScaledDotProducts) {
  const Inputs in;
  const Tensor scores = attention_scores(in.q, in.k, 0.25f);
  std::vector<double> expected(scores.size());
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t h = 0; h < H; ++h)
      for (std::size_t i = 0; i < Sq; ++i)
        for (std::size_t j = 0; j < Sk; ++j) {
          double dot = 0.0;
          for (std::size_t c = 0; c < D; ++c) {
            dot += double{in.q.data()[at(in.q.shape(), {b, h, i, c})]} * in.k.data()[at(in.k.shape(), {b, h, j, c})];
          }
          expected[at(scores.shape(), {b, h, i, j})] = 0.25 * dot;
        }
  EXPECT_LE(error_relative_to_peak(scores, expected), 1e-5);
}

TEST(RefAttention, MaskedKeyGetsZeroProbabilityAndNoInfluence) {
  const Inputs in;
  const std::size_t masked = 4;
  Tensor mask({Sq, Sk});
  for (std::size_t i = 0; i < Sq; ++i) mask.data()[i * Sk + masked] = -std::numeric_limits<float>::infinity();
  Tensor scores = attention_scores(in.q, in.k, default_attention_scale(in.q));
  for (std::size_t i = 0; i < scores.size(); ++i) scores.data()[i] += mask.data()[i % (Sq * Sk)];
  const Tensor p = softmax(scores, -1);
  for (std::size_t row = 0; row < p.size() / Sk; ++row) EXPECT_EQ(p.data()[row * Sk + masked], 0.0f);

  // Deleting the masked key and its value gives the same attention.
  Tensor k_rest({B, H, Sk - 1, D}), v_rest({B, H, Sk - 1, Dv});
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t h = 0; h < H; ++h)
      for (std::size_t j = 0, kept = 0; j < Sk; ++j) {
        if (j == masked) continue;
        for (std::size_t c = 0; c < D; ++c) k_rest.data()[at(k_rest.shape(), {b, h, kept, c})] = in.k.data()[at(in.k.shape(), {b, h, j, c})];
        for (std::size_t c = 0; c < Dv; ++c) v_rest.data()[at(v_rest.shape(), {b, h, kept, c})] = in.v.data()[at(in.v.shape(), {b, h, j, c})];
        ++kept;
      }
  const Tensor with_mask = attention(in.q, in.k, in.v, &mask);
  const Tensor without_key = attention(in.q, k_rest, v_rest);
  std::vector<double> reference(without_key.values().begin(), without_key.values().end());
  EXPECT_LE(error_relative_to_peak(with_mask, reference), 1e-6);
}

TEST(RefAttention, RejectsBadShapes) {
  const Inputs in;
  expect_error<InputError>([&] { attention(random_tensor({H, Sq, D}, 1), in.k, in.v); }, {"attention", "q", "rank 4"});
  expect_error<InputError>([&] { attention(in.q, random_tensor({B, H, Sk, D + 1}, 1), random_tensor({B, H, Sk, Dv}, 2)); },
                           {"attention_scores", "k", "head_dim"});
  expect_error<InputError>([&] { attention(in.q, in.k, random_tensor({B, H, Sk + 1, Dv}, 1)); },
                           {"attention", "v", "key length"});
  expect_error<InputError>([&] { attention(in.q, random_tensor({B, H + 1, Sk, D}, 1), random_tensor({B, H + 1, Sk, Dv}, 2)); },
                           {"attention_scores", "k", "heads"});
  const Tensor bad_mask = random_tensor({Sq, Sk + 1}, 3);
  expect_error<InputError>([&] { attention(in.q, in.k, in.v, &bad_mask); }, {"attention: mask", "(7, 10)", "(2, 3, 7, 9)"});
  expect_error<InputError>([&] { attention_output(random_tensor({B, H, Sq, Sk + 1}, 1), in.v); },
                           {"attention_output", "v", "key length"});
  expect_error<ConfigError>([&] { attention_scores(in.q, in.k, std::nanf("")); }, {"attention_scores", "scale"});
}

}  // namespace
}  // namespace tessera::ref
