// Unit configs from JSON: every kind, defaults, and every bad key/value named by its key path.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "golden/common/error.h"
#include "sim/units/unit_config.h"

namespace {

using namespace tessera;
using nlohmann::json;
using testing::HasSubstr;
using testing::StartsWith;
using units::unit_config_from_json;
using units::UnitKind;

const std::string kWhere = "rules[2].unit";

// The ConfigError message of parsing `j` (fails the test when nothing is thrown).
std::string error_of(const json& j) {
  try {
    unit_config_from_json(j, kWhere);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError for " << j.dump();
  return "";
}

TEST(UnitConfig, Fp32HasNoParameters) {
  EXPECT_EQ(unit_config_from_json(json{{"kind", "fp32"}}, kWhere).kind, UnitKind::fp32);
  EXPECT_THAT(error_of(json{{"kind", "fp32"}, {"bits", 8}}), StartsWith("rules[2].unit.bits: unknown key"));
}

TEST(UnitConfig, KindIsRequiredAndChecked) {
  EXPECT_THAT(error_of(json{{"multiplier", "exact"}}), StartsWith("rules[2].unit.kind: missing"));
  EXPECT_THAT(error_of(json{{"kind", "analog"}}), StartsWith("rules[2].unit.kind: unknown unit kind 'analog'"));
  EXPECT_THAT(error_of(json{{"kind", 3}}), StartsWith("rules[2].unit.kind: expected a string"));
  EXPECT_THAT(error_of(json::array()), StartsWith("rules[2].unit: expected an object"));
}

TEST(UnitConfig, ApproxDefaultsAndTable) {
  const auto c = unit_config_from_json(json{{"kind", "approx"}, {"multiplier", "mul8s_1L2H"}}, kWhere);
  ASSERT_EQ(c.kind, UnitKind::approx);
  ASSERT_TRUE(c.approx.table);
  EXPECT_EQ(c.approx.table->name(), "mul8s_1L2H");
  EXPECT_FALSE(c.approx.table->is_exact());
  EXPECT_EQ(c.approx.calibrator, approx::CalibrationMethod::percentile);
  EXPECT_DOUBLE_EQ(c.approx.percentile, 99.99);
  EXPECT_EQ(c.approx.weight_granularity, units::WeightGranularity::per_channel);
  EXPECT_EQ(c.describe(), "approx mul8s_1L2H, per-channel weights, percentile 99.99");
  const auto t = unit_config_from_json(json{{"kind", "approx"}, {"multiplier", "trunc4"}, {"calibrator", "mse"},
                                            {"weight_granularity", "per_tensor"}, {"calibration_batches", 4}},
                                       kWhere);
  EXPECT_EQ(t.approx.calibrator, approx::CalibrationMethod::mse);
  EXPECT_EQ(t.approx.weight_granularity, units::WeightGranularity::per_tensor);
  EXPECT_EQ(t.approx.calibration_batches, 4);
  EXPECT_EQ(t.describe(), "approx trunc4, per-tensor weights, mse");
}

TEST(UnitConfig, ApproxErrorsNameTheKey) {
  const json base{{"kind", "approx"}, {"multiplier", "exact"}};
  auto with = [&](const char* key, json value) {
    json j = base;
    j[key] = std::move(value);
    return error_of(j);
  };
  const std::string unknown = with("multiplier", "mul8s_XXXX");
  EXPECT_THAT(unknown, StartsWith("rules[2].unit.multiplier: "));
  EXPECT_THAT(unknown, HasSubstr("mul8s_XXXX"));
  EXPECT_THAT(unknown, HasSubstr("mul8s_1L2H"));  // the accepted names are listed
  EXPECT_THAT(error_of(json{{"kind", "approx"}}), StartsWith("rules[2].unit.multiplier: missing"));
  EXPECT_THAT(with("multiplier", 5), StartsWith("rules[2].unit.multiplier: expected a string"));
  EXPECT_THAT(with("multiplier", "/nonexistent/x.lut"), StartsWith("rules[2].unit.multiplier: "));
  EXPECT_THAT(with("calibrator", "median"), StartsWith("rules[2].unit.calibrator: "));
  EXPECT_THAT(with("percentile", 0), StartsWith("rules[2].unit.percentile: must be in (0, 100]"));
  EXPECT_THAT(with("percentile", 100.5), StartsWith("rules[2].unit.percentile: must be in (0, 100]"));
  EXPECT_THAT(with("percentile", "high"), StartsWith("rules[2].unit.percentile: expected a number"));
  EXPECT_THAT(with("weight_granularity", "per_row"), StartsWith("rules[2].unit.weight_granularity: unknown"));
  EXPECT_THAT(with("calibration_batches", -1), StartsWith("rules[2].unit.calibration_batches: must be"));
  EXPECT_THAT(with("multipler", "exact"), StartsWith("rules[2].unit.multipler: unknown key"));
}

TEST(UnitConfig, MxDefaultsPresetAndOverrides) {
  const auto d = unit_config_from_json(json{{"kind", "mx"}}, kWhere);
  EXPECT_EQ(d.mx.weight_format, mx::ElementFormat::fp8_e4m3);
  EXPECT_EQ(d.mx.activation_format, mx::ElementFormat::fp8_e4m3);
  EXPECT_EQ(d.mx.block, 32u);
  EXPECT_EQ(d.mx.preset, "ocp");
  EXPECT_EQ(d.mx.accumulation, mx::find_preset("ocp").accumulation);
  const auto c = unit_config_from_json(json{{"kind", "mx"}, {"weight_format", "fp4_e2m1"}, {"activation_format", "int8"},
                                            {"block", 16}, {"preset", "torchao"}, {"scale", "rceil"},
                                            {"round", "zero"}, {"accumulation", "emu_dequant_fp32"}, {"seed", 7}},
                                       kWhere);
  EXPECT_EQ(c.mx.weight_format, mx::ElementFormat::fp4_e2m1);
  EXPECT_EQ(c.mx.activation_format, mx::ElementFormat::int8);
  EXPECT_EQ(c.mx.block, 16u);
  EXPECT_EQ(c.mx.policy.scale_rule, mx::parse_scale_rule("rceil"));
  EXPECT_EQ(c.mx.policy.rounding, mx::parse_rounding("zero"));
  EXPECT_EQ(c.mx.accumulation, mx::Accumulation::emu_dequant_fp32);
  EXPECT_EQ(c.mx.policy.seed, 7u);
  EXPECT_THAT(c.describe(), HasSubstr("w=fp4_e2m1 a=int8, block 16, torchao, emu_dequant_fp32"));
}

TEST(UnitConfig, MxErrorsNameTheKey) {
  auto with = [&](const char* key, json value) {
    json j{{"kind", "mx"}};
    j[key] = std::move(value);
    return error_of(j);
  };
  EXPECT_THAT(with("weight_format", "fp9"), StartsWith("rules[2].unit.weight_format: unknown element format 'fp9'"));
  EXPECT_THAT(with("activation_format", "e4m3"), StartsWith("rules[2].unit.activation_format: "));
  EXPECT_THAT(with("block", 0), StartsWith("rules[2].unit.block: must be in [1, 4096]"));
  EXPECT_THAT(with("block", 3.5), StartsWith("rules[2].unit.block: expected an integer"));
  EXPECT_THAT(with("preset", "nvidia"), StartsWith("rules[2].unit.preset: "));
  EXPECT_THAT(with("scale", "up"), StartsWith("rules[2].unit.scale: "));
  EXPECT_THAT(with("round", "banker"), StartsWith("rules[2].unit.round: "));
  EXPECT_THAT(with("overflow", "wrap"), StartsWith("rules[2].unit.overflow: "));
  EXPECT_THAT(with("accumulation", "fp16"), StartsWith("rules[2].unit.accumulation: "));
  EXPECT_THAT(with("seed", -1), StartsWith("rules[2].unit.seed: expected a non-negative integer"));
  EXPECT_THAT(with("blocksize", 32), StartsWith("rules[2].unit.blocksize: unknown key"));
  // OVF is defined only for FP8: named with the format it clashes with.
  EXPECT_THAT(error_of(json{{"kind", "mx"}, {"weight_format", "fp4_e2m1"}, {"overflow", "ovf"}}),
              StartsWith("rules[2].unit.overflow (weight_format): overflow 'ovf'"));
}

TEST(UnitConfig, OpticalUsesGoldenParser) {
  const auto d = unit_config_from_json(json{{"kind", "optical"}}, kWhere);
  EXPECT_EQ(d.optical.q_levels, 256);
  EXPECT_DOUBLE_EQ(d.optical.q_lut_min, 0.020040);
  const auto c = unit_config_from_json(json{{"kind", "optical"}, {"q_levels", 16}, {"q_smooth_factor", 0.5},
                                            {"q_init_seed", 3u}, {"q_quantiles", {0.01, 0.99}},
                                            {"output_levels", 64}, {"sign_handling", "split"}},
                                       kWhere);
  EXPECT_EQ(c.optical.q_levels, 16);
  EXPECT_EQ(c.optical.q_init_seed, 3u);
  ASSERT_TRUE(c.optical.q_quantiles.has_value());
  EXPECT_DOUBLE_EQ(c.optical.q_quantiles->second, 0.99);
  EXPECT_EQ(optical::effective_output_levels(c.optical), 64);
  EXPECT_EQ(c.optical.sign_handling, optical::SignHandling::split);
  EXPECT_THAT(c.describe(), HasSubstr("optical 16/16/64 levels"));
  EXPECT_THAT(error_of(json{{"kind", "optical"}, {"q_level", 16}}), StartsWith("rules[2].unit.q_level: unknown key"));
  EXPECT_THAT(error_of(json{{"kind", "optical"}, {"q_levels", 1}}), StartsWith("rules[2].unit.q_levels: must be in"));
  EXPECT_THAT(error_of(json{{"kind", "optical"}, {"q_bypass", "yes"}}), StartsWith("rules[2].unit.q_bypass: "));
  EXPECT_THAT(error_of(json{{"kind", "optical"}, {"q_quantiles", {0.9, 0.1}}}),
              StartsWith("rules[2].unit.q_quantiles: "));
}

TEST(UnitConfig, ToJsonRoundTrips) {
  for (const json& j : {json{{"kind", "fp32"}}, json{{"kind", "approx"}, {"multiplier", "mul8s_1KV8"}, {"calibrator", "entropy"}},
                        json{{"kind", "mx"}, {"weight_format", "fp6_e2m3"}, {"preset", "microxcaling"}},
                        json{{"kind", "optical"}, {"q_levels", 32}, {"extinction_ratio_db", 20.0}}}) {
    const auto c = unit_config_from_json(j, kWhere);
    const json out = units::unit_config_to_json(c);
    const auto again = unit_config_from_json(out, kWhere);
    EXPECT_EQ(units::unit_config_to_json(again), out) << j.dump();
    EXPECT_EQ(again.describe(), c.describe());
  }
}

}  // namespace
