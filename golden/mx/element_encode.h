#pragma once
// Quantizing an exact value to an element code: the per-element step that CUDA kernels and RTL
// mirror. The value arrives already divided by the block scale as sign * significand * 2^exponent,
// so the rounding below sees every bit and needs no floating point.
//
// Rounding (ElementRounding):
//   nearest_even  round to nearest, ties to even (the spec's must)
//   nearest_away  round to nearest, ties away from zero (microxcaling's "nearest")
//   toward_zero   truncate the magnitude (microxcaling's "floor")
//   stochastic    let D = the discarded part of the magnitude, in units of the kept quantum,
//                 and f = floor(D * 2^24) (its first 24 bits). With r = the top 24 bits of
//                 Philox word 0 for (seed, stream, element index), i.e. r = w0 >> 8, the
//                 magnitude rounds away from zero iff r < f. Exact values never move, the
//                 probability of rounding up is f / 2^24, and every device draws the same r.
// Overflow: after rounding, a magnitude above the format's max finite value either saturates to
// it, keeping the sign (the spec's clamp), or, for FP8 only, becomes Inf (E5M2) or NaN (E4M3),
// the OCP OFP8 "OVF" conversion. The rounded value is what is compared, so E4M3 464 (a tie that
// rounds to 448) stays finite and 465 becomes NaN, as in ml_dtypes.
#include <cstdint>

#include "golden/common/host_device.h"
#include "golden/mx/element_format.h"
#include "golden/mx/fp32_bits.h"

namespace tessera::mx {

enum class ElementRounding : std::uint8_t { nearest_even, nearest_away, toward_zero, stochastic };
enum class Overflow : std::uint8_t { saturate, to_inf_or_nan };

// The first 24 bits of the discarded part of `significand` when `shift` (>= 1) low bits are cut.
TESSERA_HOST_DEVICE inline std::uint32_t discarded_fraction_24(std::uint64_t significand, int shift) {
  const std::uint64_t discarded =
      shift >= 64 ? significand : significand & ((std::uint64_t{1} << shift) - 1u);
  if (shift <= 24) return static_cast<std::uint32_t>(discarded << (24 - shift));
  if (shift - 24 >= 64) return 0;
  return static_cast<std::uint32_t>(discarded >> (shift - 24));
}

// Code for the NaN an FP8 format produces on overflow or for a NaN input (canonical S.1..1).
TESSERA_HOST_DEVICE constexpr std::uint8_t nan_code(ElementFormat format, bool negative) {
  return static_cast<std::uint8_t>((negative ? 0x80u : 0u) | 0x7Fu);
}

// Encodes (-1)^negative * significand * 2^exponent. `random24` is only read for stochastic
// rounding and must hold the top 24 bits of the element's Philox word (see above).
TESSERA_HOST_DEVICE inline std::uint8_t encode_element(bool negative, std::uint64_t significand,
                                                       int exponent, ElementFormat format,
                                                       ElementRounding rounding, Overflow overflow,
                                                       std::uint32_t random24 = 0) {
  const ElementSpec s = element_spec(format);
  const std::uint8_t sign = negative ? sign_bit(format) : std::uint8_t{0};
  auto overflowed = [&]() -> std::uint8_t {
    if (overflow == Overflow::to_inf_or_nan && !s.is_integer && s.bits == 8) {
      return s.has_inf ? static_cast<std::uint8_t>(sign | 0x7Cu) : nan_code(format, negative);
    }
    if (s.is_integer) {
      return negative ? static_cast<std::uint8_t>(256u - s.max_code) : s.max_code;
    }
    return static_cast<std::uint8_t>(sign | s.max_code);
  };
  if (significand == 0) return sign;
  const int lead = bit_length(significand) - 1 + exponent;  // floor(log2 |value|)
  // Anything at or above 2^(emax+2) exceeds every format's max even after rounding down.
  if (lead > s.emax + 1) return overflowed();
  const int quantum =
      s.is_integer ? s.lsb_exponent : (lead < s.emin ? s.emin : lead) - s.mantissa_bits;
  const int shift = quantum - exponent;
  std::uint64_t n;
  if (shift <= 0) {
    n = significand << (-shift);
  } else {
    const std::uint64_t kept = shift >= 64 ? 0 : significand >> shift;
    const std::uint64_t discarded =
        shift >= 64 ? significand : significand & ((std::uint64_t{1} << shift) - 1u);
    n = kept;
    if (discarded != 0) {
      bool up = false;
      switch (rounding) {
        case ElementRounding::nearest_even:
        case ElementRounding::nearest_away: {
          if (shift > 64) break;  // below half a quantum
          const std::uint64_t half = std::uint64_t{1} << (shift - 1);
          up = discarded > half ||
               (discarded == half &&
                (rounding == ElementRounding::nearest_away || (kept & 1u) != 0));
          break;
        }
        case ElementRounding::toward_zero: break;
        case ElementRounding::stochastic:
          up = random24 < discarded_fraction_24(significand, shift);
          break;
      }
      if (up) ++n;
    }
  }
  // Compare the rounded magnitude with the max in units of the format's smallest quantum.
  const std::uint64_t units = n << (quantum - s.lsb_exponent);
  if (units > s.max_units) return overflowed();
  if (s.is_integer) {
    return negative ? static_cast<std::uint8_t>((256u - n) & 0xFFu) : static_cast<std::uint8_t>(n);
  }
  if (n == 0) return sign;
  const int rounded_lead = bit_length(n) - 1 + quantum;
  if (rounded_lead < s.emin) return static_cast<std::uint8_t>(sign | n);  // subnormal
  const std::uint64_t normalised = n >> (rounded_lead - s.mantissa_bits - quantum);
  const std::uint32_t exponent_field = static_cast<std::uint32_t>(rounded_lead + s.bias);
  const std::uint32_t mantissa =
      static_cast<std::uint32_t>(normalised) & ((1u << s.mantissa_bits) - 1u);
  return static_cast<std::uint8_t>(sign | (exponent_field << s.mantissa_bits) | mantissa);
}

// Converts a float to an element at unit scale (scale_exponent = 0) or divided by
// 2^scale_exponent. NaN maps to the FP8 NaN code, or 0 where the format has none; infinities
// map to the E5M2 infinity or overflow like any too-large finite value.
TESSERA_HOST_DEVICE inline std::uint8_t encode_float(float value, int scale_exponent,
                                                     ElementFormat format, ElementRounding rounding,
                                                     Overflow overflow, std::uint32_t random24 = 0) {
  const Fp32Parts p = split_fp32(float_bits(value));
  const ElementSpec s = element_spec(format);
  if (p.is_nan) return s.has_nan ? nan_code(format, p.negative) : std::uint8_t{0};
  if (p.is_inf) {
    if (s.has_inf) return static_cast<std::uint8_t>((p.negative ? 0x80u : 0u) | 0x7Cu);
    return encode_element(p.negative, 1, 1000, format, rounding, overflow, random24);
  }
  return encode_element(p.negative, p.significand, p.exponent - scale_exponent, format, rounding,
                        overflow, random24);
}

}  // namespace tessera::mx
