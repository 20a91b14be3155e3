#pragma once
// A survey of what each golden arithmetic unit does to numbers: the main job's output until the
// network runtime exists, and a quick sanity read for an architect choosing a format or a
// multiplier. Deterministic for a given seed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "golden/approx/metrics.h"

namespace tessera::survey {

// One MX element format, quantized with the default (OCP) policy in blocks of 32.
struct MxFormatRow {
  std::string format;
  int element_bits = 0;
  double bits_per_element = 0.0;   // element bits + the 8-bit scale shared by 32 elements
  double max_normal = 0.0;         // largest finite element magnitude
  double snr_gaussian_db = 0.0;    // N(0,1) data
  double snr_outliers_db = 0.0;    // N(0,1) with 1 % of values scaled by 20: activation outliers
  double snr_gaussian_rceil_db = 0.0;  // N(0,1) with the RCEIL scale rule instead of FLOOR
  double dot_snr_db = 0.0;         // MX dot products of length 1024 against exact FP64 products
};

// One 8x8 signed multiplier: its exhaustive error metrics and what it does to dot products.
struct MultiplierRow {
  std::string name;
  approx::ErrorMetrics metrics;
  std::optional<double> power_mw_pdk45;  // published (bundled EvoApprox circuits only)
  std::optional<double> area_um2_pdk45;
  double dot_snr_db = 0.0;        // int8 dot products of length 256 against the exact multiplier
  double dot_bias_percent = 0.0;  // mean error of those dot products, % of their RMS value
};

// One optical quantizer setting (levels, lut_min) applied to N(0,1) data and to a GEMM.
struct OpticalRow {
  int levels = 0;
  double lut_min = 0.0;
  double snr_quantizer_db = 0.0;  // elementwise, deterministic rounding, range = data min/max
  double snr_gemm_db = 0.0;       // 64x256x64 optical GEMM (calibrated ranges) against FP32
};

struct GoldenSurvey {
  std::uint64_t seed = 0;
  std::vector<MxFormatRow> mx;
  std::vector<MultiplierRow> multipliers;
  std::vector<OpticalRow> optical;
};

GoldenSurvey survey_golden(std::uint64_t seed);
nlohmann::json to_json(const GoldenSurvey& survey);

}  // namespace tessera::survey
