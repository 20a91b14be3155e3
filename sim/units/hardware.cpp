#include "sim/units/hardware.h"

#include <cmath>

#include "golden/common/error.h"

namespace tessera::units {
namespace {

std::uint64_t bits_for_levels(std::int64_t levels) {
  return static_cast<std::uint64_t>(std::ceil(std::log2(static_cast<double>(std::max<std::int64_t>(levels, 2)))));
}

}  // namespace

models::AcceleratorConfig accelerator_for(const UnitConfig& config, const std::string& where) {
  if (config.kind == UnitKind::fp32) {
    throw ConfigError(where + ": an fp32 unit has no accelerator model");
  }
  nlohmann::json hardware = config.hardware.value_or(nlohmann::json::object());
  if (!hardware.is_object()) {
    throw ConfigError(where + ".hardware: expected an object, got " + hardware.dump());
  }
  if (hardware.contains("unit") && hardware.at("unit") != unit_kind_name(config.kind)) {
    throw ConfigError(where + ".hardware.unit: " + hardware.at("unit").dump() + " differs from the unit kind '" +
                      unit_kind_name(config.kind) + "'; leave it out");
  }
  hardware["unit"] = unit_kind_name(config.kind);
  models::AcceleratorConfig accelerator = models::accelerator_config_from_json(hardware, where + ".hardware");
  switch (config.kind) {
    case UnitKind::approx:
      accelerator.approx.multiplier = config.approx.multiplier;
      break;
    case UnitKind::mx:
      accelerator.mx.format_a = config.mx.activation_format;
      accelerator.mx.format_b = config.mx.weight_format;
      accelerator.mx.block_size = config.mx.block;
      accelerator.mx.accumulation = config.mx.accumulation;
      break;
    case UnitKind::optical: {
      const optical::OpticalConfig& o = config.optical;
      accelerator.optical.input_bits = bits_for_levels(optical::effective_input_levels(o));
      accelerator.optical.weight_bits = bits_for_levels(optical::effective_weight_levels(o));
      accelerator.optical.output_bits = bits_for_levels(optical::effective_output_levels(o));
      accelerator.optical.split_signs = o.sign_handling == optical::SignHandling::split;
      const float lut_min = optical::effective_lut_min(o);
      if (lut_min > 0.0f) accelerator.optical.extinction_ratio_db = -10.0 * std::log10(static_cast<double>(lut_min));
      break;
    }
    case UnitKind::fp32:
      break;
  }
  return accelerator;
}

}  // namespace tessera::units
