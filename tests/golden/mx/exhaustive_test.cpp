// Every code of every element format and every E8M0 byte, against formulas written here
// independently of the library, and the rounding of every midpoint between adjacent codes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "golden/mx/convert.h"
#include "golden/mx/element_encode.h"
#include "golden/mx/scale.h"

namespace tessera::mx {
namespace {

// Value of a code from the textbook formula, in double.
double formula_value(ElementFormat f, unsigned code) {
  const ElementSpec s = element_spec(f);
  if (s.is_integer) return std::ldexp(static_cast<double>(static_cast<std::int8_t>(code)), -6);
  const bool negative = (code >> (s.bits - 1)) & 1u;
  const unsigned e = (code >> s.mantissa_bits) & ((1u << s.exponent_bits) - 1u);
  const unsigned m = code & ((1u << s.mantissa_bits) - 1u);
  const double frac = static_cast<double>(m) / (1u << s.mantissa_bits);
  const double magnitude = e == 0 ? std::ldexp(frac, 1 - s.bias) : std::ldexp(1.0 + frac, int(e) - s.bias);
  return negative ? -magnitude : magnitude;
}

bool formula_is_special(ElementFormat f, unsigned code) {
  if (f == ElementFormat::fp8_e4m3) return (code & 0x7F) == 0x7F;
  if (f == ElementFormat::fp8_e5m2) return (code & 0x7C) == 0x7C;
  return false;
}

TEST(mxExhaustive, EveryCodeDecodesToTheFormulaValue) {
  for (ElementFormat f : kAllElementFormats) {
    for (unsigned c = 0; c < code_count(f); ++c) {
      if (formula_is_special(f, c)) continue;
      const float v = element_to_float(static_cast<std::uint8_t>(c), f);
      EXPECT_EQ(static_cast<double>(v), formula_value(f, c)) << element_format_name(f) << " " << c;
      if (!element_spec(f).is_integer) {
        EXPECT_EQ(std::signbit(v), ((c >> (element_spec(f).bits - 1)) & 1u) != 0);
      }
    }
  }
}

TEST(mxExhaustive, EveryCodeWithEveryScaleDequantizesToProduct) {
  for (ElementFormat f : kAllElementFormats) {
    for (unsigned scale = 0; scale < 256; ++scale) {
      for (unsigned c = 0; c < code_count(f); ++c) {
        const float got = dequantize_element(static_cast<std::uint8_t>(scale), static_cast<std::uint8_t>(c), f);
        if (scale == 255 || (formula_is_special(f, c) && std::isnan(element_to_float(c, f)))) {
          EXPECT_TRUE(std::isnan(got));
          continue;
        }
        if (formula_is_special(f, c)) {
          EXPECT_EQ(got, element_to_float(static_cast<std::uint8_t>(c), f));
          continue;
        }
        const double exact = std::ldexp(formula_value(f, c), int(scale) - 127);
        if (std::fabs(exact) > 3.4028234663852886e38) {
          EXPECT_TRUE(std::isinf(got)) << element_format_name(f) << " scale " << scale << " code " << c;
        } else {
          EXPECT_EQ(static_cast<double>(got), exact)
              << element_format_name(f) << " scale " << scale << " code " << c;
        }
      }
    }
  }
}

TEST(mxExhaustive, AllE8M0BytesDecode) {
  for (unsigned b = 0; b < 255; ++b) {
    const float v = e8m0_to_float(static_cast<std::uint8_t>(b));
    EXPECT_EQ(static_cast<double>(v), std::ldexp(1.0, int(b) - 127)) << b;
  }
  EXPECT_TRUE(std::isnan(e8m0_to_float(0xFF)));
  EXPECT_EQ(float_bits(e8m0_to_float(0x00)), 0x00400000u);  // 2^-127, an FP32 subnormal
  EXPECT_EQ(e8m0_to_float(0x7F), 1.0f);
  EXPECT_EQ(e8m0_to_float(0xFE), std::ldexp(1.0f, 127));
}

// Between each pair of adjacent finite codes: the exact midpoint goes to the even code under RNE,
// to the larger magnitude under ties-away, to the smaller under toward-zero; a value one FP32
// ulp either side of the midpoint goes to the nearer code in all nearest modes.
TEST(mxExhaustive, MidpointsBetweenAdjacentCodesRoundPerMode) {
  for (ElementFormat f : kAllElementFormats) {
    std::vector<std::pair<double, std::uint8_t>> positives;
    for (unsigned c = 0; c < code_count(f); ++c) {
      if (formula_is_special(f, c)) continue;
      const double v = formula_value(f, c);
      if (v > 0 || (v == 0 && !std::signbit(v) && c == 0)) positives.push_back({v, static_cast<std::uint8_t>(c)});
    }
    std::sort(positives.begin(), positives.end());
    ASSERT_GT(positives.size(), 3u);
    for (std::size_t i = 0; i + 1 < positives.size(); ++i) {
      const auto [lo, lo_code] = positives[i];
      const auto [hi, hi_code] = positives[i + 1];
      const float mid = static_cast<float>((lo + hi) / 2);
      ASSERT_EQ(static_cast<double>(mid), (lo + hi) / 2);
      const bool lo_even = f == ElementFormat::int8 ? (lo_code % 2 == 0) : (lo_code % 2 == 0);
      for (int sign = 0; sign < 2; ++sign) {
        const float m = sign ? -mid : mid;
        const std::uint8_t lo_s = sign ? (f == ElementFormat::int8 ? std::uint8_t(256 - lo_code) & 0xFF
                                                                    : std::uint8_t(lo_code | sign_bit(f)))
                                       : lo_code;
        const std::uint8_t hi_s = sign ? (f == ElementFormat::int8 ? std::uint8_t(256 - hi_code)
                                                                    : std::uint8_t(hi_code | sign_bit(f)))
                                       : hi_code;
        const auto enc = [&](float x, ElementRounding r) {
          return encode_float(x, 0, f, r, Overflow::saturate);
        };
        EXPECT_EQ(enc(m, ElementRounding::nearest_even), lo_even ? lo_s : hi_s)
            << element_format_name(f) << " midpoint " << m;
        EXPECT_EQ(enc(m, ElementRounding::nearest_away), hi_s) << element_format_name(f) << " " << m;
        EXPECT_EQ(enc(m, ElementRounding::toward_zero), lo_s) << element_format_name(f) << " " << m;
        const float above = std::nextafter(m, sign ? -1e30f : 1e30f);
        const float below = std::nextafter(m, 0.0f);
        for (ElementRounding r : {ElementRounding::nearest_even, ElementRounding::nearest_away}) {
          EXPECT_EQ(enc(above, r), hi_s) << element_format_name(f) << " " << above;
          EXPECT_EQ(enc(below, r), lo_s) << element_format_name(f) << " " << below;
        }
        EXPECT_EQ(enc(above, ElementRounding::toward_zero), lo_s);
      }
    }
  }
}

// FLOOR against the double-precision log2 of every 257th positive finite float (double log2 of a
// float is never close enough to an integer to misround its floor), and CEIL / EVEN by their
// definitions.
TEST(mxExhaustive, ScaleRulesOnAStrideOfAllFloats) {
  for (std::uint32_t bits = 1; bits < 0x7F800000u; bits += 257) {
    const double x = static_cast<double>(float_from_bits(bits));
    const int floor_log2 = static_cast<int>(std::floor(std::log2(x)));
    const bool power_of_two = std::exp2(floor_log2) == x;
    for (ElementFormat f : kAllElementFormats) {
      const int emax = element_spec(f).emax;
      const auto clamp = [](int e) { return std::min(127, std::max(-127, e)); };
      ASSERT_EQ(scale_exponent(bits, f, ScaleRule::floor), clamp(floor_log2 - emax)) << bits;
      ASSERT_EQ(scale_exponent(bits, f, ScaleRule::ceil), clamp(floor_log2 + (power_of_two ? 0 : 1) - emax));
    }
  }
}

// Quantizing V * 2^s with scale 2^s gives the same code as V with scale 1, for every code value
// and every scale where V * 2^s is a normal FP32 number.
TEST(mxExhaustive, EncodingIsInvariantUnderTheBlockScale) {
  for (ElementFormat f : kAllElementFormats) {
    for (unsigned c = 0; c < code_count(f); ++c) {
      if (formula_is_special(f, c)) continue;
      const float v = element_to_float(static_cast<std::uint8_t>(c), f);
      const std::uint8_t at_one = encode_float(v, 0, f, ElementRounding::nearest_even, Overflow::saturate);
      for (int s = -100; s <= 100; s += 7) {
        const float scaled = std::ldexp(v, s);
        EXPECT_EQ(encode_float(scaled, s, f, ElementRounding::nearest_even, Overflow::saturate), at_one)
            << element_format_name(f) << " code " << c << " s " << s;
      }
    }
  }
}

}  // namespace
}  // namespace tessera::mx
