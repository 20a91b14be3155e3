#include "sim/units/unit_config.h"

#include <cmath>
#include <set>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "golden/approx/catalog.h"
#include "golden/common/error.h"
#include "sim/units/hardware.h"

namespace tessera::units {

const char* unit_kind_name(UnitKind kind) {
  switch (kind) {
    case UnitKind::fp32: return "fp32";
    case UnitKind::approx: return "approx";
    case UnitKind::mx: return "mx";
    case UnitKind::optical: return "optical";
  }
  return "fp32";
}

UnitKind parse_unit_kind(const std::string& name, const std::string& where) {
  if (name == "fp32") return UnitKind::fp32;
  if (name == "approx") return UnitKind::approx;
  if (name == "mx") return UnitKind::mx;
  if (name == "optical") return UnitKind::optical;
  throw ConfigError(where + ": unknown unit kind '" + name + "'; expected one of fp32, approx, mx, optical");
}

const char* weight_granularity_name(WeightGranularity granularity) {
  return granularity == WeightGranularity::per_tensor ? "per_tensor" : "per_channel";
}

approx::CalibratorConfig ApproxConfig::activation_calibrator() const {
  approx::CalibratorConfig c;
  c.method = calibrator;
  c.percentile = percentile;
  return c;
}

namespace {

using nlohmann::json;

void check_keys(const json& object, const std::string& where, const std::set<std::string>& allowed) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (allowed.count(it.key()) != 0) continue;
    std::string list;
    for (const std::string& key : allowed) list += (list.empty() ? "" : ", ") + key;
    throw ConfigError(where + "." + it.key() + ": unknown key; expected one of " + list);
  }
}

std::string read_string(const json& value, const std::string& key) {
  if (!value.is_string()) throw ConfigError(key + ": expected a string, got " + value.dump());
  return value.get<std::string>();
}

double read_number(const json& value, const std::string& key) {
  if (!value.is_number()) throw ConfigError(key + ": expected a number, got " + value.dump());
  return value.get<double>();
}

std::int64_t read_integer(const json& value, const std::string& key) {
  if (!value.is_number_integer()) throw ConfigError(key + ": expected an integer, got " + value.dump());
  return value.get<std::int64_t>();
}

// Calls a golden parser and re-throws its ConfigError with the key path in front (when the
// message does not already start with it).
template <class F>
auto with_key(const std::string& key, F&& parse) -> decltype(parse()) {
  try {
    return parse();
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    if (message.rfind(key, 0) == 0) throw;
    throw ConfigError(key + ": " + message);
  } catch (const InputError& e) {
    throw ConfigError(key + ": " + std::string(e.what()));
  }
}

ApproxConfig approx_from_json(const json& object, const std::string& where) {
  check_keys(object, where, {"kind", "multiplier", "calibrator", "percentile", "weight_granularity",
                             "calibration_batches"});
  ApproxConfig config;
  if (!object.contains("multiplier")) {
    throw ConfigError(where + ".multiplier: missing; an approx unit needs a multiplier (a bundled "
                              "name such as mul8s_1L2H, a parametric name such as trunc4, or a .lut path)");
  }
  const std::string key = where + ".multiplier";
  config.multiplier = read_string(object.at("multiplier"), key);
  config.table = with_key(key, [&] {
    return std::make_shared<const approx::MultiplierTable>(approx::load_multiplier(config.multiplier));
  });
  if (object.contains("calibrator")) {
    const std::string k = where + ".calibrator";
    const std::string name = read_string(object.at("calibrator"), k);
    config.calibrator = with_key(k, [&] { return approx::parse_calibration_method(name); });
  }
  if (object.contains("percentile")) {
    const std::string k = where + ".percentile";
    config.percentile = read_number(object.at("percentile"), k);
    if (!(config.percentile > 0.0 && config.percentile <= 100.0)) {
      std::ostringstream m;
      m << k << ": must be in (0, 100], got " << config.percentile;
      throw ConfigError(m.str());
    }
  }
  if (object.contains("weight_granularity")) {
    const std::string k = where + ".weight_granularity";
    const std::string name = read_string(object.at("weight_granularity"), k);
    if (name == "per_tensor") {
      config.weight_granularity = WeightGranularity::per_tensor;
    } else if (name == "per_channel") {
      config.weight_granularity = WeightGranularity::per_channel;
    } else {
      throw ConfigError(k + ": unknown granularity '" + name + "'; expected per_tensor or per_channel");
    }
  }
  if (object.contains("calibration_batches")) {
    const std::string k = where + ".calibration_batches";
    const std::int64_t n = read_integer(object.at("calibration_batches"), k);
    if (n < 0 || n > 1000000) throw ConfigError(k + ": must be in [0, 1000000], got " + std::to_string(n));
    config.calibration_batches = static_cast<int>(n);
  }
  with_key(where, [&] { config.activation_calibrator().validate(); return 0; });
  return config;
}

MxConfig mx_from_json(const json& object, const std::string& where) {
  check_keys(object, where, {"kind", "weight_format", "activation_format", "block", "preset", "scale",
                             "round", "overflow", "accumulation", "seed"});
  MxConfig config;
  auto format = [&](const char* name, mx::ElementFormat& out) {
    if (!object.contains(name)) return;
    const std::string k = where + "." + name;
    const std::string value = read_string(object.at(name), k);
    out = with_key(k, [&] { return mx::parse_element_format(value, k); });
  };
  format("weight_format", config.weight_format);
  format("activation_format", config.activation_format);
  if (object.contains("block")) {
    const std::string k = where + ".block";
    const std::int64_t block = read_integer(object.at("block"), k);
    if (block < 1 || block > 4096) throw ConfigError(k + ": must be in [1, 4096], got " + std::to_string(block));
    config.block = static_cast<std::size_t>(block);
  }
  if (object.contains("preset")) config.preset = read_string(object.at("preset"), where + ".preset");
  const mx::Preset& preset = with_key(where + ".preset", [&]() -> const mx::Preset& {
    return mx::find_preset(config.preset);
  });
  config.policy = preset.quantize;
  config.accumulation = preset.accumulation;
  if (object.contains("scale")) {
    const std::string k = where + ".scale";
    const std::string v = read_string(object.at("scale"), k);
    config.policy.scale_rule = with_key(k, [&] { return mx::parse_scale_rule(v, k); });
  }
  if (object.contains("round")) {
    const std::string k = where + ".round";
    const std::string v = read_string(object.at("round"), k);
    config.policy.rounding = with_key(k, [&] { return mx::parse_rounding(v, k); });
  }
  if (object.contains("overflow")) {
    const std::string k = where + ".overflow";
    const std::string v = read_string(object.at("overflow"), k);
    config.policy.overflow = with_key(k, [&] { return mx::parse_overflow(v, k); });
  }
  if (object.contains("accumulation")) {
    const std::string k = where + ".accumulation";
    const std::string v = read_string(object.at("accumulation"), k);
    config.accumulation = with_key(k, [&] { return mx::parse_accumulation(v, k); });
  }
  if (object.contains("seed")) {
    const std::string k = where + ".seed";
    const json& seed = object.at("seed");
    if (!seed.is_number_integer() || (!seed.is_number_unsigned() && seed.get<std::int64_t>() < 0)) {
      throw ConfigError(k + ": expected a non-negative integer, got " + object.at("seed").dump());
    }
    config.policy.seed = object.at("seed").get<std::uint64_t>();
  }
  const std::string ok = where + ".overflow";
  with_key(ok, [&] {
    mx::validate_policy(config.policy, config.weight_format, ok + " (weight_format)");
    mx::validate_policy(config.policy, config.activation_format, ok + " (activation_format)");
    return 0;
  });
  return config;
}

std::string format_number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

UnitConfig fp32_unit() { return UnitConfig{}; }

UnitConfig unit_config_from_json(const json& object, const std::string& where) {
  if (!object.is_object()) throw ConfigError(where + ": expected an object with a \"kind\", got " + object.dump());
  if (!object.contains("kind")) {
    throw ConfigError(where + ".kind: missing; expected one of fp32, approx, mx, optical");
  }
  UnitConfig config;
  config.kind = parse_unit_kind(read_string(object.at("kind"), where + ".kind"), where + ".kind");
  json numerics = object;  // the unit's own keys; "hardware" is the cost models' (hardware.h)
  if (config.kind != UnitKind::fp32 && numerics.contains("hardware")) {
    config.hardware = numerics.at("hardware");
    numerics.erase("hardware");
  }
  switch (config.kind) {
    case UnitKind::fp32:
      check_keys(object, where, {"kind"});
      break;
    case UnitKind::approx:
      config.approx = approx_from_json(numerics, where);
      break;
    case UnitKind::mx:
      config.mx = mx_from_json(numerics, where);
      break;
    case UnitKind::optical: {
      numerics.erase("kind");
      config.optical = optical::config_from_json(numerics, where);
      break;
    }
  }
  if (config.kind != UnitKind::fp32) accelerator_for(config, where);  // validates "hardware" now
  return config;
}

json unit_config_to_json(const UnitConfig& config) {
  json j;
  j["kind"] = unit_kind_name(config.kind);
  if (config.hardware) j["hardware"] = *config.hardware;
  switch (config.kind) {
    case UnitKind::fp32: break;
    case UnitKind::approx:
      j["multiplier"] = config.approx.multiplier;
      j["calibrator"] = approx::to_string(config.approx.calibrator);
      j["percentile"] = config.approx.percentile;
      j["weight_granularity"] = weight_granularity_name(config.approx.weight_granularity);
      j["calibration_batches"] = config.approx.calibration_batches;
      break;
    case UnitKind::mx:
      j["weight_format"] = std::string(mx::element_format_name(config.mx.weight_format));
      j["activation_format"] = std::string(mx::element_format_name(config.mx.activation_format));
      j["block"] = config.mx.block;
      j["preset"] = config.mx.preset;
      j["scale"] = std::string(mx::scale_rule_name(config.mx.policy.scale_rule));
      j["round"] = std::string(mx::rounding_name(config.mx.policy.rounding));
      j["overflow"] = std::string(mx::overflow_name(config.mx.policy.overflow));
      j["accumulation"] = std::string(mx::accumulation_name(config.mx.accumulation));
      j["seed"] = config.mx.policy.seed;
      break;
    case UnitKind::optical: {
      const auto& o = config.optical;
      j["q_levels"] = o.q_levels;
      j["q_lut_min"] = o.q_lut_min;
      j["q_smooth_factor"] = o.q_smooth_factor;
      j["q_init_seed"] = o.q_init_seed;
      j["q_bypass"] = o.q_bypass;
      j["q_quantiles"] = o.q_quantiles ? json::array({o.q_quantiles->first, o.q_quantiles->second}) : json();
      if (o.input_levels) j["input_levels"] = *o.input_levels;
      if (o.weight_levels) j["weight_levels"] = *o.weight_levels;
      if (o.output_levels) j["output_levels"] = *o.output_levels;
      if (o.extinction_ratio_db) j["extinction_ratio_db"] = *o.extinction_ratio_db;
      j["detector_noise_lsb"] = o.detector_noise_lsb;
      j["shot_noise_photons_full_scale"] = o.shot_noise_photons_full_scale;
      j["sign_handling"] = o.sign_handling == optical::SignHandling::split ? "split" : "signed";
      break;
    }
  }
  return j;
}

std::string UnitConfig::describe() const {
  std::ostringstream s;
  switch (kind) {
    case UnitKind::fp32: s << "fp32"; break;
    case UnitKind::approx:
      s << "approx " << (approx.table ? approx.table->name() : approx.multiplier) << ", "
        << (approx.weight_granularity == WeightGranularity::per_channel ? "per-channel" : "per-tensor")
        << " weights, " << approx::to_string(approx.calibrator);
      if (approx.calibrator == approx::CalibrationMethod::percentile) s << " " << format_number(approx.percentile);
      break;
    case UnitKind::mx:
      s << "mx w=" << mx::element_format_name(mx.weight_format)
        << " a=" << mx::element_format_name(mx.activation_format) << ", block " << mx.block << ", "
        << mx.preset << ", " << mx::accumulation_name(mx.accumulation);
      break;
    case UnitKind::optical:
      if (optical.q_bypass) {
        s << "optical bypass (float)";
      } else {
        s << "optical " << optical::effective_input_levels(optical) << "/"
          << optical::effective_weight_levels(optical) << "/" << optical::effective_output_levels(optical)
          << " levels, lut_min " << format_number(optical::effective_lut_min(optical)) << ", seed "
          << optical.q_init_seed;
        if (optical.q_quantiles) s << ", quantiles " << optical.q_quantiles->first << "-" << optical.q_quantiles->second;
        if (optical.sign_handling == optical::SignHandling::split) s << ", split signs";
      }
      break;
  }
  return s.str();
}

}  // namespace tessera::units
