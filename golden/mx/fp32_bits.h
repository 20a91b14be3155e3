#pragma once
// FP32 as integers: split a float into sign, integer significand and exponent, and build the
// float nearest (ties to even) to sign * significand * 2^exponent. Bit manipulation only, so the
// result is the same on every host and device, with subnormals honoured (no flush to zero).
#include <cstdint>
#include <cstring>

#include "golden/common/host_device.h"

namespace tessera::mx {

TESSERA_HOST_DEVICE inline std::uint32_t float_bits(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

TESSERA_HOST_DEVICE inline float float_from_bits(std::uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// Number of significant bits of x (0 for 0).
TESSERA_HOST_DEVICE inline int bit_length(std::uint64_t x) {
  int n = 0;
  while (x != 0) {
    ++n;
    x >>= 1;
  }
  return n;
}

// |value| = significand * 2^exponent exactly, for finite floats. Subnormals keep their true
// (un-normalised) significand with exponent -149.
struct Fp32Parts {
  bool negative;
  bool is_nan;
  bool is_inf;
  bool is_subnormal;  // nonzero and below 2^-126
  std::uint32_t significand;
  int exponent;
};

TESSERA_HOST_DEVICE inline Fp32Parts split_fp32(std::uint32_t bits) {
  Fp32Parts p{};
  p.negative = (bits >> 31) != 0;
  const std::uint32_t exponent_field = (bits >> 23) & 0xFFu;
  const std::uint32_t mantissa = bits & 0x7FFFFFu;
  if (exponent_field == 0xFFu) {
    p.is_nan = mantissa != 0;
    p.is_inf = mantissa == 0;
    return p;
  }
  if (exponent_field == 0) {
    p.is_subnormal = mantissa != 0;
    p.significand = mantissa;
    p.exponent = -149;
    return p;
  }
  p.significand = mantissa | 0x800000u;
  p.exponent = static_cast<int>(exponent_field) - 150;
  return p;
}

inline constexpr std::uint32_t kFp32PositiveInfinityBits = 0x7F800000u;
inline constexpr std::uint32_t kFp32QuietNanBits = 0x7FC00000u;

// FP32 bits of the value n * 2^quantum_exponent where quantum_exponent >= -149 and n <= 2^24 is
// already rounded to that quantum; returns the infinity bits when the value is too large.
TESSERA_HOST_DEVICE inline std::uint32_t assemble_fp32(bool negative, std::uint64_t n,
                                                       int quantum_exponent) {
  const std::uint32_t sign = negative ? 0x80000000u : 0u;
  if (n == 0) return sign;
  if (n == (std::uint64_t{1} << 24)) {
    n >>= 1;
    ++quantum_exponent;
  }
  // For normals n is in [2^23, 2^24) and ((q + 149) << 23) + n carries the hidden bit into the
  // exponent field; for subnormals q = -149 and the bits are n itself.
  const std::int64_t magnitude =
      (static_cast<std::int64_t>(quantum_exponent + 149) << 23) + static_cast<std::int64_t>(n);
  if (magnitude >= static_cast<std::int64_t>(kFp32PositiveInfinityBits)) {
    return sign | kFp32PositiveInfinityBits;
  }
  return sign | static_cast<std::uint32_t>(magnitude);
}

// Nearest FP32 (ties to even) to (-1)^negative * significand * 2^exponent, for any 64-bit
// significand and any exponent; overflow gives infinity, underflow gives a signed zero.
TESSERA_HOST_DEVICE inline std::uint32_t round_to_fp32_bits(bool negative, std::uint64_t significand,
                                                            int exponent) {
  const std::uint32_t sign = negative ? 0x80000000u : 0u;
  if (significand == 0) return sign;
  const int lead = bit_length(significand) - 1 + exponent;
  if (lead > 127) return sign | kFp32PositiveInfinityBits;
  const int quantum = (lead < -126 ? -126 : lead) - 23;
  const int shift = quantum - exponent;
  std::uint64_t n;
  if (shift <= 0) {
    n = significand << (-shift);
  } else if (shift > 64) {
    return sign;  // below half of the smallest subnormal
  } else {
    const std::uint64_t kept = shift == 64 ? 0 : significand >> shift;
    const std::uint64_t half = std::uint64_t{1} << (shift - 1);
    const std::uint64_t rest = shift == 64 ? significand : significand & ((half << 1) - 1);
    n = kept;
    if (rest > half || (rest == half && (kept & 1u) != 0)) ++n;
  }
  return assemble_fp32(negative, n, quantum);
}

TESSERA_HOST_DEVICE inline float round_to_fp32(bool negative, std::uint64_t significand, int exponent) {
  return float_from_bits(round_to_fp32_bits(negative, significand, exponent));
}

}  // namespace tessera::mx
