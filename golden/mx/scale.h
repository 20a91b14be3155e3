#pragma once
// The E8M0 shared scale (OCP MX v1.0 §5.4.1): byte b encodes 2^(b-127) for b in 0..254 (byte 0 is
// 2^-127, an FP32 subnormal) and 0xFF is NaN. And the rules that choose a block's scale exponent
// from its largest magnitude amax, all on FP32 bits, never through a floating-point log2.
//
//   floor               E(amax) - emax_elem, E = the exact floor(log2 amax) (spec §6.3, default)
//   ceil                ceil(log2 amax) - emax_elem (torchao CEIL)
//   rceil               ceil(log2(fp32(amax * fp32(1 / max_finite)))) (torchao RCEIL, cuBLAS's
//                       D-block scaling; the two FP32 roundings are IEEE binary32 multiplies,
//                       exactly as torchao computes `max_abs * (1 / max_pos)`)
//   even                exponent of amax after adding half an element ulp to its FP32 bits,
//                       (bits + 2^(22 - mantissa_bits)) & 0x7F800000, minus emax_elem (torchao EVEN)
//   floor_float32_log2  what microxcaling's Python path computes, floor(float32(log2 amax)):
//                       FLOOR, except one binade higher when amax lies within the window below a
//                       power of two 2^k in which a correctly rounded float32 log2 rounds up to k.
//                       amax = 2^k - j ulps with amax's own ulp; the window is j <= J where
//                       J = floor(ln2 * 2^t) and t = p (amax normal) or 125 + k + p (amax
//                       subnormal), p = exponent of the float32 ulp of k on the side the value
//                       rounds from: for k >= 2, p = floor(log2(k - 1)); for k <= -1,
//                       p = floor(log2 |k|); k = 0 and k = 1 never round (J = 0). Derivation:
//                       log2(2^k (1 - j u)) = k - j u / ln2 + O(u^2), which a float32 with half-ulp
//                       2^(p-24) rounds to k iff j u <= 1 - 2^(-2^(p-24)) ~ ln2 * 2^(p-24). E.g.
//                       k = 10: J = 5 ulps; k = 100: J = 44 (research/mx.md §2.1).
// Every rule's result is clamped to [-127, 127]; FP32 inputs never need more except INT8 with
// ceil/rceil near FLT_MAX, where torchao's upper clamp (128 = the NaN byte) is not reproduced.
#include <cstdint>

#include "golden/common/host_device.h"
#include "golden/mx/element_format.h"
#include "golden/mx/fp32_bits.h"

namespace tessera::mx {

enum class ScaleRule : std::uint8_t { floor, ceil, rceil, even, floor_float32_log2 };

inline constexpr std::uint8_t kE8M0Nan = 0xFF;
inline constexpr int kE8M0Bias = 127;
inline constexpr int kMinScaleExponent = -127;
inline constexpr int kMaxScaleExponent = 127;

// 2^(byte-127) as a float: exact for every byte (0 gives the subnormal 2^-127), NaN for 0xFF.
TESSERA_HOST_DEVICE inline float e8m0_to_float(std::uint8_t byte) {
  if (byte == kE8M0Nan) return float_from_bits(kFp32QuietNanBits);
  if (byte == 0) return float_from_bits(0x00400000u);
  return float_from_bits(static_cast<std::uint32_t>(byte) << 23);
}

TESSERA_HOST_DEVICE constexpr std::uint8_t e8m0_from_exponent(int exponent) {
  return static_cast<std::uint8_t>(exponent + kE8M0Bias);
}
TESSERA_HOST_DEVICE constexpr int e8m0_exponent(std::uint8_t byte) { return static_cast<int>(byte) - kE8M0Bias; }

// floor(log2 x) for finite nonzero FP32 magnitude bits (subnormals get their true exponent).
TESSERA_HOST_DEVICE inline int floor_log2_fp32(std::uint32_t magnitude_bits) {
  const std::uint32_t exponent_field = magnitude_bits >> 23;
  if (exponent_field != 0) return static_cast<int>(exponent_field) - 127;
  return bit_length(magnitude_bits) - 1 - 149;
}

TESSERA_HOST_DEVICE inline bool is_power_of_two_fp32(std::uint32_t magnitude_bits) {
  if ((magnitude_bits >> 23) != 0) return (magnitude_bits & 0x7FFFFFu) == 0;
  return (magnitude_bits & (magnitude_bits - 1u)) == 0;
}

// ceil(log2 x) for FP32 magnitude bits; x = 0 gives the lowest scale exponent.
TESSERA_HOST_DEVICE inline int ceil_log2_fp32(std::uint32_t magnitude_bits) {
  if (magnitude_bits == 0) return kMinScaleExponent;
  return floor_log2_fp32(magnitude_bits) + (is_power_of_two_fp32(magnitude_bits) ? 0 : 1);
}

// FP32 bits of 2^k, for -149 <= k <= 128 (k = 128 gives the infinity bits, which still count
// ulps correctly from the top binade).
TESSERA_HOST_DEVICE inline std::uint32_t power_of_two_bits(int k) {
  if (k >= -126) return static_cast<std::uint32_t>(k + 127) << 23;
  return std::uint32_t{1} << (k + 149);
}

// Width J of the window below 2^k in which float32 log2 rounds up to k (see the header comment).
TESSERA_HOST_DEVICE inline std::uint32_t float32_log2_window_ulps(int k, bool amax_subnormal) {
  int p;
  if (k >= 2) {
    p = bit_length(static_cast<std::uint64_t>(k - 1)) - 1;
  } else if (k <= -1) {
    p = bit_length(static_cast<std::uint64_t>(-k)) - 1;
  } else {
    return 0;
  }
  const int t = amax_subnormal ? 125 + k + p : p;
  // floor(ln2 * 2^t) for t = 0..9; the O(u^2) term is far too small to move any of them.
  constexpr std::uint32_t kFloorLn2Times2Pow[] = {0, 1, 2, 5, 11, 22, 44, 88, 177, 354};
  if (t < 0) return 0;
  if (t > 9) return kFloorLn2Times2Pow[9];
  return kFloorLn2Times2Pow[t];
}

// floor(float32(log2 x)) as microxcaling's Python path sees it.
TESSERA_HOST_DEVICE inline int floor_float32_log2(std::uint32_t magnitude_bits) {
  const int e = floor_log2_fp32(magnitude_bits);
  const int k = e + 1;
  const std::uint32_t ulps_below = power_of_two_bits(k) - magnitude_bits;
  const bool subnormal = (magnitude_bits >> 23) == 0;
  return ulps_below <= float32_log2_window_ulps(k, subnormal) ? k : e;
}

// Max finite element magnitude as a float (448, 57344, 28, 7.5, 6, 127/64).
TESSERA_HOST_DEVICE inline float element_max_finite(ElementFormat format) {
  const ElementSpec s = element_spec(format);
  return round_to_fp32(false, s.max_units, s.lsb_exponent);
}

TESSERA_HOST_DEVICE inline int clamp_scale_exponent(int exponent) {
  return exponent < kMinScaleExponent ? kMinScaleExponent
                                      : (exponent > kMaxScaleExponent ? kMaxScaleExponent : exponent);
}

// Scale exponent for a block whose largest magnitude has FP32 bits `amax_bits` (finite, sign
// cleared, nonzero). Clamped to [-127, 127].
TESSERA_HOST_DEVICE inline int scale_exponent(std::uint32_t amax_bits, ElementFormat format, ScaleRule rule) {
  const ElementSpec s = element_spec(format);
  int exponent = 0;
  switch (rule) {
    case ScaleRule::floor: exponent = floor_log2_fp32(amax_bits) - s.emax; break;
    case ScaleRule::ceil: exponent = ceil_log2_fp32(amax_bits) - s.emax; break;
    case ScaleRule::rceil: {
      const float reciprocal = 1.0f / element_max_finite(format);
      const float descale = float_from_bits(amax_bits) * reciprocal;
      exponent = ceil_log2_fp32(float_bits(descale));
      break;
    }
    case ScaleRule::even: {
      const std::uint32_t rounded =
          (amax_bits + (std::uint32_t{1} << (22 - s.mantissa_bits))) & 0x7F800000u;
      exponent = static_cast<int>(rounded >> 23) - 127 - s.emax;
      break;
    }
    case ScaleRule::floor_float32_log2: exponent = floor_float32_log2(amax_bits) - s.emax; break;
  }
  return clamp_scale_exponent(exponent);
}

}  // namespace tessera::mx
