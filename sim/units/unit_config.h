#pragma once
// Typed configurations of the emulated arithmetic units a mapped node can run on, read from the
// "unit" objects of mapping rules (sim/mapping/rules.h). Every parse error is a ConfigError whose
// message starts with the key path, e.g.
//   "rules[2].unit.multiplier: multiplier 'mul8s_XXXX': unknown name; expected one of: ..."
//
// JSON (all keys but "kind" optional unless stated; unknown keys are errors):
//   {"kind": "fp32"}
//   {"kind": "approx", "multiplier": "mul8s_1L2H" (required: bundled name, parametric name or
//    .lut path), "calibrator": "max|percentile|mse|entropy" (percentile), "percentile": 99.99,
//    "weight_granularity": "per_tensor|per_channel" (per_channel), "calibration_batches": 0}
//   {"kind": "mx", "weight_format": "fp8_e4m3", "activation_format": "fp8_e4m3", "block": 32,
//    "preset": "ocp", "scale": <scale rule>, "round": <rounding>, "overflow": "sat|ovf",
//    "accumulation": "fused_exact|block_then_fp32|emu_dequant_fp32", "seed": 0}
//   {"kind": "optical", <every key of golden/optical/config.h's config_from_json>}
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "golden/approx/calibrate.h"
#include "golden/approx/table.h"
#include "golden/mx/element_format.h"
#include "golden/mx/policy.h"
#include "golden/optical/config.h"

namespace tessera::units {

enum class UnitKind { fp32, approx, mx, optical };
const char* unit_kind_name(UnitKind kind);  // "fp32", "approx", "mx", "optical"
// ConfigError naming `where` and listing the kinds for anything else.
UnitKind parse_unit_kind(const std::string& name, const std::string& where);

enum class WeightGranularity { per_tensor, per_channel };
const char* weight_granularity_name(WeightGranularity granularity);

struct ApproxConfig {
  std::string multiplier;  // as given (name or path)
  // The loaded table, shared by every node the config maps (validated at parse time).
  std::shared_ptr<const approx::MultiplierTable> table;
  approx::CalibrationMethod calibrator = approx::CalibrationMethod::percentile;
  double percentile = 99.99;
  WeightGranularity weight_granularity = WeightGranularity::per_channel;
  int calibration_batches = 0;  // a hint for the caller (0: no preference)
  // The activation calibrator's configuration (method, percentile; golden's other defaults).
  approx::CalibratorConfig activation_calibrator() const;
};

struct MxConfig {
  mx::ElementFormat weight_format = mx::ElementFormat::fp8_e4m3;
  mx::ElementFormat activation_format = mx::ElementFormat::fp8_e4m3;
  std::size_t block = 32;
  std::string preset = "ocp";
  mx::QuantizePolicy policy;  // the preset's, with the overrides applied
  mx::Accumulation accumulation = mx::Accumulation::fused_exact;
};

struct UnitConfig {
  UnitKind kind = UnitKind::fp32;
  ApproxConfig approx;              // kind == approx
  MxConfig mx;                      // kind == mx
  optical::OpticalConfig optical;   // kind == optical
  // Array geometry, clock, scratchpads and DRAM for the cost models (hardware.h); absent: the
  // models' defaults.
  std::optional<nlohmann::json> hardware;

  // One line, e.g. "approx mul8s_1L2H, per-channel weights, percentile 99.99".
  std::string describe() const;
};

// Reads one unit object; `where` is its key path ("rules[2].unit").
UnitConfig unit_config_from_json(const nlohmann::json& object, const std::string& where);
// The canonical JSON of a config (every key, defaults filled in), for reports.
nlohmann::json unit_config_to_json(const UnitConfig& config);

UnitConfig fp32_unit();

}  // namespace tessera::units
