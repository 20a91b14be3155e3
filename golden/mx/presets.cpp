// Named policy bundles reproducing peers' documented behaviour (research/mx.md §2).
#include <string>

#include "golden/common/error.h"
#include "golden/mx/policy.h"

namespace tessera::mx {
namespace {

QuantizePolicy make(ScaleRule scale, ElementRounding rounding, NanBlockCodes nan_codes,
                    SubnormalInputs subnormals) {
  QuantizePolicy p;
  p.scale_rule = scale;
  p.rounding = rounding;
  p.nan_block_codes = nan_codes;
  p.subnormal_inputs = subnormals;
  return p;
}

std::vector<Preset> build_presets() {
  using R = ElementRounding;
  using S = ScaleRule;
  return {
      {"ocp", "OCP MX v1.0 §6.3 conversion (FLOOR, RNE, clamp) and an exact dot product",
       make(S::floor, R::nearest_even, NanBlockCodes::zero, SubnormalInputs::keep),
       Accumulation::fused_exact},
      {"microxcaling",
       "microsoft/microxcaling C++/CUDA path defaults: exponent-bit FLOOR, round='nearest' "
       "(ties away, specs.py), whole block NaN on NaN/Inf, dequantize + FP32 GEMM",
       make(S::floor, R::nearest_away, NanBlockCodes::format_nan, SubnormalInputs::keep),
       Accumulation::emu_dequant_fp32},
      {"microxcaling_python",
       "microsoft/microxcaling mx_ops.py: floor(torch.log2(amax)) in float32 (one binade high "
       "just below powers of two), round='nearest' (ties away)",
       make(S::floor_float32_log2, R::nearest_away, NanBlockCodes::format_nan,
            SubnormalInputs::keep),
       Accumulation::emu_dequant_fp32},
      {"torchao",
       "pytorch/ao mx_formats to_mx with ScaleCalculationMode.FLOOR: RNE, clamp, scale 0xFF and "
       "E4M3 data 0x7F for NaN/Inf blocks, EMULATED dequantize + mm",
       make(S::floor, R::nearest_even, NanBlockCodes::format_nan, SubnormalInputs::keep),
       Accumulation::emu_dequant_fp32},
      {"torchao_rceil",
       "pytorch/ao mx_formats with ScaleCalculationMode.RCEIL (amax * (1/max_pos) rounded up)",
       make(S::rceil, R::nearest_even, NanBlockCodes::format_nan, SubnormalInputs::keep),
       Accumulation::emu_dequant_fp32},
      {"torchmx",
       "rain-neuromorphics/torchmx get_e8m0_shared_exponent: exponent bits - max_pow2, RNE, "
       "clamp, NaN/Inf block -> scale 0xFF with data 0x00, dequantize + bf16/fp32 aten",
       make(S::floor, R::nearest_even, NanBlockCodes::zero, SubnormalInputs::keep),
       Accumulation::emu_dequant_fp32},
      {"paper",
       "Rouhani et al. arXiv 2310.10537 Algorithm 1: FLOOR, clamp, FP32-subnormal V_i -> P_i = 0",
       make(S::floor, R::nearest_even, NanBlockCodes::zero, SubnormalInputs::flush),
       Accumulation::fused_exact},
  };
}

template <class Enum, std::size_t N>
Enum parse_named(std::string_view name, std::string_view what,
                 const std::pair<std::string_view, Enum> (&table)[N]) {
  std::string valid;
  for (const auto& entry : table) {
    if (entry.first == name) return entry.second;
    valid += (valid.empty() ? "" : ", ") + std::string(entry.first);
  }
  throw ConfigError(std::string(what) + ": unknown value '" + std::string(name) +
                    "'; expected one of: " + valid);
}

template <class Enum, std::size_t N>
std::string_view name_of(Enum value, const std::pair<std::string_view, Enum> (&table)[N]) {
  for (const auto& entry : table) {
    if (entry.second == value) return entry.first;
  }
  return "?";
}

constexpr std::pair<std::string_view, ScaleRule> kScaleRules[] = {
    {"floor", ScaleRule::floor},
    {"ceil", ScaleRule::ceil},
    {"rceil", ScaleRule::rceil},
    {"even", ScaleRule::even},
    {"floor_float32_log2", ScaleRule::floor_float32_log2}};
constexpr std::pair<std::string_view, ElementRounding> kRoundings[] = {
    {"even", ElementRounding::nearest_even},
    {"away", ElementRounding::nearest_away},
    {"zero", ElementRounding::toward_zero},
    {"stochastic", ElementRounding::stochastic}};
constexpr std::pair<std::string_view, Overflow> kOverflows[] = {{"sat", Overflow::saturate},
                                                                {"ovf", Overflow::to_inf_or_nan}};
constexpr std::pair<std::string_view, Accumulation> kAccumulations[] = {
    {"fused_exact", Accumulation::fused_exact},
    {"block_then_fp32", Accumulation::block_then_fp32},
    {"emu_dequant_fp32", Accumulation::emu_dequant_fp32}};

}  // namespace

void validate_policy(const QuantizePolicy& policy, ElementFormat format, std::string_view what) {
  if (policy.overflow == Overflow::to_inf_or_nan && element_spec(format).bits != 8) {
    throw ConfigError(std::string(what) + ": overflow 'ovf' (to Inf/NaN) is defined only for "
                      "fp8_e4m3 and fp8_e5m2, not " + std::string(element_format_name(format)) +
                      "; use 'sat'");
  }
  if (policy.overflow == Overflow::to_inf_or_nan && format == ElementFormat::int8) {
    throw ConfigError(std::string(what) + ": overflow 'ovf' is not defined for int8; use 'sat'");
  }
  if (policy.zero_block_scale == kE8M0Nan) {
    throw ConfigError("zero_block_scale: expected a finite E8M0 byte 0x00..0xFE, got 0xFF (NaN)");
  }
}

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = build_presets();
  return all;
}

const Preset& find_preset(std::string_view name) {
  std::string valid;
  for (const Preset& preset : presets()) {
    if (preset.name == name) return preset;
    valid += (valid.empty() ? "" : ", ") + std::string(preset.name);
  }
  throw ConfigError("preset: unknown name '" + std::string(name) + "'; expected one of: " + valid);
}

ScaleRule parse_scale_rule(std::string_view name, std::string_view what) {
  return parse_named(name, what, kScaleRules);
}
ElementRounding parse_rounding(std::string_view name, std::string_view what) {
  return parse_named(name, what, kRoundings);
}
Overflow parse_overflow(std::string_view name, std::string_view what) {
  return parse_named(name, what, kOverflows);
}
Accumulation parse_accumulation(std::string_view name, std::string_view what) {
  return parse_named(name, what, kAccumulations);
}
std::string_view scale_rule_name(ScaleRule rule) { return name_of(rule, kScaleRules); }
std::string_view rounding_name(ElementRounding rounding) { return name_of(rounding, kRoundings); }
std::string_view overflow_name(Overflow overflow) { return name_of(overflow, kOverflows); }
std::string_view accumulation_name(Accumulation accumulation) {
  return name_of(accumulation, kAccumulations);
}

}  // namespace tessera::mx
