#pragma once
// Adding an FP32 accumulator and an exact term (an integer times a power of two) and rounding the
// sum ONCE to FP32, ties to even, with subnormals and overflow to infinity. The sum is formed in
// a 704-bit fixed-point integer whose least significant bit weighs 2^-320, wide enough to hold
// every operand of the MX dot product exactly (FP32 values span 2^-149..2^128, block sums
// 2^-286..2^317), so no precision argument is needed: the integer sum is the real sum.
#include <array>
#include <cstdint>

#include "golden/mx/element_format.h"

namespace tessera::mx {

__extension__ typedef unsigned __int128 uint128;
__extension__ typedef __int128 int128;

// A value (-1)^negative * magnitude * 2^exponent, or a special. A zero keeps its sign in
// `negative` so that signed zeros follow IEEE 754 addition.
struct ExactTerm {
  ElementClass kind = ElementClass::finite;
  bool negative = false;
  uint128 magnitude = 0;
  int exponent = 0;
};

ExactTerm exact_term_of(float value);
ExactTerm nan_term();
ExactTerm infinite_term(bool negative);

// RNE_fp32(accumulator + term), computed exactly; NaN and infinities as IEEE 754 addition
// (Inf + -Inf = NaN), an exact zero sum of nonzero operands is +0, -0 + -0 = -0.
float add_and_round(float accumulator, const ExactTerm& term);

// RNE_fp32(term).
float round_term(const ExactTerm& term);

class WideFixed {
 public:
  static constexpr int kLimbs = 11;
  static constexpr int kLsbExponent = -320;

  // Throws std::logic_error when the term falls outside the representable window (a bug).
  static WideFixed from_term(bool negative, uint128 magnitude, int exponent);
  void add(const WideFixed& other);
  bool is_zero() const;
  bool negative() const { return negative_; }
  // Bits of the nearest FP32 (ties to even); signed zero when the value is zero.
  std::uint32_t round_to_fp32_bits() const;

 private:
  int top_bit() const;  // index of the most significant set bit; -1 for zero
  bool bit(int index) const;
  bool any_bit_below(int index) const;
  int compare_magnitude(const WideFixed& other) const;

  bool negative_ = false;
  std::array<std::uint64_t, kLimbs> limbs_{};
};

}  // namespace tessera::mx
