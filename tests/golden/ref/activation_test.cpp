#include "golden/ref/activation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/golden/ref/ref_test_util.h"

namespace tessera::ref {
namespace {

using test::max_relative_error;
using test::random_tensor;

// Elementwise results are the float nearest a double evaluation: within one float rounding.
constexpr double kRounding = 1e-7;

template <class Function>
std::vector<double> apply(const Tensor& x, Function function) {
  std::vector<double> y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = function(double{x.data()[i]});
  return y;
}

TEST(RefActivation, GeluAtKnownPoints) {
  EXPECT_EQ(gelu(0.0f), 0.0f);
  EXPECT_FLOAT_EQ(gelu(1.0f), 0.8413447460685429f);   // Φ(1)
  EXPECT_FLOAT_EQ(gelu(-1.0f), -0.15865525393145707f);  // -Φ(-1)
  EXPECT_FLOAT_EQ(gelu(1.0f, GeluApproximation::tanh), 0.8411919906082768f);
  EXPECT_FLOAT_EQ(gelu(-1.0f, GeluApproximation::tanh), -0.15880800939172324f);
  EXPECT_EQ(gelu(10.0f), 10.0f);
  // Far in the negative tail the exact value is tiny but not 0: 0.5·x·(1 + erf(x/√2)) would
  // cancel to 0 in double here.
  EXPECT_FLOAT_EQ(gelu(-10.0f), -7.619853024160593e-23f);
}

TEST(RefActivation, GeluOddPartIsIdentity) {
  // Φ(x) + Φ(-x) = 1, so gelu(x) - gelu(-x) = x, for both forms (tanh is odd too).
  const Tensor x = random_tensor({333}, 51, -6.0f, 6.0f);
  for (GeluApproximation form : {GeluApproximation::none, GeluApproximation::tanh}) {
    for (float v : x.values()) {
      EXPECT_NEAR(gelu(v, form) - gelu(-v, form), v, 1e-6 * std::max(1.0f, std::abs(v))) << v;
    }
  }
}

TEST(RefActivation, GeluTensorFormsMatchFormulas) {
  const Tensor x = random_tensor({3, 7, 33}, 52, -5.0f, 5.0f);
  const double root = std::sqrt(2.0 / 3.14159265358979323846);
  EXPECT_LE(max_relative_error(gelu(x), apply(x, [](double v) {
              return v * 0.5 * (1.0 + std::erf(v / std::sqrt(2.0)));
            }), 1e-6), kRounding);
  EXPECT_LE(max_relative_error(gelu(x, GeluApproximation::tanh), apply(x, [root](double v) {
              return 0.5 * v * (1.0 + std::tanh(root * (v + 0.044715 * v * v * v)));
            }), 1e-6), kRounding);
  // The two forms are different functions: close (max gap about 4.7e-4) but not equal.
  const Tensor exact = gelu(x), approximate = gelu(x, GeluApproximation::tanh);
  double gap = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    gap = std::max(gap, double(std::abs(exact.data()[i] - approximate.data()[i])));
  }
  EXPECT_GT(gap, 1e-5);
  EXPECT_LT(gap, 5e-4);
}

TEST(RefActivation, ElementwiseFunctionsMatchLibm) {
  const Tensor x = random_tensor({7, 33}, 53, -8.0f, 8.0f);
  EXPECT_LE(max_relative_error(relu(x), apply(x, [](double v) { return v > 0 ? v : 0.0; })), 0.0);
  EXPECT_LE(max_relative_error(sigmoid(x), apply(x, [](double v) { return 1 / (1 + std::exp(-v)); })),
            kRounding);
  EXPECT_LE(max_relative_error(tanh(x), apply(x, [](double v) { return std::tanh(v); })), kRounding);
  EXPECT_LE(max_relative_error(erf(x), apply(x, [](double v) { return std::erf(v); })), kRounding);
}

TEST(RefActivation, SaturatingEnds) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(sigmoid(inf), 1.0f);
  EXPECT_EQ(sigmoid(-inf), 0.0f);
  EXPECT_EQ(sigmoid(0.0f), 0.5f);
  EXPECT_EQ(relu(-2.0f), 0.0f);
  EXPECT_EQ(relu(2.5f), 2.5f);
  EXPECT_TRUE(std::isnan(relu(std::nanf(""))));
  EXPECT_EQ(tanh(Tensor({2}, {inf, -inf})).values(), (std::vector<float>{1.0f, -1.0f}));
}

}  // namespace
}  // namespace tessera::ref
