// INT8 symmetric quantization: rounding, clamping, range, per-channel, dequantization.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "golden/approx/quantize.h"
#include "golden/common/error.h"

namespace tessera::approx {
namespace {

TEST(ApproxQuantize, RoundsHalfToEvenInFloat32) {
  const float scale = quant_scale(127.0f);  // 1.0
  EXPECT_EQ(scale, 1.0f);
  EXPECT_EQ(quantize_value(2.5f, scale), 2);
  EXPECT_EQ(quantize_value(3.5f, scale), 4);
  EXPECT_EQ(quantize_value(-2.5f, scale), -2);
  EXPECT_EQ(quantize_value(-0.5f, scale), 0);
  EXPECT_EQ(quantize_value(0.5000001f, scale), 1);
  // x * scale is rounded to float32 first: 0.1f * 25 = 2.5000000372529 in double, but the float32
  // product is exactly 2.5, which then rounds to even (2). A double product would give 3.
  EXPECT_EQ(quantize_value(0.1f, 25.0f), 2);
}

TEST(ApproxQuantize, ClampsToNarrowRangeByDefault) {
  const float scale = quant_scale(1.0f);
  EXPECT_FLOAT_EQ(scale, 127.0f);
  EXPECT_EQ(quantize_value(1.0f, scale), 127);
  EXPECT_EQ(quantize_value(-1.0f, scale), -127);
  EXPECT_EQ(quantize_value(-5.0f, scale), -127);  // never -128 by default
  EXPECT_EQ(quantize_value(std::numeric_limits<float>::infinity(), scale), 127);
  const Int8Range full{-128, 127};
  EXPECT_EQ(quantize_value(-5.0f, quant_scale(1.0f, full), full), -128);
  EXPECT_FLOAT_EQ(quant_scale(1.0f, full), 127.0f);  // scale still max_code / amax
}

TEST(ApproxQuantize, BadRangeAmaxAndNanAreErrors) {
  EXPECT_THROW(quant_scale(1.0f, Int8Range{-129, 127}), ConfigError);
  EXPECT_THROW(quant_scale(1.0f, Int8Range{0, 127}), ConfigError);
  EXPECT_THROW(quant_scale(-1.0f), ConfigError);
  EXPECT_THROW(quant_scale(std::nanf("")), ConfigError);
  EXPECT_THROW(quantize_value(std::nanf(""), 1.0f), InputError);
}

TEST(ApproxQuantize, TinyAmaxIsTreatedAsOne) {
  EXPECT_EQ(quant_scale(0.0f), 127.0f);
  EXPECT_EQ(quantize_per_tensor({0.0f, 0.0f}, 0.0f), (std::vector<std::int8_t>{0, 0}));
}

TEST(ApproxQuantize, PerChannelUsesEachChannelsAmax) {
  const std::vector<float> w = {0.5f, -1.0f, 0.5f, -1.0f};  // 2 channels x 2
  const auto q = quantize_per_channel(w, {1.0f, 0.5f});
  EXPECT_EQ(q, (std::vector<std::int8_t>{64, -127, 127, -127}));  // 63.5 -> 64 (even)
  EXPECT_THROW(quantize_per_channel(w, {1.0f, 1.0f, 1.0f}), ConfigError);
}

TEST(ApproxQuantize, DequantizeDividesByProductOfScales) {
  const float sa = quant_scale(2.0f), sw = quant_scale(0.5f);
  EXPECT_FLOAT_EQ(dequantize(127 * 127, sa, sw), 1.0f);
  const float combined = sa * sw;
  EXPECT_EQ(dequantize(1000, sa, sw), 1000.0f / combined);
}

}  // namespace
}  // namespace tessera::approx
