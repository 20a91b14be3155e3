#include "golden/mx/dot.h"

#include <algorithm>
#include <string>

#include "golden/common/error.h"
#include "golden/mx/convert.h"
#include "golden/mx/scale.h"

namespace tessera::mx {

ExactTerm exact_block_product(ElementFormat format_a, std::uint8_t scale_a, const std::uint8_t* codes_a,
                              ElementFormat format_b, std::uint8_t scale_b, const std::uint8_t* codes_b,
                              std::size_t count) {
  if (scale_a == kE8M0Nan || scale_b == kE8M0Nan) return nan_term();
  const int lsb_a = element_spec(format_a).lsb_exponent;
  const int lsb_b = element_spec(format_b).lsb_exponent;
  int128 sum = 0;
  bool positive_infinity = false;
  bool negative_infinity = false;
  bool all_negative_zero = true;
  for (std::size_t i = 0; i < count; ++i) {
    const ElementValue a = decode_element(codes_a[i], format_a);
    const ElementValue b = decode_element(codes_b[i], format_b);
    if (a.kind == ElementClass::nan || b.kind == ElementClass::nan) return nan_term();
    const bool negative = a.negative != b.negative;
    if (a.kind == ElementClass::infinite || b.kind == ElementClass::infinite) {
      const bool other_zero = (a.kind == ElementClass::finite && a.significand == 0) ||
                              (b.kind == ElementClass::finite && b.significand == 0);
      if (other_zero) return nan_term();
      (negative ? negative_infinity : positive_infinity) = true;
      continue;
    }
    const uint128 product = (static_cast<uint128>(a.significand) * b.significand)
                            << ((a.exponent - lsb_a) + (b.exponent - lsb_b));
    if (product != 0 || !negative) all_negative_zero = false;
    sum += negative ? -static_cast<int128>(product) : static_cast<int128>(product);
  }
  if (positive_infinity && negative_infinity) return nan_term();
  if (positive_infinity || negative_infinity) return infinite_term(negative_infinity);
  ExactTerm term;
  term.negative = sum < 0 || (sum == 0 && all_negative_zero && count > 0);
  term.magnitude = static_cast<uint128>(sum < 0 ? -sum : sum);
  term.exponent = e8m0_exponent(scale_a) + e8m0_exponent(scale_b) + lsb_a + lsb_b;
  return term;
}

namespace {

ExactTerm product_term(float a, float b) {
  const ExactTerm x = exact_term_of(a);
  const ExactTerm y = exact_term_of(b);
  if (x.kind == ElementClass::nan || y.kind == ElementClass::nan) return nan_term();
  const bool negative = x.negative != y.negative;
  if (x.kind == ElementClass::infinite || y.kind == ElementClass::infinite) {
    const bool other_zero = (x.kind == ElementClass::finite && x.magnitude == 0) ||
                            (y.kind == ElementClass::finite && y.magnitude == 0);
    return other_zero ? nan_term() : infinite_term(negative);
  }
  ExactTerm t;
  t.negative = negative;
  t.magnitude = x.magnitude * y.magnitude;
  t.exponent = x.exponent + y.exponent;
  return t;
}

}  // namespace

float mx_dot(const MxVectorView& a, const MxVectorView& b, Accumulation accumulation) {
  if (a.length != b.length) {
    throw ConfigError("mx_dot: vector lengths differ (" + std::to_string(a.length) + " vs " +
                      std::to_string(b.length) + ")");
  }
  if (a.block_size != b.block_size || a.block_size < 1) {
    throw ConfigError("mx_dot: block sizes must be equal and >= 1 (got " +
                      std::to_string(a.block_size) + " and " + std::to_string(b.block_size) + ")");
  }
  float acc = -0.0f;
  const std::size_t blocks = (a.length + a.block_size - 1) / a.block_size;
  for (std::size_t j = 0; j < blocks; ++j) {
    const std::size_t begin = j * a.block_size;
    const std::size_t count = std::min(a.block_size, a.length - begin);
    switch (accumulation) {
      case Accumulation::fused_exact:
        acc = add_and_round(acc, exact_block_product(a.format, a.scales[j], a.codes + begin, b.format,
                                                     b.scales[j], b.codes + begin, count));
        break;
      case Accumulation::block_then_fp32: {
        const float block = round_term(exact_block_product(a.format, a.scales[j], a.codes + begin,
                                                           b.format, b.scales[j], b.codes + begin, count));
        acc = add_and_round(acc, exact_term_of(block));
        break;
      }
      case Accumulation::emu_dequant_fp32:
        for (std::size_t i = begin; i < begin + count; ++i) {
          const float x = dequantize_element(a.scales[j], a.codes[i], a.format);
          const float y = dequantize_element(b.scales[j], b.codes[i], b.format);
          acc = add_and_round(acc, product_term(x, y));
        }
        break;
    }
  }
  return acc;
}

}  // namespace tessera::mx
