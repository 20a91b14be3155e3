// Approximate GEMM and conv against naive loops written here independently of the library.
#include <gtest/gtest.h>

#include <random>

#include "golden/approx/catalog.h"
#include "golden/approx/conv.h"
#include "golden/approx/gemm.h"
#include "golden/common/error.h"

namespace tessera::approx {
namespace {

std::vector<std::int8_t> random_codes(std::size_t n, unsigned seed, int lo = -127, int hi = 127) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<std::int8_t> v(n);
  for (auto& x : v) x = static_cast<std::int8_t>(d(rng));
  return v;
}

// Independent reference: looks the table up by (a+128, b+128) arithmetic on the raw products
// vector, to avoid reusing table_index.
std::int32_t lookup(const MultiplierTable& t, int a, int b) {
  return t.products()[static_cast<std::size_t>(((a + 256) % 256) * 256 + (b + 256) % 256)];
}

TEST(ApproxGemm, ExactTableEqualsIntegerMatmul) {
  const auto t = load_multiplier("mul8s_1KV8");
  const std::size_t m = 7, n = 5, k = 33;
  const auto a = random_codes(m * k, 1, -128, 127);
  const auto w = random_codes(n * k, 2, -128, 127);
  const auto out = approx_gemm(t, a.data(), w.data(), m, n, k);
  ASSERT_EQ(out.size(), m * n);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      std::int64_t expected = 0;
      for (std::size_t p = 0; p < k; ++p) expected += int{a[i * k + p]} * int{w[j * k + p]};
      EXPECT_EQ(out[i * n + j], expected) << i << "," << j;
    }
}

TEST(ApproxGemm, ApproximateTableMatchesNaiveLoopWithActivationOnPortA) {
  const auto t = load_multiplier("mul8s_1KR3");  // not commutative
  const std::size_t m = 4, n = 6, k = 50;
  const auto a = random_codes(m * k, 3);
  const auto w = random_codes(n * k, 4);
  const auto out = approx_gemm(t, a.data(), w.data(), m, n, k);
  // Same operands, ports swapped: the weight-major GEMM gives different numbers.
  const auto swapped = approx_gemm(t, w.data(), a.data(), n, m, k);
  int differing = 0;
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      std::int64_t expected = 0;
      for (std::size_t p = 0; p < k; ++p) expected += lookup(t, a[i * k + p], w[j * k + p]);
      EXPECT_EQ(out[i * n + j], expected);
      differing += out[i * n + j] != swapped[j * m + i];
    }
  EXPECT_GT(differing, 0) << "port order must matter for mul8s_1KR3";
}

TEST(ApproxGemm, AccumulatorWidthFollowsDepth) {
  EXPECT_EQ(accumulator_width_for(65535), AccumulatorWidth::int32);
  EXPECT_EQ(accumulator_width_for(65536), AccumulatorWidth::int64);
  std::vector<std::int8_t> a(65536, 1), w(65536, 1);
  EXPECT_THROW(approx_gemm(load_multiplier("exact"), a.data(), w.data(), 1, 1, 65536), ConfigError);
}

TEST(ApproxGemm, Int64PathHoldsSumsBeyondInt32) {
  // A table of 32767 everywhere: 70000 products sum to 2,293,690,000 > 2^31 - 1.
  const MultiplierTable big("big", std::vector<std::int16_t>(kTableEntries, 32767));
  const std::size_t k = 70000;
  std::vector<std::int8_t> a(k, 3), w(k, -5);
  const auto out = approx_gemm_i64(big, a.data(), w.data(), 1, 1, k);
  EXPECT_EQ(out[0], std::int64_t{32767} * 70000);
  EXPECT_GT(out[0], std::int64_t{2147483647});
  const MultiplierTable low("low", std::vector<std::int16_t>(kTableEntries, -32768));
  const auto neg = approx_gemm(low, a.data(), w.data(), 1, 1, 65535);  // the deepest int32 case
  EXPECT_EQ(neg[0], std::int64_t{-32768} * 65535);
}

// Naive direct convolution, written from the definition.
std::vector<std::int64_t> naive_conv(const MultiplierTable& t, const std::vector<std::int8_t>& x,
                                     const std::vector<std::int8_t>& w, const Conv2dShape& s) {
  const long ho = static_cast<long>(s.out_height()), wo = static_cast<long>(s.out_width());
  const long cin_g = static_cast<long>(s.in_channels / s.groups), cout_g = static_cast<long>(s.out_channels / s.groups);
  std::vector<std::int64_t> out;
  for (long n = 0; n < static_cast<long>(s.batch); ++n)
    for (long co = 0; co < static_cast<long>(s.out_channels); ++co)
      for (long y = 0; y < ho; ++y)
        for (long xo = 0; xo < wo; ++xo) {
          std::int64_t sum = 0;
          const long g = co / cout_g;
          for (long ci = 0; ci < cin_g; ++ci)
            for (long ky = 0; ky < static_cast<long>(s.kernel_height); ++ky)
              for (long kx = 0; kx < static_cast<long>(s.kernel_width); ++kx) {
                const long iy = y * static_cast<long>(s.stride_h) - static_cast<long>(s.pad_h) + ky * static_cast<long>(s.dilation_h);
                const long ix = xo * static_cast<long>(s.stride_w) - static_cast<long>(s.pad_w) + kx * static_cast<long>(s.dilation_w);
                int activation = 0;  // padding feeds code 0 through the multiplier
                if (iy >= 0 && ix >= 0 && iy < static_cast<long>(s.in_height) && ix < static_cast<long>(s.in_width)) {
                  activation = x[static_cast<std::size_t>(((n * static_cast<long>(s.in_channels) + g * cin_g + ci) * static_cast<long>(s.in_height) + iy) * static_cast<long>(s.in_width) + ix)];
                }
                const int weight = w[static_cast<std::size_t>(((co * cin_g + ci) * static_cast<long>(s.kernel_height) + ky) * static_cast<long>(s.kernel_width) + kx)];
                sum += lookup(t, activation, weight);
              }
          out.push_back(sum);
        }
  return out;
}

void check_conv(const char* table_name, const Conv2dShape& s, unsigned seed) {
  const auto t = load_multiplier(table_name);
  const auto x = random_codes(s.input_size(), seed);
  const auto w = random_codes(s.weight_size(), seed + 1);
  const auto got = approx_conv2d(t, x.data(), w.data(), s);
  const auto expected = naive_conv(t, x, w, s);
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], expected[i]) << table_name << " at " << i;
  const auto wide = approx_conv2d_i64(t, x.data(), w.data(), s);
  for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(wide[i], got[i]);
}

TEST(ApproxConv, PlainStridePadDilationGroups) {
  Conv2dShape s;
  s.batch = 2; s.in_channels = 3; s.in_height = 7; s.in_width = 6; s.out_channels = 4;
  s.kernel_height = 3; s.kernel_width = 2;
  check_conv("mul8s_1KV8", s, 10);
  check_conv("mul8s_1L2H", s, 11);
  s.stride_h = 2; s.stride_w = 3; s.pad_h = 1; s.pad_w = 2;
  EXPECT_EQ(s.out_height(), 4u);  // (7 + 2 - 3) / 2 + 1
  EXPECT_EQ(s.out_width(), 3u);   // (6 + 4 - 2) / 3 + 1
  check_conv("mul8s_1KR6", s, 12);
  s.dilation_h = 2; s.dilation_w = 3;
  check_conv("mul8s_1KR3", s, 13);
  Conv2dShape g;
  g.batch = 1; g.in_channels = 6; g.in_height = 5; g.in_width = 5; g.out_channels = 4; g.groups = 2;
  g.kernel_height = 3; g.kernel_width = 3; g.pad_h = 1; g.pad_w = 1;
  check_conv("mul8s_1KR3", g, 14);
  Conv2dShape dw = g;  // depthwise
  dw.in_channels = dw.out_channels = dw.groups = 3;
  check_conv("drum4", dw, 15);
}

TEST(ApproxConv, ExactTableEqualsIntegerConvolution) {
  Conv2dShape s;
  s.in_channels = 2; s.in_height = 4; s.in_width = 4; s.out_channels = 1; s.kernel_height = 2; s.kernel_width = 2;
  const std::vector<std::int8_t> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                      -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
  const std::vector<std::int8_t> w = {1, 0, 0, 1, 2, 2, 2, 2};
  const auto out = approx_conv2d(load_multiplier("exact"), x.data(), w.data(), s);
  ASSERT_EQ(out.size(), 9u);
  EXPECT_EQ(out[0], 1 + 6 - 8);  // 1*1 + 6*1 + 4 * (-1 * 2)
  EXPECT_EQ(out[8], 11 + 16 - 8);
}

TEST(ApproxConv, PaddingFeedsZeroThroughTheTable) {
  // A table where 0 x w is not 0 shows the padded taps: 1x1 input, 3x3 kernel, pad 1.
  const auto t = MultiplierTable::from_function("offset", [](std::int8_t a, std::int8_t b) { return a * b + 1; });
  Conv2dShape s;
  s.in_height = s.in_width = 1; s.kernel_height = s.kernel_width = 3; s.pad_h = s.pad_w = 1;
  const std::vector<std::int8_t> x = {2};
  const std::vector<std::int8_t> w(9, 3);
  EXPECT_EQ(approx_conv2d(t, x.data(), w.data(), s)[0], 2 * 3 + 9);
}

TEST(ApproxConv, BadShapesAreConfigErrors) {
  Conv2dShape s;
  s.in_channels = 3; s.out_channels = 4; s.groups = 2;
  EXPECT_THROW(s.validate(), ConfigError);
  Conv2dShape big;
  big.in_height = 2; big.in_width = 2; big.kernel_height = 3; big.kernel_width = 3;
  EXPECT_THROW(big.validate(), ConfigError);
  Conv2dShape zero;
  zero.groups = 0;
  EXPECT_THROW(approx_conv2d(load_multiplier("exact"), nullptr, nullptr, zero), ConfigError);
}

}  // namespace
}  // namespace tessera::approx
