// Presets are named policy bundles: each reproduces its peer's documented behaviour where it
// differs from the spec (research/mx.md §2.5), and the policy parsers reject unknown names.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "golden/common/error.h"
#include "golden/mx/policy.h"

namespace tessera::mx {
namespace {

TEST(mxPresets, EachPresetCarriesItsPeersPolicies) {
  const Preset& ocp = find_preset("ocp");
  EXPECT_EQ(ocp.quantize.scale_rule, ScaleRule::floor);
  EXPECT_EQ(ocp.quantize.rounding, ElementRounding::nearest_even);
  EXPECT_EQ(ocp.quantize.overflow, Overflow::saturate);
  EXPECT_EQ(ocp.accumulation, Accumulation::fused_exact);
  EXPECT_EQ(find_preset("microxcaling").quantize.rounding, ElementRounding::nearest_away);
  EXPECT_EQ(find_preset("microxcaling").quantize.scale_rule, ScaleRule::floor);
  EXPECT_EQ(find_preset("microxcaling_python").quantize.scale_rule, ScaleRule::floor_float32_log2);
  EXPECT_EQ(find_preset("torchao").quantize.scale_rule, ScaleRule::floor);
  EXPECT_EQ(find_preset("torchao").quantize.nan_block_codes, NanBlockCodes::format_nan);
  EXPECT_EQ(find_preset("torchao_rceil").quantize.scale_rule, ScaleRule::rceil);
  EXPECT_EQ(find_preset("torchmx").quantize.nan_block_codes, NanBlockCodes::zero);
  EXPECT_EQ(find_preset("paper").quantize.subnormal_inputs, SubnormalInputs::flush);
  std::set<std::string_view> names;
  for (const Preset& p : presets()) {
    EXPECT_FALSE(p.reproduces.empty()) << p.name;
    EXPECT_TRUE(names.insert(p.name).second) << p.name;
    EXPECT_EQ(p.quantize.overflow, Overflow::saturate) << p.name;  // every peer clamps in MX
  }
  EXPECT_EQ(names.size(), 7u);
}

TEST(mxPresets, UnknownNamesListTheValidOnes) {
  try {
    find_preset("cuda");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("torchao_rceil"), std::string::npos);
  }
  EXPECT_THROW(parse_scale_rule("round"), ConfigError);
  EXPECT_THROW(parse_rounding("nearest"), ConfigError);
  EXPECT_THROW(parse_overflow("clamp"), ConfigError);
  EXPECT_THROW(parse_accumulation("fast"), ConfigError);
  for (ScaleRule r : {ScaleRule::floor, ScaleRule::ceil, ScaleRule::rceil, ScaleRule::even,
                      ScaleRule::floor_float32_log2}) {
    EXPECT_EQ(parse_scale_rule(scale_rule_name(r)), r);
  }
  for (ElementRounding r : {ElementRounding::nearest_even, ElementRounding::nearest_away,
                            ElementRounding::toward_zero, ElementRounding::stochastic}) {
    EXPECT_EQ(parse_rounding(rounding_name(r)), r);
  }
  for (Accumulation a : {Accumulation::fused_exact, Accumulation::block_then_fp32, Accumulation::emu_dequant_fp32}) {
    EXPECT_EQ(parse_accumulation(accumulation_name(a)), a);
  }
}

TEST(mxPresets, ValidatePolicyRejectsImpossibleCombinations) {
  QuantizePolicy p;
  p.overflow = Overflow::to_inf_or_nan;
  EXPECT_NO_THROW(validate_policy(p, ElementFormat::fp8_e4m3));
  EXPECT_NO_THROW(validate_policy(p, ElementFormat::fp8_e5m2));
  EXPECT_THROW(validate_policy(p, ElementFormat::int8), ConfigError);
  EXPECT_THROW(validate_policy(p, ElementFormat::fp6_e2m3), ConfigError);
  QuantizePolicy q;
  q.zero_block_scale = 0xFF;
  EXPECT_THROW(validate_policy(q, ElementFormat::fp8_e4m3), ConfigError);
}

}  // namespace
}  // namespace tessera::mx
