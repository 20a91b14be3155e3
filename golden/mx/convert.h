#pragma once
// Converting a block of FP32 values to MX (spec §6.3) and back.
//   1. NaN or Inf anywhere: scale byte 0xFF (NaN), codes per policy.nan_block_codes.
//   2. All zeros (either sign): scale byte policy.zero_block_scale, codes are signed zeros.
//   3. Otherwise the scale exponent X comes from amax by policy.scale_rule, and every element is
//      V_i / 2^X (exact: a change of exponent) rounded by encode_element.
// Element i of the block uses Philox index first_element_index + i for stochastic rounding.
#include <cstddef>
#include <cstdint>

#include "golden/common/host_device.h"
#include "golden/mx/element_encode.h"
#include "golden/mx/policy.h"
#include "golden/mx/scale.h"

namespace tessera::mx {

// The scale byte a block gets (steps 1-3 above), or 0xFF.
TESSERA_HOST_DEVICE inline std::uint8_t block_scale(const float* values, std::size_t count,
                                                    ElementFormat format, const QuantizePolicy& policy) {
  std::uint32_t amax_bits = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t magnitude = float_bits(values[i]) & 0x7FFFFFFFu;
    if (magnitude >= kFp32PositiveInfinityBits) return kE8M0Nan;  // NaN or Inf
    // Non-negative floats order like their bit patterns.
    if (magnitude > amax_bits) amax_bits = magnitude;
  }
  if (amax_bits == 0) return policy.zero_block_scale;
  return e8m0_from_exponent(scale_exponent(amax_bits, format, policy.scale_rule));
}

// Quantizes one element given its block's scale byte (not 0xFF).
TESSERA_HOST_DEVICE inline std::uint8_t quantize_element(float value, std::uint8_t scale_byte,
                                                         ElementFormat format,
                                                         const QuantizePolicy& policy,
                                                         std::uint64_t element_index) {
  Fp32Parts p = split_fp32(float_bits(value));
  if (p.is_subnormal && policy.subnormal_inputs == SubnormalInputs::flush) p.significand = 0;
  std::uint32_t random24 = 0;
  if (policy.rounding == ElementRounding::stochastic) {
    random24 = rng::philox_words(policy.seed, policy.stream, element_index).w[0] >> 8;
  }
  return encode_element(p.negative, p.significand, p.exponent - e8m0_exponent(scale_byte), format,
                        policy.rounding, policy.overflow, random24);
}

// Code written for every element of a block whose scale is NaN.
TESSERA_HOST_DEVICE inline std::uint8_t nan_block_code(ElementFormat format, NanBlockCodes rule) {
  if (rule == NanBlockCodes::format_nan && element_spec(format).has_nan) return 0x7F;
  return 0x00;
}

// Quantizes `count` values into `codes` and returns the scale byte.
std::uint8_t quantize_block(const float* values, std::size_t count, ElementFormat format,
                            const QuantizePolicy& policy, std::uint8_t* codes,
                            std::uint64_t first_element_index = 0);

// X * P as FP32: exact except where the product exceeds FP32 (implementation-defined in the
// spec, §5.1; here +-Inf). NaN when the scale is 0xFF or the element is NaN.
TESSERA_HOST_DEVICE inline float dequantize_element(std::uint8_t scale_byte, std::uint8_t code,
                                                    ElementFormat format) {
  const ElementValue v = decode_element(code, format);
  if (scale_byte == kE8M0Nan || v.kind == ElementClass::nan) return float_from_bits(kFp32QuietNanBits);
  if (v.kind == ElementClass::infinite) {
    return float_from_bits((v.negative ? 0x80000000u : 0u) | kFp32PositiveInfinityBits);
  }
  return round_to_fp32(v.negative, v.significand, v.exponent + e8m0_exponent(scale_byte));
}

}  // namespace tessera::mx
