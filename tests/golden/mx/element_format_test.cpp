// Element decoding against values derived by hand from research/mx.md §1.2, parsing, and the
// round trip of every code.
#include "golden/mx/element_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "golden/common/error.h"
#include "golden/mx/element_encode.h"
#include "tests/golden/mx/mx_test_util.h"

namespace tessera::mx {
namespace {

using test::pow2f;

struct Known {
  ElementFormat format;
  std::uint8_t code;
  float value;
};

TEST(mxElementFormat, DecodesHandDerivedTable) {
  const Known table[] = {
      // E4M3: bias 7, max 448 = 1.75 * 2^8, min normal 2^-6, subnormals k * 2^-9.
      {ElementFormat::fp8_e4m3, 0x00, 0.0f}, {ElementFormat::fp8_e4m3, 0x01, pow2f(-9)},
      {ElementFormat::fp8_e4m3, 0x07, 0.875f * pow2f(-6)}, {ElementFormat::fp8_e4m3, 0x08, pow2f(-6)},
      {ElementFormat::fp8_e4m3, 0x38, 1.0f}, {ElementFormat::fp8_e4m3, 0x40, 2.0f},
      {ElementFormat::fp8_e4m3, 0x77, 240.0f}, {ElementFormat::fp8_e4m3, 0x78, 256.0f},
      {ElementFormat::fp8_e4m3, 0x7E, 448.0f}, {ElementFormat::fp8_e4m3, 0xFE, -448.0f},
      {ElementFormat::fp8_e4m3, 0x81, -pow2f(-9)},
      // E5M2: bias 15, max 57344 = 1.75 * 2^15, min normal 2^-14, min subnormal 2^-16.
      {ElementFormat::fp8_e5m2, 0x01, pow2f(-16)}, {ElementFormat::fp8_e5m2, 0x03, 0.75f * pow2f(-14)},
      {ElementFormat::fp8_e5m2, 0x04, pow2f(-14)}, {ElementFormat::fp8_e5m2, 0x3C, 1.0f},
      {ElementFormat::fp8_e5m2, 0x7B, 57344.0f}, {ElementFormat::fp8_e5m2, 0xFB, -57344.0f},
      {ElementFormat::fp8_e5m2, 0x7C, std::numeric_limits<float>::infinity()},
      {ElementFormat::fp8_e5m2, 0xFC, -std::numeric_limits<float>::infinity()},
      // E3M2: bias 3, max 28, min normal 0.25, subnormals k * 0.0625.
      {ElementFormat::fp6_e3m2, 0x01, 0.0625f}, {ElementFormat::fp6_e3m2, 0x03, 0.1875f},
      {ElementFormat::fp6_e3m2, 0x04, 0.25f}, {ElementFormat::fp6_e3m2, 0x0C, 1.0f},
      {ElementFormat::fp6_e3m2, 0x1F, 28.0f}, {ElementFormat::fp6_e3m2, 0x3F, -28.0f},
      // E2M3: bias 1, max 7.5, min normal 1, subnormals k * 0.125.
      {ElementFormat::fp6_e2m3, 0x01, 0.125f}, {ElementFormat::fp6_e2m3, 0x07, 0.875f},
      {ElementFormat::fp6_e2m3, 0x08, 1.0f}, {ElementFormat::fp6_e2m3, 0x1F, 7.5f},
      {ElementFormat::fp6_e2m3, 0x3F, -7.5f},
      // INT8: payload * 2^-6; 0x80 = -2 is accepted on decode.
      {ElementFormat::int8, 0x01, 1.0f / 64}, {ElementFormat::int8, 0x7F, 127.0f / 64},
      {ElementFormat::int8, 0x81, -127.0f / 64}, {ElementFormat::int8, 0x80, -2.0f},
      {ElementFormat::int8, 0xFF, -1.0f / 64}, {ElementFormat::int8, 0x40, 1.0f},
  };
  for (const Known& k : table) {
    EXPECT_EQ(element_to_float(k.code, k.format), k.value)
        << element_format_name(k.format) << " code 0x" << std::hex << int(k.code);
  }
}

TEST(mxElementFormat, Fp4HasExactlyTheSixteenSpecValues) {
  const float positive[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
  for (int c = 0; c < 8; ++c) {
    EXPECT_EQ(element_to_float(static_cast<std::uint8_t>(c), ElementFormat::fp4_e2m1), positive[c]);
    const float negative = element_to_float(static_cast<std::uint8_t>(c | 0x8), ElementFormat::fp4_e2m1);
    EXPECT_EQ(negative, -positive[c]);
    EXPECT_TRUE(std::signbit(negative));
  }
}

TEST(mxElementFormat, NanAndInfinityPatternsOnlyWhereOfp8HasThem) {
  for (unsigned c = 0; c < 256; ++c) {
    const auto code = static_cast<std::uint8_t>(c);
    const bool e4m3_nan = (c & 0x7F) == 0x7F;
    EXPECT_EQ(std::isnan(element_to_float(code, ElementFormat::fp8_e4m3)), e4m3_nan) << c;
    const bool e5m2_nan = (c & 0x7F) > 0x7C;
    const bool e5m2_inf = (c & 0x7F) == 0x7C;
    EXPECT_EQ(std::isnan(element_to_float(code, ElementFormat::fp8_e5m2)), e5m2_nan) << c;
    EXPECT_EQ(std::isinf(element_to_float(code, ElementFormat::fp8_e5m2)), e5m2_inf) << c;
    EXPECT_TRUE(std::isfinite(element_to_float(code, ElementFormat::int8)));
  }
  for (unsigned c = 0; c < 64; ++c) {
    EXPECT_TRUE(std::isfinite(element_to_float(static_cast<std::uint8_t>(c), ElementFormat::fp6_e3m2)));
    EXPECT_TRUE(std::isfinite(element_to_float(static_cast<std::uint8_t>(c), ElementFormat::fp6_e2m3)));
  }
}

TEST(mxElementFormat, SpecEmaxAndMaxMatchTheTable) {
  EXPECT_EQ(element_spec(ElementFormat::fp8_e4m3).emax, 8);
  EXPECT_EQ(element_spec(ElementFormat::fp8_e5m2).emax, 15);
  EXPECT_EQ(element_spec(ElementFormat::fp6_e3m2).emax, 4);
  EXPECT_EQ(element_spec(ElementFormat::fp6_e2m3).emax, 2);
  EXPECT_EQ(element_spec(ElementFormat::fp4_e2m1).emax, 2);
  EXPECT_EQ(element_spec(ElementFormat::int8).emax, 0);
  for (ElementFormat f : kAllElementFormats) {
    const ElementSpec s = element_spec(f);
    EXPECT_EQ(static_cast<double>(element_to_float(s.max_code, f)),
              std::ldexp(static_cast<double>(s.max_units), s.lsb_exponent))
        << element_format_name(f);
  }
}

TEST(mxElementFormat, ParsesNamesAndListsValidOnesOnError) {
  for (ElementFormat f : kAllElementFormats) EXPECT_EQ(parse_element_format(element_format_name(f)), f);
  try {
    parse_element_format("fp8", "--elem");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("--elem"), std::string::npos);
    EXPECT_NE(message.find("'fp8'"), std::string::npos);
    EXPECT_NE(message.find("fp4_e2m1"), std::string::npos);
    EXPECT_NE(message.find("int8"), std::string::npos);
  }
}

// decode -> encode gives the code back, except the documented non-canonical cases:
// NaN payloads (E5M2 S.11111.{01,10}, and every negative NaN, since a NaN float carries no
// payload here) re-encode to the canonical 0x7F, and INT8 0x80 (-2) saturates to 0x81 (-127/64)
// because the encoder never produces -128.
TEST(mxElementFormat, EveryCodeRoundTripsExceptDocumentedNonCanonicalOnes) {
  for (ElementFormat f : kAllElementFormats) {
    int exceptions = 0;
    for (unsigned c = 0; c < code_count(f); ++c) {
      const auto code = static_cast<std::uint8_t>(c);
      const float value = element_to_float(code, f);
      const std::uint8_t back =
          encode_float(value, 0, f, ElementRounding::nearest_even, Overflow::saturate);
      if (std::isnan(value)) {
        EXPECT_EQ(back, 0x7F) << element_format_name(f) << " NaN code " << c;
        exceptions += back != code;
        continue;
      }
      if (f == ElementFormat::int8 && code == 0x80) {
        EXPECT_EQ(back, 0x81);
        ++exceptions;
        continue;
      }
      EXPECT_EQ(back, code) << element_format_name(f) << " code " << c << " value " << value;
    }
    const int expected_exceptions = f == ElementFormat::fp8_e4m3 ? 1 /* 0xFF */
                                    : f == ElementFormat::fp8_e5m2 ? 5 /* 7D 7E FD FE FF */
                                    : f == ElementFormat::int8 ? 1
                                                               : 0;
    EXPECT_EQ(exceptions, expected_exceptions) << element_format_name(f);
  }
}

}  // namespace
}  // namespace tessera::mx
