#include "golden/ref/gemm.h"

#include <gtest/gtest.h>

#include "golden/common/error.h"
#include "tests/golden/ref/ref_test_util.h"

namespace tessera::ref {
namespace {

using test::error_relative_to_peak;
using test::expect_error;
using test::random_tensor;

// y[r][n] = sum_k x[r][k] · w[n][k] + b[n], in double.
std::vector<double> naive_linear(const Tensor& x, const Tensor& w, const Tensor* b) {
  const std::size_t k = w.dim(1), n = w.dim(0), rows = x.size() / k;
  std::vector<double> y(rows * n);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < n; ++j) {
      double sum = b ? b->data()[j] : 0.0;
      for (std::size_t i = 0; i < k; ++i) sum += double{x.data()[r * k + i]} * w.data()[j * k + i];
      y[r * n + j] = sum;
    }
  }
  return y;
}

TEST(RefGemm, MatchesNaiveLoopWithBias) {
  const Tensor x = random_tensor({7, 33}, 1);
  const Tensor w = random_tensor({3, 33}, 2);
  const Tensor b = random_tensor({3}, 3);
  const Tensor y = gemm(x, w, &b);
  ASSERT_EQ(y.shape(), (Shape{7, 3}));
  EXPECT_LE(error_relative_to_peak(y, naive_linear(x, w, &b)), 1e-5);
}

TEST(RefGemm, LeadingAxesAreRowsAndBiasIsOptional) {
  const Tensor x = random_tensor({2, 3, 1, 17}, 4);
  const Tensor w = random_tensor({5, 17}, 5);
  const Tensor y = gemm(x, w);
  ASSERT_EQ(y.shape(), (Shape{2, 3, 1, 5}));
  EXPECT_LE(error_relative_to_peak(y, naive_linear(x, w, nullptr)), 1e-5);
}

TEST(RefGemm, SingleRowAndSingleOutput) {
  const Tensor x = random_tensor({1, 1}, 6);
  const Tensor w = random_tensor({1, 1}, 7);
  EXPECT_FLOAT_EQ(gemm(x, w).data()[0], x.data()[0] * w.data()[0]);
}

TEST(RefGemm, RejectsMismatchedShapes) {
  const Tensor x = random_tensor({7, 33}, 1);
  expect_error<InputError>([&] { gemm(x, random_tensor({3, 32}, 2)); },
                           {"gemm", "weight", "(3, 32)", "33"});
  expect_error<InputError>([&] { gemm(x, random_tensor({3, 33, 1}, 2)); }, {"gemm", "weight"});
  const Tensor bad_bias = random_tensor({4}, 3);
  expect_error<InputError>([&] { gemm(x, random_tensor({3, 33}, 2), &bad_bias); },
                           {"gemm", "bias", "(4,)"});
}

// out[batch][m][n] = sum_k a[...][m][k] · b[...][k][n] with explicit broadcast index arithmetic.
TEST(RefMatmul, BroadcastsBatchAxes) {
  const Tensor a = random_tensor({2, 1, 7, 33}, 11);
  const Tensor b = random_tensor({3, 33, 5}, 12);
  const Tensor out = matmul(a, b);
  ASSERT_EQ(out.shape(), (Shape{2, 3, 7, 5}));
  std::vector<double> expected(out.size());
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 3; ++j)
      for (std::size_t m = 0; m < 7; ++m)
        for (std::size_t n = 0; n < 5; ++n) {
          double sum = 0.0;
          for (std::size_t k = 0; k < 33; ++k) {
            sum += double{a.data()[((i * 1 + 0) * 7 + m) * 33 + k]} * b.data()[(j * 33 + k) * 5 + n];
          }
          expected[((i * 3 + j) * 7 + m) * 5 + n] = sum;
        }
  EXPECT_LE(error_relative_to_peak(out, expected), 1e-5);
}

TEST(RefMatmul, VectorsLoseTheirUnitAxis) {
  const Tensor v = random_tensor({33}, 13);
  const Tensor m = random_tensor({33, 5}, 14);
  const Tensor vm = matmul(v, m);
  ASSERT_EQ(vm.shape(), (Shape{5}));
  std::vector<double> expected(5, 0.0);
  for (std::size_t n = 0; n < 5; ++n)
    for (std::size_t k = 0; k < 33; ++k) expected[n] += double{v.data()[k]} * m.data()[k * 5 + n];
  EXPECT_LE(error_relative_to_peak(vm, expected), 1e-5);

  const Tensor mt = random_tensor({7, 33}, 15);
  EXPECT_EQ(matmul(mt, v).shape(), (Shape{7}));
  const Tensor dot = matmul(v, v);
  EXPECT_EQ(dot.shape(), Shape{});
  double squares = 0.0;
  for (float x : v.values()) squares += double{x} * x;
  EXPECT_NEAR(dot.data()[0], squares, 1e-5 * squares);
}

TEST(RefMatmul, RejectsMismatchedShapes) {
  expect_error<InputError>([] { matmul(random_tensor({7, 33}, 1), random_tensor({32, 5}, 2)); },
                           {"matmul", "(7, 33)", "(32, 5)"});
  expect_error<InputError>(
      [] { matmul(random_tensor({2, 7, 3}, 1), random_tensor({4, 3, 5}, 2)); },
      {"matmul", "(2, 7, 3)", "(4, 3, 5)", "broadcast"});
  expect_error<InputError>([] { matmul(Tensor(Shape{}), random_tensor({3}, 2)); }, {"matmul"});
}

}  // namespace
}  // namespace tessera::ref
