#include "golden/ref/pool.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "golden/common/error.h"
#include "tests/golden/ref/ref_test_util.h"

namespace tessera::ref {
namespace {

using test::at;
using test::expect_error;
using test::max_relative_error;
using test::random_tensor;

Pool2dParams pool(std::size_t kh, std::size_t kw, std::size_t sh, std::size_t sw, std::size_t top,
                  std::size_t left, std::size_t bottom, std::size_t right, bool include_pad = false) {
  Pool2dParams p;
  p.kernel_h = kh; p.kernel_w = kw; p.stride_h = sh; p.stride_w = sw;
  p.pad_top = top; p.pad_left = left; p.pad_bottom = bottom; p.pad_right = right;
  p.count_include_pad = include_pad;
  return p;
}

// Walks every window tap in padded coordinates and skips those outside the input.
std::vector<double> naive_pool(const Tensor& in, const Pool2dParams& p, bool is_max,
                               std::size_t out_h, std::size_t out_w) {
  const Shape out_shape{in.dim(0), in.dim(1), out_h, out_w};
  std::vector<double> out(element_count(out_shape));
  for (std::size_t n = 0; n < in.dim(0); ++n)
    for (std::size_t c = 0; c < in.dim(1); ++c)
      for (std::size_t oy = 0; oy < out_h; ++oy)
        for (std::size_t ox = 0; ox < out_w; ++ox) {
          double best = -std::numeric_limits<double>::infinity(), sum = 0.0;
          std::size_t real = 0;
          for (std::size_t i = 0; i < p.kernel_h; ++i)
            for (std::size_t j = 0; j < p.kernel_w; ++j) {
              const long y = long(oy * p.stride_h + i) - long(p.pad_top);
              const long x = long(ox * p.stride_w + j) - long(p.pad_left);
              if (y < 0 || x < 0 || y >= long(in.dim(2)) || x >= long(in.dim(3))) continue;
              const double v = in.data()[at(in.shape(), {n, c, std::size_t(y), std::size_t(x)})];
              best = std::max(best, v);
              sum += v;
              ++real;
            }
          const double divisor = p.count_include_pad ? double(p.kernel_h * p.kernel_w) : double(real);
          out[at(out_shape, {n, c, oy, ox})] = is_max ? best : sum / divisor;
        }
  return out;
}

TEST(RefPool, MaxPoolMatchesNaiveWindows) {
  const Tensor in = random_tensor({2, 3, 7, 33}, 41);
  for (const Pool2dParams& p : {pool(3, 3, 2, 2, 1, 1, 1, 1), pool(2, 3, 1, 2, 1, 0, 0, 2),
                                pool(7, 1, 1, 3, 0, 0, 0, 0)}) {
    const Tensor out = max_pool2d(in, p);
    EXPECT_EQ(max_relative_error(out, naive_pool(in, p, true, out.dim(2), out.dim(3))), 0.0);
  }
  EXPECT_EQ(max_pool2d(in, pool(3, 3, 2, 2, 1, 1, 1, 1)).shape(), (Shape{2, 3, 4, 17}));
  EXPECT_EQ(max_pool2d(in, pool(2, 3, 1, 2, 1, 0, 0, 2)).shape(), (Shape{2, 3, 7, 17}));
}

TEST(RefPool, MaxPoolPaddingNeverWins) {
  const Tensor in = random_tensor({1, 2, 5, 5}, 42, -3.0f, -1.0f);
  const Tensor out = max_pool2d(in, pool(3, 3, 1, 1, 2, 2, 2, 2));
  for (float v : out.values()) EXPECT_LT(v, -0.5f);
}

TEST(RefPool, MaxPoolPropagatesNaN) {
  Tensor in = random_tensor({1, 1, 5, 5}, 46);
  in.data()[12] = std::nanf("");  // the centre
  const Tensor out = max_pool2d(in, pool(3, 3, 2, 2, 0, 0, 0, 0));  // four windows, all hold it
  for (float v : out.values()) EXPECT_TRUE(std::isnan(v));
  in.data()[12] = 0.0f;
  for (float v : max_pool2d(in, pool(3, 3, 2, 2, 0, 0, 0, 0)).values()) EXPECT_FALSE(std::isnan(v));
}

TEST(RefPool, AvgPoolMatchesNaiveWindowsBothCountModes) {
  const Tensor in = random_tensor({2, 3, 7, 33}, 43);
  for (bool include_pad : {false, true}) {
    for (Pool2dParams p : {pool(3, 3, 2, 2, 1, 1, 1, 1), pool(2, 3, 1, 2, 1, 0, 0, 2)}) {
      p.count_include_pad = include_pad;
      const Tensor out = avg_pool2d(in, p);
      EXPECT_LE(max_relative_error(out, naive_pool(in, p, false, out.dim(2), out.dim(3)), 1e-3), 1e-6)
          << "count_include_pad " << include_pad;
    }
  }
  // The corner window of a 3x3 pool with padding 1 covers 4 real elements of 9.
  const Tensor ones({1, 1, 3, 3}, std::vector<float>(9, 1.0f));
  EXPECT_FLOAT_EQ(avg_pool2d(ones, pool(3, 3, 1, 1, 1, 1, 1, 1, false)).data()[0], 1.0f);
  EXPECT_FLOAT_EQ(avg_pool2d(ones, pool(3, 3, 1, 1, 1, 1, 1, 1, true)).data()[0], 4.0f / 9.0f);
}

TEST(RefPool, GlobalAveragePoolIsThePlaneMean) {
  const Tensor in = random_tensor({3, 7, 5, 33}, 44);
  const Tensor out = global_avg_pool(in);
  ASSERT_EQ(out.shape(), (Shape{3, 7, 1, 1}));
  std::vector<double> expected(21, 0.0);
  for (std::size_t i = 0; i < in.size(); ++i) expected[i / 165] += in.data()[i] / 165.0;
  EXPECT_LE(max_relative_error(out, expected, 1e-3), 1e-6);
}

TEST(RefPool, RejectsBadShapesAndParameters) {
  const Tensor in = random_tensor({1, 2, 5, 5}, 45);
  expect_error<ConfigError>([&] { max_pool2d(in, pool(3, 3, 1, 1, 3, 0, 0, 0)); },
                            {"max_pool2d", "pad_top", "kernel_h = 3"});
  expect_error<ConfigError>([&] { avg_pool2d(in, pool(2, 2, 1, 1, 0, 0, 0, 2)); },
                            {"avg_pool2d", "pad_right", "kernel_w = 2"});
  expect_error<ConfigError>([&] { avg_pool2d(in, pool(2, 2, 0, 1, 0, 0, 0, 0)); },
                            {"avg_pool2d", "stride"});
  expect_error<ConfigError>([&] { avg_pool2d(in, pool(0, 2, 1, 1, 0, 0, 0, 0)); },
                            {"avg_pool2d", "kernel"});
  expect_error<InputError>([&] { max_pool2d(in, pool(6, 2, 1, 1, 0, 0, 0, 0)); },
                           {"max_pool2d", "height", "5"});
  expect_error<InputError>([] { max_pool2d(random_tensor({2, 5, 5}, 1), Pool2dParams{}); },
                           {"max_pool2d", "input", "(2, 5, 5)"});
  expect_error<InputError>([] { global_avg_pool(random_tensor({2, 5}, 1)); },
                           {"global_avg_pool", "input", "(2, 5)"});
}

}  // namespace
}  // namespace tessera::ref
