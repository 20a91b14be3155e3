#include "golden/optical/config.h"

#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "golden/common/error.h"
#include "golden/optical/quantizer.h"

namespace tessera::optical {

std::int64_t effective_input_levels(const OpticalConfig& config) {
  return config.input_levels.value_or(config.q_levels);
}
std::int64_t effective_weight_levels(const OpticalConfig& config) {
  return config.weight_levels.value_or(config.q_levels);
}
std::int64_t effective_output_levels(const OpticalConfig& config) {
  return config.output_levels.value_or(config.q_levels);
}

float effective_lut_min(const OpticalConfig& config) {
  if (config.extinction_ratio_db) {
    return static_cast<float>(std::pow(10.0, -*config.extinction_ratio_db / 10.0));
  }
  return static_cast<float>(config.q_lut_min);
}

namespace {

void check_levels(std::int64_t levels, const std::string& key) {
  if (levels < 2 || levels > static_cast<std::int64_t>(kMaxLevels)) {
    std::ostringstream message;
    message << key << ": must be in [2, " << kMaxLevels << "], got " << levels;
    throw ConfigError(message.str());
  }
}

void check_non_negative(double value, const std::string& key) {
  if (!std::isfinite(value) || value < 0.0) {
    std::ostringstream message;
    message << key << ": must be finite and >= 0, got " << value;
    throw ConfigError(message.str());
  }
}

}  // namespace

void validate(const OpticalConfig& config, const std::string& where) {
  check_levels(config.q_levels, where + ".q_levels");
  if (config.input_levels) check_levels(*config.input_levels, where + ".input_levels");
  if (config.weight_levels) check_levels(*config.weight_levels, where + ".weight_levels");
  if (config.output_levels) check_levels(*config.output_levels, where + ".output_levels");
  check_non_negative(config.q_lut_min, where + ".q_lut_min");
  if (config.extinction_ratio_db) {
    check_non_negative(*config.extinction_ratio_db, where + ".extinction_ratio_db");
  }
  if (!(config.q_smooth_factor >= 0.0 && config.q_smooth_factor <= 1.0)) {
    std::ostringstream message;
    message << where << ".q_smooth_factor: must be in [0, 1], got " << config.q_smooth_factor;
    throw ConfigError(message.str());
  }
  if (config.q_quantiles) {
    const auto [lo, hi] = *config.q_quantiles;
    if (!(lo >= 0.0 && lo < hi && hi <= 1.0)) {
      std::ostringstream message;
      message << where << ".q_quantiles: must satisfy 0 <= lo < hi <= 1, got [" << lo << ", " << hi
              << "]";
      throw ConfigError(message.str());
    }
  }
  check_non_negative(config.detector_noise_lsb, where + ".detector_noise_lsb");
  check_non_negative(config.shot_noise_photons_full_scale,
                     where + ".shot_noise_photons_full_scale");
}

namespace {

template <class T>
T read(const nlohmann::json& value, const std::string& key, const char* expected) {
  try {
    return value.get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ConfigError(key + ": expected " + expected + ", got " + value.dump());
  }
}

std::int64_t read_levels(const nlohmann::json& value, const std::string& key) {
  if (!value.is_number_integer()) throw ConfigError(key + ": expected an integer, got " + value.dump());
  return value.get<std::int64_t>();
}

double read_number(const nlohmann::json& value, const std::string& key) {
  if (!value.is_number()) throw ConfigError(key + ": expected a number, got " + value.dump());
  return value.get<double>();
}

}  // namespace

OpticalConfig config_from_json(const nlohmann::json& object, const std::string& where) {
  if (!object.is_object()) throw ConfigError(where + ": expected an object, got " + object.dump());
  OpticalConfig config;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& name = it.key();
    const std::string key = where + "." + name;
    const nlohmann::json& value = it.value();
    if (name == "q_levels") {
      config.q_levels = read_levels(value, key);
    } else if (name == "q_lut_min") {
      config.q_lut_min = read_number(value, key);
    } else if (name == "q_smooth_factor") {
      config.q_smooth_factor = read_number(value, key);
    } else if (name == "q_init_seed") {
      // nlohmann stores a non-negative literal built in C++ as a signed integer, so accept both.
      const bool non_negative_integer =
          value.is_number_unsigned() || (value.is_number_integer() && value.get<std::int64_t>() >= 0);
      if (!non_negative_integer) {
        throw ConfigError(key + ": expected a non-negative integer, got " + value.dump());
      }
      config.q_init_seed = value.get<std::uint64_t>();
    } else if (name == "q_bypass") {
      config.q_bypass = read<bool>(value, key, "true or false");
    } else if (name == "q_quantiles") {
      if (value.is_null()) {
        config.q_quantiles.reset();
      } else if (value.is_array() && value.size() == 2) {
        config.q_quantiles = std::make_pair(read_number(value[0], key + "[0]"),
                                            read_number(value[1], key + "[1]"));
      } else {
        throw ConfigError(key + ": expected [lo, hi] or null, got " + value.dump());
      }
    } else if (name == "input_levels") {
      config.input_levels = read_levels(value, key);
    } else if (name == "weight_levels") {
      config.weight_levels = read_levels(value, key);
    } else if (name == "output_levels") {
      config.output_levels = read_levels(value, key);
    } else if (name == "extinction_ratio_db") {
      config.extinction_ratio_db = read_number(value, key);
    } else if (name == "detector_noise_lsb") {
      config.detector_noise_lsb = read_number(value, key);
    } else if (name == "shot_noise_photons_full_scale") {
      config.shot_noise_photons_full_scale = read_number(value, key);
    } else if (name == "sign_handling") {
      const std::string mode = value.is_string() ? value.get<std::string>() : std::string();
      if (mode == "signed") {
        config.sign_handling = SignHandling::signed_single_pass;
      } else if (mode == "split") {
        config.sign_handling = SignHandling::split;
      } else {
        throw ConfigError(key + ": expected \"signed\" or \"split\", got " + value.dump());
      }
    } else {
      throw ConfigError(key + ": unknown key; expected one of q_levels, q_lut_min, "
                              "q_smooth_factor, q_init_seed, q_bypass, q_quantiles, input_levels, "
                              "weight_levels, output_levels, extinction_ratio_db, "
                              "detector_noise_lsb, shot_noise_photons_full_scale, sign_handling");
    }
  }
  validate(config, where);
  return config;
}

}  // namespace tessera::optical
