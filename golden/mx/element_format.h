#pragma once
// The OCP MX v1.0 element formats (Table 1) and the exact decoding of every code.
// Every element value is (-1)^negative * significand * 2^exponent with an integer significand,
// so decoding never rounds and the same integers drive the dot product's exact block sum.
#include <cstdint>
#include <string>
#include <string_view>

#include "golden/common/host_device.h"
#include "golden/mx/fp32_bits.h"

namespace tessera::mx {

enum class ElementFormat : std::uint8_t { fp8_e4m3, fp8_e5m2, fp6_e3m2, fp6_e2m3, fp4_e2m1, int8 };

inline constexpr ElementFormat kAllElementFormats[] = {
    ElementFormat::fp8_e4m3, ElementFormat::fp8_e5m2, ElementFormat::fp6_e3m2,
    ElementFormat::fp6_e2m3, ElementFormat::fp4_e2m1, ElementFormat::int8};

// Parameters of one element format (research/mx.md §1.2). INT8 is described as a fixed-point
// format: 1 sign, 1 integer and 6 fraction bits, i.e. a two's complement payload times 2^-6.
struct ElementSpec {
  int bits;              // width of a code; codes occupy the low `bits` bits of a byte
  int exponent_bits;     // 0 for INT8
  int mantissa_bits;     // explicit mantissa bits; 6 fraction bits for INT8
  int bias;              // exponent bias; 0 for INT8
  int emax;              // exponent of the largest power of two representable (emax_elem)
  int emin;              // exponent of the smallest normal (1 - bias); 0 for INT8
  int lsb_exponent;      // exponent of the smallest subnormal (INT8: 2^-6)
  std::uint32_t max_units;      // max finite magnitude in units of 2^lsb_exponent
  std::uint8_t max_code;        // positive code of the max finite magnitude
  bool has_inf;          // E5M2 only
  bool has_nan;          // E4M3 (S.1111.111) and E5M2 (S.11111.{01,10,11})
  bool is_integer;       // INT8
};

TESSERA_HOST_DEVICE constexpr ElementSpec element_spec(ElementFormat format) {
  switch (format) {
    case ElementFormat::fp8_e4m3: return {8, 4, 3, 7, 8, -6, -9, 448u << 9, 0x7E, false, true, false};
    case ElementFormat::fp8_e5m2:
      return {8, 5, 2, 15, 15, -14, -16, 57344u << 16, 0x7B, true, true, false};
    case ElementFormat::fp6_e3m2: return {6, 3, 2, 3, 4, -2, -4, 28u << 4, 0x1F, false, false, false};
    case ElementFormat::fp6_e2m3: return {6, 2, 3, 1, 2, 0, -3, 60u, 0x1F, false, false, false};
    case ElementFormat::fp4_e2m1: return {4, 2, 1, 1, 2, 0, -1, 12u, 0x7, false, false, false};
    case ElementFormat::int8: return {8, 0, 6, 0, 0, 0, -6, 127u, 0x7F, false, false, true};
  }
  return {8, 4, 3, 7, 8, -6, -9, 448u << 9, 0x7E, false, true, false};
}

// Number of distinct codes (2^bits).
TESSERA_HOST_DEVICE constexpr unsigned code_count(ElementFormat format) {
  return 1u << element_spec(format).bits;
}

enum class ElementClass : std::uint8_t { finite, infinite, nan };

// (-1)^negative * significand * 2^exponent, exact. For INT8 payload -128 the significand is 128.
struct ElementValue {
  ElementClass kind;
  bool negative;
  std::uint32_t significand;
  int exponent;
};

TESSERA_HOST_DEVICE constexpr ElementValue decode_element(std::uint8_t code, ElementFormat format) {
  const ElementSpec s = element_spec(format);
  const std::uint32_t mask = (1u << s.bits) - 1u;
  const std::uint32_t c = code & mask;
  if (s.is_integer) {
    const int payload = c >= 128u ? static_cast<int>(c) - 256 : static_cast<int>(c);
    const bool negative = payload < 0;
    return {ElementClass::finite, negative,
            static_cast<std::uint32_t>(negative ? -payload : payload), s.lsb_exponent};
  }
  const bool negative = ((c >> (s.bits - 1)) & 1u) != 0;
  const std::uint32_t exponent_field = (c >> s.mantissa_bits) & ((1u << s.exponent_bits) - 1u);
  const std::uint32_t mantissa = c & ((1u << s.mantissa_bits) - 1u);
  const std::uint32_t all_ones = (1u << s.exponent_bits) - 1u;
  if (format == ElementFormat::fp8_e5m2 && exponent_field == all_ones) {
    return {mantissa == 0 ? ElementClass::infinite : ElementClass::nan, negative, 0, 0};
  }
  if (format == ElementFormat::fp8_e4m3 && exponent_field == all_ones && mantissa == 7u) {
    return {ElementClass::nan, negative, 0, 0};
  }
  if (exponent_field == 0) return {ElementClass::finite, negative, mantissa, s.lsb_exponent};
  return {ElementClass::finite, negative, (1u << s.mantissa_bits) | mantissa,
          static_cast<int>(exponent_field) - s.bias - s.mantissa_bits};
}

// Exact float value of an element code (every element value is an FP32 number).
TESSERA_HOST_DEVICE inline float element_to_float(std::uint8_t code, ElementFormat format) {
  const ElementValue v = decode_element(code, format);
  if (v.kind == ElementClass::nan) return float_from_bits(kFp32QuietNanBits);
  if (v.kind == ElementClass::infinite) {
    return float_from_bits((v.negative ? 0x80000000u : 0u) | kFp32PositiveInfinityBits);
  }
  return round_to_fp32(v.negative, v.significand, v.exponent);
}

// The canonical codes the encoder produces for special results.
TESSERA_HOST_DEVICE constexpr std::uint8_t sign_bit(ElementFormat format) {
  return element_spec(format).is_integer ? 0 : static_cast<std::uint8_t>(1u << (element_spec(format).bits - 1));
}

// User-facing names: fp8_e4m3, fp8_e5m2, fp6_e3m2, fp6_e2m3, fp4_e2m1, int8.
std::string_view element_format_name(ElementFormat format);
// Throws ConfigError naming `what` (e.g. "--elem") and listing the valid names.
ElementFormat parse_element_format(std::string_view name, std::string_view what = "element format");
std::string element_format_names();  // "fp8_e4m3, fp8_e5m2, ..."

}  // namespace tessera::mx
