#include "golden/ref/conv2d.h"

#include <gtest/gtest.h>

#include <ostream>

#include "golden/common/error.h"
#include "tests/golden/ref/ref_test_util.h"

namespace tessera::ref {
namespace {

using test::at;
using test::error_relative_to_peak;
using test::expect_error;
using test::random_tensor;

// Direct convolution: every output element as its own sum over channel and kernel taps, reading
// zero wherever the tap falls in the padding.
std::vector<double> naive_conv2d(const Tensor& in, const Tensor& w, const Tensor* bias,
                                 const Conv2dParams& p, std::size_t out_h, std::size_t out_w) {
  const std::size_t n_count = in.dim(0), cin = in.dim(1), h = in.dim(2), wd = in.dim(3);
  const std::size_t cout = w.dim(0), cin_g = w.dim(1), kh = w.dim(2), kw = w.dim(3);
  const std::size_t cout_g = cout / p.groups;
  const Shape out_shape{n_count, cout, out_h, out_w};
  std::vector<double> out(element_count(out_shape));
  for (std::size_t n = 0; n < n_count; ++n)
    for (std::size_t co = 0; co < cout; ++co)
      for (std::size_t oy = 0; oy < out_h; ++oy)
        for (std::size_t ox = 0; ox < out_w; ++ox) {
          const std::size_t g = co / cout_g;
          double sum = bias ? bias->data()[co] : 0.0;
          for (std::size_t ci = 0; ci < cin_g; ++ci)
            for (std::size_t i = 0; i < kh; ++i)
              for (std::size_t j = 0; j < kw; ++j) {
                const long y = long(oy * p.stride_h) + long(i * p.dilation_h) - long(p.pad_top);
                const long x = long(ox * p.stride_w) + long(j * p.dilation_w) - long(p.pad_left);
                if (y < 0 || x < 0 || y >= long(h) || x >= long(wd)) continue;
                sum += double{in.data()[at(in.shape(), {n, g * cin_g + ci, std::size_t(y), std::size_t(x)})]} *
                       w.data()[at(w.shape(), {co, ci, i, j})];
              }
          out[at(out_shape, {n, co, oy, ox})] = sum;
        }
  (void)cin;
  return out;
}

struct ConvCase {
  const char* name;
  Shape input, weight;
  Conv2dParams params;
  bool with_bias;
  Shape expected_output;
};

std::ostream& operator<<(std::ostream& out, const ConvCase& c) { return out << c.name; }

class RefConv2dCases : public ::testing::TestWithParam<ConvCase> {};

TEST_P(RefConv2dCases, MatchesDirectConvolution) {
  const ConvCase& c = GetParam();
  const Tensor input = random_tensor(c.input, 21);
  const Tensor weight = random_tensor(c.weight, 22);
  const Tensor bias = random_tensor({c.weight[0]}, 23);
  const Tensor out = conv2d(input, weight, c.with_bias ? &bias : nullptr, c.params);
  ASSERT_EQ(out.shape(), c.expected_output);
  const std::vector<double> expected = naive_conv2d(
      input, weight, c.with_bias ? &bias : nullptr, c.params, out.dim(2), out.dim(3));
  EXPECT_LE(error_relative_to_peak(out, expected), 1e-5);
}

Conv2dParams params(std::size_t stride_h, std::size_t stride_w, std::size_t top, std::size_t left,
                    std::size_t bottom, std::size_t right, std::size_t dil_h, std::size_t dil_w,
                    std::size_t groups) {
  Conv2dParams p;
  p.stride_h = stride_h; p.stride_w = stride_w;
  p.pad_top = top; p.pad_left = left; p.pad_bottom = bottom; p.pad_right = right;
  p.dilation_h = dil_h; p.dilation_w = dil_w;
  p.groups = groups;
  return p;
}

// Output extents worked out by hand from (H + pads - dilation·(k-1) - 1) / stride + 1.
INSTANTIATE_TEST_SUITE_P(
    Shapes, RefConv2dCases,
    ::testing::Values(
        ConvCase{"plain", {1, 3, 7, 11}, {5, 3, 3, 3}, params(1, 1, 0, 0, 0, 0, 1, 1, 1), false,
                 {1, 5, 5, 9}},
        ConvCase{"stride2_asymmetric_pad", {2, 3, 7, 33}, {5, 3, 3, 2},
                 params(2, 2, 1, 2, 0, 1, 1, 1, 1), true, {2, 5, 3, 18}},
        ConvCase{"dilation2", {1, 3, 9, 13}, {4, 3, 3, 3}, params(1, 1, 2, 2, 2, 2, 2, 2, 1), true,
                 {1, 4, 9, 13}},
        ConvCase{"groups2", {2, 6, 7, 9}, {10, 3, 3, 3}, params(2, 1, 1, 1, 1, 1, 1, 1, 2), true,
                 {2, 10, 4, 9}},
        ConvCase{"depthwise", {1, 7, 11, 7}, {7, 1, 3, 3}, params(2, 2, 1, 1, 1, 1, 2, 2, 7), true,
                 {1, 7, 5, 3}},
        ConvCase{"depthwise_multiplier2", {1, 3, 7, 7}, {6, 1, 5, 3},
                 params(1, 2, 2, 1, 2, 1, 1, 1, 3), false, {1, 6, 7, 4}},
        ConvCase{"pointwise", {3, 33, 1, 7}, {1, 33, 1, 1}, params(1, 1, 0, 0, 0, 0, 1, 1, 1), true,
                 {3, 1, 1, 7}}),
    [](const ::testing::TestParamInfo<ConvCase>& info) { return std::string(info.param.name); });

TEST(RefConv2d, DepthwiseChannelsDoNotMix) {
  // Channel 1 of the input is all zero, so with no bias channel 1 of a depthwise output is too.
  Tensor input = random_tensor({1, 3, 5, 5}, 31);
  for (std::size_t i = 0; i < 25; ++i) input.data()[25 + i] = 0.0f;
  const Tensor out = conv2d(input, random_tensor({3, 1, 3, 3}, 32), nullptr,
                            params(1, 1, 1, 1, 1, 1, 1, 1, 3));
  for (std::size_t i = 0; i < 25; ++i) EXPECT_EQ(out.data()[25 + i], 0.0f);
  EXPECT_NE(out.data()[0], 0.0f);
}

TEST(RefConv2d, RejectsBadShapesAndParameters) {
  const Tensor input = random_tensor({1, 4, 5, 5}, 1);
  const Tensor weight = random_tensor({8, 3, 3, 3}, 2);
  const Conv2dParams plain;
  try {
    conv2d(input, weight, nullptr, plain);
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "conv2d: weight shape (8, 3, 3, 3) needs input channels 3·groups = 3, got 4");
  }
  expect_error<InputError>(
      [&] { conv2d(input, random_tensor({6, 1, 3, 3}, 2), nullptr, params(1, 1, 0, 0, 0, 0, 1, 1, 4)); },
      {"conv2d", "weight", "6", "groups = 4"});
  const Tensor bias = random_tensor({7}, 3);
  expect_error<InputError>(
      [&] { conv2d(input, random_tensor({8, 4, 3, 3}, 2), &bias, plain); }, {"conv2d", "bias", "(7,)"});
  expect_error<InputError>([&] { conv2d(random_tensor({4, 5, 5}, 1), weight, nullptr, plain); },
                           {"conv2d", "input", "(4, 5, 5)"});
  expect_error<InputError>([&] { conv2d(input, random_tensor({8, 4, 3}, 2), nullptr, plain); },
                           {"conv2d", "weight"});
  expect_error<InputError>(
      [&] { conv2d(input, random_tensor({8, 4, 3, 3}, 2), nullptr, params(1, 1, 0, 0, 0, 0, 3, 1, 1)); },
      {"conv2d", "height", "7"});
  expect_error<ConfigError>(
      [&] { conv2d(input, random_tensor({8, 4, 3, 3}, 2), nullptr, params(0, 1, 0, 0, 0, 0, 1, 1, 1)); },
      {"conv2d", "stride_h"});
  expect_error<ConfigError>(
      [&] { conv2d(input, random_tensor({8, 4, 3, 3}, 2), nullptr, params(1, 1, 0, 0, 0, 0, 1, 1, 0)); },
      {"conv2d", "groups"});
}

}  // namespace
}  // namespace tessera::ref
