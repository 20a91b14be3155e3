#include "sim/survey/golden_survey.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace tessera::survey {
namespace {

const GoldenSurvey& survey_once() {
  static const GoldenSurvey survey = survey_golden(1);
  return survey;
}

std::map<std::string, MxFormatRow> mx_by_format() {
  std::map<std::string, MxFormatRow> rows;
  for (const auto& row : survey_once().mx) rows[row.format] = row;
  return rows;
}

const MultiplierRow& multiplier(const std::string& name) {
  for (const auto& row : survey_once().multipliers) {
    if (row.name == name) return row;
  }
  throw std::runtime_error("no multiplier " + name);
}

TEST(GoldenSurvey, CoversEveryMxFormat) {
  const auto rows = mx_by_format();
  EXPECT_EQ(rows.size(), 6u);
  EXPECT_DOUBLE_EQ(rows.at("fp8_e4m3").max_normal, 448.0);
  EXPECT_DOUBLE_EQ(rows.at("fp4_e2m1").max_normal, 6.0);
  EXPECT_DOUBLE_EQ(rows.at("fp4_e2m1").bits_per_element, 4.25);
}

// More mantissa bits means less quantization noise: the survey must rank the formats that way
// (about 6 dB per mantissa bit), or the arithmetic underneath is wrong.
TEST(GoldenSurvey, MxSnrFollowsMantissaWidth) {
  const auto rows = mx_by_format();
  EXPECT_GT(rows.at("int8").snr_gaussian_db, rows.at("fp8_e4m3").snr_gaussian_db + 6.0);
  EXPECT_GT(rows.at("fp8_e4m3").snr_gaussian_db, rows.at("fp8_e5m2").snr_gaussian_db + 3.0);
  EXPECT_GT(rows.at("fp6_e2m3").snr_gaussian_db, rows.at("fp6_e3m2").snr_gaussian_db + 3.0);
  EXPECT_GT(rows.at("fp6_e3m2").snr_gaussian_db, rows.at("fp4_e2m1").snr_gaussian_db + 3.0);
  EXPECT_GT(rows.at("fp4_e2m1").snr_gaussian_db, 12.0);
  for (const auto& [name, row] : rows) {
    EXPECT_TRUE(std::isfinite(row.snr_outliers_db)) << name;
    EXPECT_TRUE(std::isfinite(row.dot_snr_db)) << name;
    // Dot products average independent rounding errors: never much worse than the elements.
    EXPECT_GT(row.dot_snr_db, row.snr_gaussian_db - 6.0) << name;
  }
}

TEST(GoldenSurvey, ExactMultipliersLeaveDotProductsUntouched) {
  EXPECT_TRUE(std::isinf(multiplier("exact").dot_snr_db));
  EXPECT_TRUE(std::isinf(multiplier("mul8s_1KV8").dot_snr_db));
  EXPECT_EQ(multiplier("mul8s_1KV8").metrics.wce, 0.0);
  ASSERT_TRUE(multiplier("mul8s_1KV8").power_mw_pdk45.has_value());
  EXPECT_DOUBLE_EQ(*multiplier("mul8s_1KV8").power_mw_pdk45, 0.425);
  EXPECT_FALSE(multiplier("mitchell").power_mw_pdk45.has_value());
}

TEST(GoldenSurvey, CoarserMultipliersDegradeDotProducts) {
  EXPECT_GT(multiplier("mul8s_1KVA").dot_snr_db, multiplier("mul8s_1L2D").dot_snr_db);
  EXPECT_GT(multiplier("mul8s_1L2D").dot_snr_db, multiplier("mul8s_1KR3").dot_snr_db);
  // Truncation only ever drops partial-product bits: its dot products are biased low.
  EXPECT_LT(multiplier("trunc4").dot_bias_percent, 0.0);
}

TEST(GoldenSurvey, IsDeterministicForASeed) {
  const GoldenSurvey again = survey_golden(1);
  ASSERT_EQ(again.mx.size(), survey_once().mx.size());
  for (std::size_t i = 0; i < again.mx.size(); ++i) {
    EXPECT_EQ(again.mx[i].snr_gaussian_db, survey_once().mx[i].snr_gaussian_db);
  }
  EXPECT_NE(survey_golden(2).mx[0].snr_gaussian_db, survey_once().mx[0].snr_gaussian_db);
}

TEST(GoldenSurvey, JsonCarriesEveryRow) {
  const nlohmann::json json = to_json(survey_once());
  EXPECT_EQ(json["mx_formats"].size(), survey_once().mx.size());
  EXPECT_EQ(json["multipliers"].size(), survey_once().multipliers.size());
  EXPECT_EQ(json["mx_formats"][0]["format"], survey_once().mx[0].format);
}

}  // namespace
}  // namespace tessera::survey
