#pragma once
// Every choice the OCP MX v1.0 spec leaves open, or that peers make differently, as an explicit
// field. The defaults are the spec's behaviour; presets (presets.cpp) are named bundles.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "golden/mx/element_encode.h"
#include "golden/mx/element_format.h"
#include "golden/mx/scale.h"
#include "golden/rng/counter_rng.h"

namespace tessera::mx {

// Element codes written for a block whose scale is NaN (a NaN or Inf input). The decoded values
// are NaN whatever the codes (spec §5.1); encodings under a NaN scale are out of scope (§4).
enum class NanBlockCodes : std::uint8_t {
  zero,        // all 0x00 (torchmx)
  format_nan,  // the FP8 NaN 0x7F (torchao's E4M3 cast of NaN); 0x00 for formats without NaN
};

// FP32-subnormal inputs.
enum class SubnormalInputs : std::uint8_t {
  keep,   // quantized like any value (microxcaling, torchao, torchmx)
  flush,  // P_i = 0, keeping the sign (paper Algorithm 1 note on line 4); amax is not affected
};

struct QuantizePolicy {
  ScaleRule scale_rule = ScaleRule::floor;
  ElementRounding rounding = ElementRounding::nearest_even;
  Overflow overflow = Overflow::saturate;  // to_inf_or_nan only for FP8
  NanBlockCodes nan_block_codes = NanBlockCodes::zero;
  // Scale byte of an all-zero block (log2 0 is undefined; all peers write 0x00 = 2^-127).
  std::uint8_t zero_block_scale = 0x00;
  SubnormalInputs subnormal_inputs = SubnormalInputs::keep;
  // Stochastic rounding key: Philox(seed, stream, flat element index).
  std::uint64_t seed = 0;
  std::uint32_t stream = rng::make_stream(0, rng::Purpose::mx_stochastic_rounding);
};

// How a dot product's blocks are reduced (research/mx.md §5.1; the spec leaves it open).
enum class Accumulation : std::uint8_t {
  fused_exact,       // acc' = RNE_fp32(acc + S_j * 2^E_j): one rounding per block (MXDOTP-like)
  block_then_fp32,   // c_j = RNE_fp32(S_j * 2^E_j); acc' = RNE_fp32(acc + c_j)
  emu_dequant_fp32,  // dequantize elements to FP32, then acc' = fma_fp32(a_i, b_i, acc) in order
};

// Throws ConfigError when the policy cannot apply to `format` (e.g. OVF for a non-FP8 format).
// `what` names the source of the setting in the message (e.g. "--overflow").
void validate_policy(const QuantizePolicy& policy, ElementFormat format, std::string_view what = "overflow");

struct Preset {
  std::string_view name;
  std::string_view reproduces;  // the peer source whose documented behaviour it reproduces
  QuantizePolicy quantize;
  Accumulation accumulation;
};

const std::vector<Preset>& presets();
// Throws ConfigError listing the valid preset names.
const Preset& find_preset(std::string_view name);

// Parsers for the user-facing policy names; each throws ConfigError naming `what` and listing
// the valid names.
ScaleRule parse_scale_rule(std::string_view name, std::string_view what = "scale rule");  // floor ceil rceil even floor_float32_log2
ElementRounding parse_rounding(std::string_view name, std::string_view what = "rounding");  // even away zero stochastic
Overflow parse_overflow(std::string_view name, std::string_view what = "overflow");  // sat ovf
Accumulation parse_accumulation(std::string_view name, std::string_view what = "accumulation");  // fused_exact block_then_fp32 emu_dequant_fp32
std::string_view scale_rule_name(ScaleRule rule);
std::string_view rounding_name(ElementRounding rounding);
std::string_view overflow_name(Overflow overflow);
std::string_view accumulation_name(Accumulation accumulation);

}  // namespace tessera::mx
