#include "sim/survey/golden_survey.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>

#include "golden/approx/catalog.h"
#include "golden/approx/gemm.h"
#include "golden/mx/element_format.h"
#include "golden/mx/gemm.h"
#include "golden/optical/config.h"
#include "golden/optical/layer.h"
#include "golden/optical/quantizer.h"
#include "golden/mx/tensor.h"
#include "sim/metrics/error_stats.h"

namespace tessera::survey {
namespace {

constexpr std::size_t kMxRows = 32;
constexpr std::size_t kMxColumns = 1024;
constexpr std::size_t kMxBlock = 32;
constexpr std::size_t kDotDepth = 256;
constexpr std::size_t kDotRows = 32;

std::vector<float> gaussian(std::size_t count, std::mt19937_64& generator) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(count);
  for (float& v : values) v = normal(generator);
  return values;
}

std::vector<float> with_outliers(std::vector<float> values, std::mt19937_64& generator) {
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (float& v : values) {
    if (uniform(generator) < 0.01) v *= 20.0f;
  }
  return values;
}

double mx_snr(const std::vector<float>& values, mx::ElementFormat format, mx::ScaleRule rule) {
  mx::QuantizePolicy policy;
  policy.scale_rule = rule;
  const mx::QuantizedRows q =
      mx::quantize_rows(values.data(), kMxRows, kMxColumns, format, kMxBlock, policy);
  const std::vector<float> back = mx::dequantize_rows(q);
  return metrics::compare(values.data(), back.data(), values.size()).snr_db;
}

// MX GEMM of two N(0,1) matrices (rows x 1024 each) against the same product in FP64.
double mx_dot_snr(mx::ElementFormat format, std::mt19937_64& generator) {
  const std::vector<float> a = gaussian(kMxRows * kMxColumns, generator);
  const std::vector<float> b = gaussian(kMxRows * kMxColumns, generator);
  const mx::QuantizePolicy policy;
  const auto qa = mx::quantize_rows(a.data(), kMxRows, kMxColumns, format, kMxBlock, policy);
  const auto qb = mx::quantize_rows(b.data(), kMxRows, kMxColumns, format, kMxBlock, policy);
  const std::vector<float> product = mx::mx_gemm(qa, qb);
  std::vector<float> exact(kMxRows * kMxRows);
  for (std::size_t i = 0; i < kMxRows; ++i) {
    for (std::size_t j = 0; j < kMxRows; ++j) {
      double sum = 0.0;
      for (std::size_t k = 0; k < kMxColumns; ++k) {
        sum += static_cast<double>(a[i * kMxColumns + k]) * b[j * kMxColumns + k];
      }
      exact[i * kMxRows + j] = static_cast<float>(sum);
    }
  }
  return metrics::compare(exact.data(), product.data(), exact.size()).snr_db;
}

// INT8 operands as a quantized N(0,1) tensor gives them: |x| <= 3 sigma maps to 127.
std::vector<std::int8_t> int8_operands(std::size_t count, std::mt19937_64& generator) {
  std::normal_distribution<double> normal(0.0, 127.0 / 3.0);
  std::vector<std::int8_t> codes(count);
  for (auto& c : codes) {
    c = static_cast<std::int8_t>(std::clamp(std::nearbyint(normal(generator)), -127.0, 127.0));
  }
  return codes;
}

MultiplierRow survey_multiplier(const std::string& name, const std::vector<std::int8_t>& activations,
                                const std::vector<std::int8_t>& weights,
                                const std::vector<float>& exact_dots) {
  const approx::MultiplierTable table = approx::load_multiplier(name);
  MultiplierRow row;
  row.name = name;
  row.metrics = approx::characterize(table);
  if (const auto bundled = approx::find_bundled(name)) {
    row.power_mw_pdk45 = bundled->power_mw_pdk45;
    row.area_um2_pdk45 = bundled->area_um2_pdk45;
  }
  const std::vector<std::int32_t> dots =
      approx::approx_gemm(table, activations.data(), weights.data(), kDotRows, kDotRows, kDotDepth);
  const std::vector<float> dots_float(dots.begin(), dots.end());
  const metrics::ErrorStats stats =
      metrics::compare(exact_dots.data(), dots_float.data(), exact_dots.size());
  row.dot_snr_db = stats.snr_db;
  double signal = 0.0;
  for (const float d : exact_dots) signal += static_cast<double>(d) * d;
  const double rms = std::sqrt(signal / static_cast<double>(exact_dots.size()));
  row.dot_bias_percent = rms == 0.0 ? 0.0 : 100.0 * stats.mean_error / rms;
  return row;
}

OpticalRow survey_optical(int levels, float lut_min, const std::vector<float>& data,
                          std::mt19937_64& generator) {
  OpticalRow row;
  row.levels = levels;
  row.lut_min = lut_min;
  const auto [low, high] = std::minmax_element(data.begin(), data.end());
  const optical::QuantizerParams params =
      optical::make_quantizer(levels, *low, *high, lut_min, "survey quantizer");
  const optical::QuantizedTensor q = optical::quantize(
      data.data(), data.size(), params, optical::Rounding::deterministic, {}, "survey data");
  row.snr_quantizer_db = metrics::compare(data.data(), q.values.data(), data.size()).snr_db;

  constexpr std::size_t kRows = 64, kDepth = 256, kOutputs = 64;
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(kRows * kDepth), w(kOutputs * kDepth);
  for (float& v : x) v = normal(generator);
  for (float& v : w) v = normal(generator) / 16.0f;
  optical::OpticalConfig config;
  config.q_levels = levels;
  config.q_lut_min = lut_min;
  optical::OpticalLinear layer("survey", 1, optical::make_matrix(kOutputs, kDepth, w), {}, config);
  const optical::Matrix input = optical::make_matrix(kRows, kDepth, x);
  layer.set_calibrating(true);
  layer.calibrate(input);
  layer.set_calibrating(false);
  const optical::Matrix out = layer.forward(input);
  const optical::Matrix reference =
      optical::float_gemm(input, optical::make_matrix(kOutputs, kDepth, w), {});
  row.snr_gemm_db = metrics::compare(reference.data.data(), out.data.data(), out.size()).snr_db;
  return row;
}

}  // namespace

GoldenSurvey survey_golden(std::uint64_t seed) {
  GoldenSurvey survey;
  survey.seed = seed;
  std::mt19937_64 generator(seed);

  const std::vector<float> normal_data = gaussian(kMxRows * kMxColumns, generator);
  const std::vector<float> outlier_data = with_outliers(normal_data, generator);
  for (const mx::ElementFormat format : mx::kAllElementFormats) {
    const mx::ElementSpec spec = mx::element_spec(format);
    MxFormatRow row;
    row.format = std::string(mx::element_format_name(format));
    row.element_bits = spec.bits;
    row.bits_per_element = spec.bits + 8.0 / static_cast<double>(kMxBlock);
    row.max_normal = std::ldexp(static_cast<double>(spec.max_units), spec.lsb_exponent);
    row.snr_gaussian_db = mx_snr(normal_data, format, mx::ScaleRule::floor);
    row.snr_outliers_db = mx_snr(outlier_data, format, mx::ScaleRule::floor);
    row.snr_gaussian_rceil_db = mx_snr(normal_data, format, mx::ScaleRule::rceil);
    row.dot_snr_db = mx_dot_snr(format, generator);
    survey.mx.push_back(row);
  }

  const std::vector<std::int8_t> activations = int8_operands(kDotRows * kDotDepth, generator);
  const std::vector<std::int8_t> weights = int8_operands(kDotRows * kDotDepth, generator);
  const approx::MultiplierTable exact = approx::load_multiplier("exact");
  const std::vector<std::int32_t> exact_int =
      approx::approx_gemm(exact, activations.data(), weights.data(), kDotRows, kDotRows, kDotDepth);
  const std::vector<float> exact_dots(exact_int.begin(), exact_int.end());
  for (const auto& bundled : approx::bundled_multipliers()) {
    survey.multipliers.push_back(survey_multiplier(bundled.name, activations, weights, exact_dots));
  }
  for (const std::string& name : approx::parametric_multiplier_names()) {
    survey.multipliers.push_back(survey_multiplier(name, activations, weights, exact_dots));
  }

  for (const int levels : {16, 64, 256}) {
    for (const float lut_min : {0.0f, 0.02004f}) {
      survey.optical.push_back(survey_optical(levels, lut_min, normal_data, generator));
    }
  }
  return survey;
}

nlohmann::json to_json(const GoldenSurvey& survey) {
  nlohmann::json out;
  out["seed"] = survey.seed;
  for (const auto& row : survey.mx) {
    out["mx_formats"].push_back({{"format", row.format},
                                 {"element_bits", row.element_bits},
                                 {"bits_per_element", row.bits_per_element},
                                 {"max_normal", row.max_normal},
                                 {"snr_gaussian_db", row.snr_gaussian_db},
                                 {"snr_outliers_db", row.snr_outliers_db},
                                 {"snr_gaussian_rceil_db", row.snr_gaussian_rceil_db},
                                 {"dot_snr_db", row.dot_snr_db}});
  }
  for (const auto& row : survey.multipliers) {
    nlohmann::json entry = {{"name", row.name},
                            {"mae", row.metrics.mae},
                            {"wce", row.metrics.wce},
                            {"ep_percent", row.metrics.ep_percent},
                            {"mre_percent", row.metrics.mre_percent},
                            {"mse", row.metrics.mse},
                            {"mean_error", row.metrics.mean_error},
                            {"symmetric", row.metrics.symmetric},
                            {"dot_snr_db", row.dot_snr_db},
                            {"dot_bias_percent", row.dot_bias_percent}};
    if (row.power_mw_pdk45) entry["power_mw_pdk45"] = *row.power_mw_pdk45;
    if (row.area_um2_pdk45) entry["area_um2_pdk45"] = *row.area_um2_pdk45;
    out["multipliers"].push_back(entry);
  }
  for (const auto& row : survey.optical) {
    out["optical"].push_back({{"levels", row.levels},
                              {"lut_min", row.lut_min},
                              {"snr_quantizer_db", row.snr_quantizer_db},
                              {"snr_gemm_db", row.snr_gemm_db}});
  }
  return out;
}

}  // namespace tessera::survey
