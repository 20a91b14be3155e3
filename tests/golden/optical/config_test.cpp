#include "golden/optical/config.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "golden/common/error.h"

namespace tessera::optical {
namespace {

TEST(OpticalConfig, DefaultsArePeerDefaultsWithPhysicsOff) {
  const OpticalConfig c;
  EXPECT_EQ(c.q_levels, 256);
  EXPECT_EQ(c.q_lut_min, 0.020040);
  EXPECT_EQ(c.q_smooth_factor, 0.9);
  EXPECT_EQ(c.q_init_seed, 0u);
  EXPECT_FALSE(c.q_bypass);
  EXPECT_EQ(effective_input_levels(c), 256);
  EXPECT_EQ(effective_weight_levels(c), 256);
  EXPECT_EQ(effective_output_levels(c), 256);
  EXPECT_EQ(effective_lut_min(c), 0.020040f);
  EXPECT_EQ(c.detector_noise_lsb, 0.0);
  EXPECT_EQ(c.shot_noise_photons_full_scale, 0.0);
  EXPECT_NO_THROW(validate(c, "cfg"));
}

TEST(OpticalConfig, PhysicalOptionsOverride) {
  OpticalConfig c;
  c.input_levels = 16;
  c.output_levels = 1024;
  c.extinction_ratio_db = 10.0;
  EXPECT_EQ(effective_input_levels(c), 16);
  EXPECT_EQ(effective_weight_levels(c), 256);
  EXPECT_EQ(effective_output_levels(c), 1024);
  EXPECT_EQ(effective_lut_min(c), 0.1f);
  c.extinction_ratio_db = 10.0 * std::log10(1.0 / 0.02004);  // ~16.98 dB
  EXPECT_NEAR(effective_lut_min(c), 0.02004f, 1e-8f);
}

TEST(OpticalConfig, JsonParsingNamesTheKeyPath) {
  const auto c = config_from_json(
      nlohmann::json::parse(R"({"q_levels": 64, "q_init_seed": 7, "q_quantiles": [0.001, 0.999],
                                "extinction_ratio_db": 15, "detector_noise_lsb": 0.5})"),
      "layers.fc1");
  EXPECT_EQ(c.q_levels, 64);
  EXPECT_EQ(c.q_init_seed, 7u);
  ASSERT_TRUE(c.q_quantiles.has_value());
  EXPECT_EQ(c.q_quantiles->second, 0.999);
  EXPECT_EQ(c.detector_noise_lsb, 0.5);
  auto message_of = [](const char* text) {
    try {
      config_from_json(nlohmann::json::parse(text), "layers.fc1");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message_of(R"({"q_levels": 1})").rfind("layers.fc1.q_levels:", 0), 0u);
  EXPECT_EQ(message_of(R"({"q_levels": "8"})").rfind("layers.fc1.q_levels:", 0), 0u);
  EXPECT_EQ(message_of(R"({"q_lut_min": -1})").rfind("layers.fc1.q_lut_min:", 0), 0u);
  EXPECT_EQ(message_of(R"({"q_bypass": 3})").rfind("layers.fc1.q_bypass:", 0), 0u);
  EXPECT_EQ(message_of(R"({"q_levles": 8})").rfind("layers.fc1.q_levles: unknown key", 0), 0u);
  EXPECT_EQ(message_of(R"({"q_smooth_factor": 2})").rfind("layers.fc1.q_smooth_factor:", 0), 0u);
  EXPECT_EQ(message_of(R"({"q_quantiles": [0.9, 0.1]})").rfind("layers.fc1.q_quantiles:", 0), 0u);
  EXPECT_EQ(message_of(R"({"sign_handling": "both"})").rfind("layers.fc1.sign_handling:", 0), 0u);
  EXPECT_EQ(config_from_json(nlohmann::json::parse(R"({"sign_handling": "split"})"), "c").sign_handling,
            SignHandling::split);
}

// A seed written in C++ (json{{"q_init_seed", 3}}) is stored as a signed integer, one parsed from
// text as an unsigned one: both mean the same seed; a negative one is an error either way.
TEST(OpticalConfig, SeedAcceptsSignedAndUnsignedJsonIntegers) {
  EXPECT_EQ(config_from_json(nlohmann::json{{"q_init_seed", 3}}, "c").q_init_seed, 3u);
  EXPECT_EQ(config_from_json(nlohmann::json::parse(R"({"q_init_seed": 3})"), "c").q_init_seed, 3u);
  EXPECT_THROW(config_from_json(nlohmann::json{{"q_init_seed", -1}}, "c"), ConfigError);
  EXPECT_THROW(config_from_json(nlohmann::json{{"q_init_seed", 1.5}}, "c"), ConfigError);
}

}  // namespace
}  // namespace tessera::optical
