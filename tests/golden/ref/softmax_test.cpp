#include "golden/ref/softmax.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "golden/common/error.h"
#include "tests/golden/ref/ref_test_util.h"

namespace tessera::ref {
namespace {

using test::expect_error;
using test::max_relative_error;
using test::random_tensor;

// Textbook formula on a [outer, length, inner] view, without the max shift (double has the range).
std::vector<double> naive_softmax(const Tensor& x, std::size_t axis, bool log) {
  std::size_t outer = 1, inner = 1;
  for (std::size_t i = 0; i < axis; ++i) outer *= x.dim(i);
  for (std::size_t i = axis + 1; i < x.rank(); ++i) inner *= x.dim(i);
  const std::size_t length = x.dim(axis);
  std::vector<double> y(x.size());
  for (std::size_t o = 0; o < outer; ++o)
    for (std::size_t in = 0; in < inner; ++in) {
      double sum = 0.0;
      for (std::size_t i = 0; i < length; ++i) sum += std::exp(double{x.data()[(o * length + i) * inner + in]});
      for (std::size_t i = 0; i < length; ++i) {
        const double v = x.data()[(o * length + i) * inner + in];
        y[(o * length + i) * inner + in] = log ? v - std::log(sum) : std::exp(v) / sum;
      }
    }
  return y;
}

TEST(RefSoftmax, MatchesFormulaAlongEveryAxis) {
  const Tensor x = random_tensor({3, 7, 33}, 61, -5.0f, 5.0f);
  for (int axis : {-1, 1, 0, 2, -3}) {
    const std::size_t a = axis < 0 ? std::size_t(axis + 3) : std::size_t(axis);
    EXPECT_LE(max_relative_error(softmax(x, axis), naive_softmax(x, a, false)), 1e-6) << axis;
    EXPECT_LE(max_relative_error(log_softmax(x, axis), naive_softmax(x, a, true), 1e-3), 1e-6) << axis;
  }
}

TEST(RefSoftmax, RowsSumToOne) {
  const Tensor y = softmax(random_tensor({7, 33}, 62, -10.0f, 10.0f));
  for (std::size_t r = 0; r < 7; ++r) {
    double sum = 0.0;
    for (std::size_t i = 0; i < 33; ++i) {
      EXPECT_GE(y.data()[r * 33 + i], 0.0f);
      sum += y.data()[r * 33 + i];
    }
    EXPECT_NEAR(sum, 1.0, 1e-6);
  }
}

TEST(RefSoftmax, InvariantToAddingAConstant) {
  // Multiples of 1/256 in [-4, 4]: adding 64 is exact in float, so the inputs differ by the
  // constant alone and the max-shifted values, hence the outputs, must be identical.
  Tensor x = random_tensor({7, 33}, 63, -4.0f, 4.0f);
  for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = std::round(x.data()[i] * 256.0f) / 256.0f;
  Tensor shifted = x;
  for (std::size_t i = 0; i < x.size(); ++i) shifted.data()[i] += 64.0f;
  EXPECT_EQ(softmax(x).values(), softmax(shifted).values());
  // Far beyond exp's float range the result is still the same distribution, not inf/inf.
  Tensor huge = x;
  for (std::size_t i = 0; i < x.size(); ++i) huge.data()[i] += 4096.0f;
  EXPECT_EQ(softmax(x).values(), softmax(huge).values());
  EXPECT_EQ(log_softmax(x).values(), log_softmax(huge).values());
}

TEST(RefSoftmax, MinusInfinityGetsExactlyZero) {
  const float inf = std::numeric_limits<float>::infinity();
  const Tensor y = softmax(Tensor({2, 3}, {1.0f, -inf, 2.0f, -inf, -inf, -inf}));
  EXPECT_EQ(y.data()[1], 0.0f);
  EXPECT_NEAR(y.data()[0] + y.data()[2], 1.0f, 1e-7);
  for (std::size_t i = 3; i < 6; ++i) EXPECT_TRUE(std::isnan(y.data()[i])) << "fully masked row";
  EXPECT_EQ(log_softmax(Tensor({2}, {0.0f, -inf})).data()[1], -inf);
}

TEST(RefSoftmax, NaNPoisonsItsSliceOnly) {
  const Tensor y = softmax(Tensor({2, 3}, {1.0f, std::nanf(""), 2.0f, 1.0f, 0.0f, 2.0f}));
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(std::isnan(y.data()[i]));
  for (std::size_t i = 3; i < 6; ++i) EXPECT_FALSE(std::isnan(y.data()[i]));
}

TEST(RefSoftmax, RejectsBadAxisAndScalar) {
  const Tensor x = random_tensor({3, 7}, 64);
  expect_error<ConfigError>([&] { softmax(x, 2); }, {"softmax", "axis 2", "rank 2"});
  expect_error<ConfigError>([&] { log_softmax(x, -3); }, {"log_softmax", "axis -3"});
  expect_error<InputError>([] { softmax(Tensor(Shape{})); }, {"softmax", "x"});
}

}  // namespace
}  // namespace tessera::ref
