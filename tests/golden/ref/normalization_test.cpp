#include "golden/ref/normalization.h"

#include <gtest/gtest.h>

#include <cmath>

#include "golden/common/error.h"
#include "tests/golden/ref/ref_test_util.h"

namespace tessera::ref {
namespace {

using test::error_relative_to_peak;
using test::expect_error;
using test::random_tensor;

// Per row of `width` elements: mean, biased variance (one pass of sums in long double), affine.
std::vector<double> naive_layer_norm(const Tensor& x, std::size_t width, const Tensor* gamma,
                                     const Tensor* beta, double epsilon) {
  std::vector<double> y(x.size());
  for (std::size_t r = 0; r < x.size() / width; ++r) {
    long double sum = 0, squares = 0;
    for (std::size_t i = 0; i < width; ++i) {
      sum += x.data()[r * width + i];
      squares += static_cast<long double>(x.data()[r * width + i]) * x.data()[r * width + i];
    }
    const long double mean = sum / width;
    const long double var = squares / width - mean * mean;
    for (std::size_t i = 0; i < width; ++i) {
      double v = double((x.data()[r * width + i] - mean) / std::sqrt(var + epsilon));
      y[r * width + i] = v * (gamma ? gamma->data()[i] : 1.0) + (beta ? beta->data()[i] : 0.0);
    }
  }
  return y;
}

TEST(RefLayerNorm, MatchesNaiveOverLastAxis) {
  const Tensor x = random_tensor({3, 7, 33}, 71, -2.0f, 3.0f);
  const Tensor gamma = random_tensor({33}, 72, 0.5f, 1.5f);
  const Tensor beta = random_tensor({33}, 73);
  EXPECT_LE(error_relative_to_peak(layer_norm(x, 1, &gamma, &beta, 1e-5f),
                                   naive_layer_norm(x, 33, &gamma, &beta, 1e-5)), 1e-6);
}

TEST(RefLayerNorm, MatchesNaiveOverLastTwoAxes) {
  const Tensor x = random_tensor({3, 7, 33}, 74);
  const Tensor gamma = random_tensor({7, 33}, 75, 0.5f, 1.5f);
  const Tensor beta = random_tensor({7, 33}, 76);
  EXPECT_LE(error_relative_to_peak(layer_norm(x, 2, &gamma, &beta, 1e-3f),
                                   naive_layer_norm(x, 7 * 33, &gamma, &beta, 1e-3)), 1e-6);
  EXPECT_LE(error_relative_to_peak(layer_norm(x, 3, nullptr, nullptr, 1e-3f),
                                   naive_layer_norm(x, 3 * 7 * 33, nullptr, nullptr, 1e-3)), 1e-6);
}

TEST(RefLayerNorm, RowsHaveZeroMeanAndUnitVarianceBeforeAffine) {
  // A large common offset is where one-pass float statistics (E[x²] - E[x]²) break down.
  Tensor x = random_tensor({7, 33}, 77);
  for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = x.data()[i] * 0.01f + 1000.0f;
  const Tensor y = layer_norm(x, 1, nullptr, nullptr, 0.0f);
  for (std::size_t r = 0; r < 7; ++r) {
    double sum = 0.0, squares = 0.0;
    for (std::size_t i = 0; i < 33; ++i) sum += y.data()[r * 33 + i];
    const double mean = sum / 33;
    for (std::size_t i = 0; i < 33; ++i) squares += (y.data()[r * 33 + i] - mean) * (y.data()[r * 33 + i] - mean);
    EXPECT_NEAR(mean, 0.0, 1e-6) << "row " << r;
    EXPECT_NEAR(squares / 33, 1.0, 1e-6) << "row " << r;
  }
}

TEST(RefLayerNorm, RejectsBadArguments) {
  const Tensor x = random_tensor({3, 7, 33}, 78);
  const Tensor wrong = random_tensor({7}, 79);
  expect_error<InputError>([&] { layer_norm(x, 1, &wrong, nullptr); }, {"layer_norm", "gamma", "(33,)", "(7,)"});
  expect_error<InputError>([&] { layer_norm(x, 1, nullptr, &wrong); }, {"layer_norm", "beta"});
  expect_error<ConfigError>([&] { layer_norm(x, 0, nullptr, nullptr); }, {"layer_norm", "normalized_rank"});
  expect_error<ConfigError>([&] { layer_norm(x, 4, nullptr, nullptr); }, {"layer_norm", "normalized_rank", "4"});
  expect_error<ConfigError>([&] { layer_norm(x, 1, nullptr, nullptr, -1e-5f); }, {"layer_norm", "epsilon"});
}

TEST(RefBatchNorm, MatchesNaivePerChannel) {
  const Tensor x = random_tensor({2, 7, 3, 5}, 81, -3.0f, 3.0f);
  const Tensor scale = random_tensor({7}, 82, 0.5f, 2.0f);
  const Tensor bias = random_tensor({7}, 83);
  const Tensor mean = random_tensor({7}, 84);
  const Tensor var = random_tensor({7}, 85, 0.1f, 4.0f);
  const Tensor y = batch_norm(x, scale, bias, mean, var, 1e-3f);
  ASSERT_EQ(y.shape(), x.shape());
  std::vector<double> expected(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t c = (i / 15) % 7;
    expected[i] = (x.data()[i] - double{mean.data()[c]}) / std::sqrt(double{var.data()[c]} + 1e-3) *
                      scale.data()[c] + bias.data()[c];
  }
  EXPECT_LE(error_relative_to_peak(y, expected), 1e-6);
  // Rank 2 ([N, C]) is the fully connected case.
  EXPECT_EQ(batch_norm(random_tensor({3, 7}, 86), scale, bias, mean, var).shape(), (Shape{3, 7}));
}

TEST(RefBatchNorm, RejectsBadArguments) {
  const Tensor x = random_tensor({2, 7, 3, 5}, 87);
  const Tensor ok = random_tensor({7}, 88, 0.5f, 1.0f);
  const Tensor wrong = random_tensor({5}, 89);
  expect_error<InputError>([&] { batch_norm(x, wrong, ok, ok, ok); }, {"batch_norm", "scale", "(7,)", "(5,)"});
  expect_error<InputError>([&] { batch_norm(x, ok, wrong, ok, ok); }, {"batch_norm", "bias"});
  expect_error<InputError>([&] { batch_norm(x, ok, ok, wrong, ok); }, {"batch_norm", "mean"});
  expect_error<InputError>([&] { batch_norm(x, ok, ok, ok, wrong); }, {"batch_norm", "var"});
  expect_error<InputError>([&] { batch_norm(random_tensor({7}, 1), ok, ok, ok, ok); }, {"batch_norm", "x"});
  expect_error<ConfigError>([&] { batch_norm(x, ok, ok, ok, ok, std::nanf("")); }, {"batch_norm", "epsilon"});
}

}  // namespace
}  // namespace tessera::ref
