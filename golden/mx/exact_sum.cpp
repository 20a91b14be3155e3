#include "golden/mx/exact_sum.h"

#include <stdexcept>
#include <string>

#include "golden/mx/fp32_bits.h"

namespace tessera::mx {

WideFixed WideFixed::from_term(bool negative, uint128 magnitude, int exponent) {
  WideFixed w;
  w.negative_ = negative;
  if (magnitude == 0) return w;
  const int shift = exponent - kLsbExponent;
  if (shift < 0 || shift + 128 > kLimbs * 64) {
    throw std::logic_error("WideFixed: term 2^" + std::to_string(exponent) + " outside the window");
  }
  const int limb = shift / 64;
  const int offset = shift % 64;
  const std::uint64_t low = static_cast<std::uint64_t>(magnitude);
  const std::uint64_t high = static_cast<std::uint64_t>(magnitude >> 64);
  w.limbs_[limb] = low << offset;
  if (offset == 0) {
    w.limbs_[limb + 1] = high;
  } else {
    w.limbs_[limb + 1] = (high << offset) | (low >> (64 - offset));
    w.limbs_[limb + 2] = high >> (64 - offset);
  }
  return w;
}

int WideFixed::compare_magnitude(const WideFixed& other) const {
  for (int i = kLimbs - 1; i >= 0; --i) {
    if (limbs_[i] != other.limbs_[i]) return limbs_[i] < other.limbs_[i] ? -1 : 1;
  }
  return 0;
}

void WideFixed::add(const WideFixed& other) {
  if (negative_ == other.negative_) {
    std::uint64_t carry = 0;
    for (int i = 0; i < kLimbs; ++i) {
      const uint128 sum = static_cast<uint128>(limbs_[i]) + other.limbs_[i] + carry;
      limbs_[i] = static_cast<std::uint64_t>(sum);
      carry = static_cast<std::uint64_t>(sum >> 64);
    }
    if (carry != 0) throw std::logic_error("WideFixed: sum overflows the window");
    return;
  }
  const int order = compare_magnitude(other);
  const WideFixed& larger = order >= 0 ? *this : other;
  const WideFixed& smaller = order >= 0 ? other : *this;
  WideFixed result;
  result.negative_ = order == 0 ? false : larger.negative_;
  std::uint64_t borrow = 0;
  for (int i = 0; i < kLimbs; ++i) {
    const std::uint64_t a = larger.limbs_[i];
    const std::uint64_t b = smaller.limbs_[i];
    result.limbs_[i] = a - b - borrow;
    borrow = (a < b || (a - b) < borrow) ? 1 : 0;
  }
  *this = result;
}

bool WideFixed::is_zero() const {
  for (std::uint64_t limb : limbs_) {
    if (limb != 0) return false;
  }
  return true;
}

int WideFixed::top_bit() const {
  for (int i = kLimbs - 1; i >= 0; --i) {
    if (limbs_[i] != 0) return i * 64 + bit_length(limbs_[i]) - 1;
  }
  return -1;
}

bool WideFixed::bit(int index) const {
  if (index < 0 || index >= kLimbs * 64) return false;
  return ((limbs_[index / 64] >> (index % 64)) & 1u) != 0;
}

bool WideFixed::any_bit_below(int index) const {
  if (index <= 0) return false;
  const int full = index / 64;
  for (int i = 0; i < full; ++i) {
    if (limbs_[i] != 0) return true;
  }
  const int rest = index % 64;
  return rest != 0 && (limbs_[full] & ((std::uint64_t{1} << rest) - 1u)) != 0;
}

std::uint32_t WideFixed::round_to_fp32_bits() const {
  const std::uint32_t sign = negative_ ? 0x80000000u : 0u;
  const int top = top_bit();
  if (top < 0) return sign;
  const int lead = top + kLsbExponent;
  if (lead > 127) return sign | kFp32PositiveInfinityBits;
  const int quantum = (lead < -126 ? -126 : lead) - 23;
  const int shift = quantum - kLsbExponent;  // >= 171: the kept bits all lie inside the window
  std::uint64_t n = 0;
  for (int i = 23; i >= 0; --i) n = (n << 1) | (bit(shift + i) ? 1u : 0u);
  const bool round_bit = bit(shift - 1);
  const bool sticky = any_bit_below(shift - 1);
  if (round_bit && (sticky || (n & 1u) != 0)) ++n;
  return assemble_fp32(negative_, n, quantum);
}

ExactTerm exact_term_of(float value) {
  const Fp32Parts p = split_fp32(float_bits(value));
  if (p.is_nan) return nan_term();
  if (p.is_inf) return infinite_term(p.negative);
  ExactTerm t;
  t.negative = p.negative;
  t.magnitude = p.significand;
  t.exponent = p.exponent;
  return t;
}

ExactTerm nan_term() {
  ExactTerm t;
  t.kind = ElementClass::nan;
  return t;
}

ExactTerm infinite_term(bool negative) {
  ExactTerm t;
  t.kind = ElementClass::infinite;
  t.negative = negative;
  return t;
}

float add_and_round(float accumulator, const ExactTerm& term) {
  const ExactTerm acc = exact_term_of(accumulator);
  if (acc.kind == ElementClass::nan || term.kind == ElementClass::nan) {
    return float_from_bits(kFp32QuietNanBits);
  }
  if (acc.kind == ElementClass::infinite || term.kind == ElementClass::infinite) {
    if (acc.kind == ElementClass::infinite && term.kind == ElementClass::infinite &&
        acc.negative != term.negative) {
      return float_from_bits(kFp32QuietNanBits);
    }
    const bool negative = acc.kind == ElementClass::infinite ? acc.negative : term.negative;
    return float_from_bits((negative ? 0x80000000u : 0u) | kFp32PositiveInfinityBits);
  }
  if (acc.magnitude == 0 && term.magnitude == 0) {
    return (acc.negative && term.negative) ? -0.0f : 0.0f;
  }
  WideFixed sum = WideFixed::from_term(acc.negative, acc.magnitude, acc.exponent);
  sum.add(WideFixed::from_term(term.negative, term.magnitude, term.exponent));
  if (sum.is_zero()) return 0.0f;
  return float_from_bits(sum.round_to_fp32_bits());
}

float round_term(const ExactTerm& term) {
  if (term.kind == ElementClass::nan) return float_from_bits(kFp32QuietNanBits);
  if (term.kind == ElementClass::infinite) {
    return float_from_bits((term.negative ? 0x80000000u : 0u) | kFp32PositiveInfinityBits);
  }
  if (term.magnitude == 0) return term.negative ? -0.0f : 0.0f;
  return float_from_bits(
      WideFixed::from_term(term.negative, term.magnitude, term.exponent).round_to_fp32_bits());
}

}  // namespace tessera::mx
