// Typed configs (key paths in errors) and the energy tables (validation, defaults, overrides).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "golden/common/error.h"
#include "models/approx/approx_array.h"
#include "models/common/energy.h"
#include "models/shell/accelerator.h"

namespace tessera::models {
namespace {

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Config, ErrorsNameTheKeyPath) {
  EXPECT_NE(error_of([] { approx_config_from_json(Json{{"rows", 0}}, "config.approx"); })
                .find("config.approx.rows: expected an integer in [1, 4096], got 0"),
            std::string::npos);
  EXPECT_NE(error_of([] { approx_config_from_json(Json{{"colz", 4}}, "config.approx"); })
                .find("config.approx.colz: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of([] { approx_config_from_json(Json{{"multiplier", "nope"}}, "c"); })
                .find("c.multiplier"),
            std::string::npos);
  const Json nested = Json::parse(R"({"unit": "mx", "mx": {"format_a": "fp9"}})");
  EXPECT_NE(error_of([&] { accelerator_config_from_json(nested, "config"); }).find("config.mx.format_a"),
            std::string::npos);
  const Json shell = Json::parse(R"({"shell": {"dram_bandwidth_gb_per_s": "fast"}})");
  EXPECT_NE(error_of([&] { accelerator_config_from_json(shell, "config"); })
                .find("config.shell.dram_bandwidth_gb_per_s: expected a number"),
            std::string::npos);
  const Json unit = Json::parse(R"({"unit": "analog"})");
  EXPECT_NE(error_of([&] { accelerator_config_from_json(unit, "config"); }).find("config.unit: expected one of"),
            std::string::npos);
}

TEST(Config, ReadsEveryUnit) {
  const Json j = Json::parse(R"({
    "unit": "optical",
    "approx": {"rows": 16, "cols": 32, "clock_ghz": 0.8, "multiplier": "mul8s_1L2H"},
    "mx": {"format_a": "fp4_e2m1", "format_b": "int8", "dot_units": 4, "accumulation": "block_then_fp32"},
    "optical": {"rows": 4, "cols": 16, "wavelengths": 32, "split_signs": true, "weight_technology": "static"},
    "shell": {"act_scratchpad_bytes": 131072, "double_buffer": false}})");
  const AcceleratorConfig c = accelerator_config_from_json(j, "config");
  EXPECT_EQ(c.unit, "optical");
  EXPECT_EQ(c.approx.rows, 16u);
  EXPECT_EQ(c.approx.cols, 32u);
  EXPECT_DOUBLE_EQ(c.approx.clock_ghz, 0.8);
  EXPECT_EQ(c.approx.multiplier, "mul8s_1L2H");
  EXPECT_EQ(c.mx.format_a, mx::ElementFormat::fp4_e2m1);
  EXPECT_EQ(c.mx.format_b, mx::ElementFormat::int8);
  EXPECT_EQ(c.mx.dot_units, 4u);
  EXPECT_EQ(c.mx.accumulation, mx::Accumulation::block_then_fp32);
  EXPECT_EQ(c.optical.wavelengths, 32u);
  EXPECT_TRUE(c.optical.split_signs);
  EXPECT_EQ(c.optical.weight_technology, "static");
  EXPECT_EQ(c.shell.act_scratchpad_bytes, 131072u);
  EXPECT_FALSE(c.shell.double_buffer);
}

TEST(Energy, DefaultTablesAreValidAndCited) {
  const EnergyTable& t = EnergyTable::defaults();
  EXPECT_GE(t.entries().size(), 30u);
  for (const auto& [name, e] : t.entries()) {
    SCOPED_TRACE(name);
    EXPECT_GE(e.value, 0.0);
    EXPECT_TRUE(known_units().count(e.unit));
    EXPECT_FALSE(e.source.empty());
  }
  EXPECT_DOUBLE_EQ(t.pj("digital.mul_int8"), 0.2);
  EXPECT_DOUBLE_EQ(t.pj_per_bit("optical.modulator_energy"), 0.45);  // 450 fJ/bit
  EXPECT_NEAR(t.mw("optical.pd_sensitivity"), std::pow(10.0, -2.5), 1e-6);  // -25 dBm
  EXPECT_DOUBLE_EQ(t.number("approx.mul8s.mul8s_1KV8.relative_power", "ratio"), 1.0);
  EXPECT_NE(error_of([&] { t.pj("optical.tia_power"); }).find("has unit mW"), std::string::npos);
  EXPECT_NE(error_of([&] { t.at("no.such"); }).find("no entry 'no.such'"), std::string::npos);
}

TEST(Energy, EveryEntryIsValidated) {
  auto table = [](const char* entry) {
    return Json::parse(std::string(R"({"entries": {"x": )") + entry + "}}");
  };
  EXPECT_NE(error_of([&] { EnergyTable::from_json(table(R"({"value": -1, "unit": "pJ", "source": "s"})"), "t.json"); })
                .find("t.json.entries.x.value: must be a finite number >= 0"),
            std::string::npos);
  EXPECT_NE(error_of([&] { EnergyTable::from_json(table(R"({"value": 1, "unit": "furlong", "source": "s"})"), "t.json"); })
                .find("t.json.entries.x.unit: unknown unit \"furlong\""),
            std::string::npos);
  EXPECT_NE(error_of([&] { EnergyTable::from_json(table(R"({"value": 1, "unit": "pJ", "source": " "})"), "t.json"); })
                .find("t.json.entries.x.source: must cite"),
            std::string::npos);
  EXPECT_NE(error_of([&] { EnergyTable::from_json(table(R"({"value": 1, "unit": "pJ"})"), "t.json"); })
                .find("t.json.entries.x.source: missing"),
            std::string::npos);
  EXPECT_NE(error_of([&] { EnergyTable::from_json(table(R"({"value": 1, "unit": "pJ", "source": "s", "extra": 2})"), "t.json"); })
                .find("t.json.entries.x.extra: unknown key"),
            std::string::npos);
}

TEST(Energy, UserTablesOverrideDefaults) {
  const auto dir = std::filesystem::temp_directory_path() / ("tessera_models_energy_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "mine.json";
  std::ofstream(file) << R"({"description": "mine", "entries": {
      "digital.mul_int8": {"value": 500, "unit": "fJ", "source": "my own characterisation"},
      "my.extra": {"value": 1, "unit": "pJ", "source": "mine"}}})";
  const EnergyTable t = EnergyTable::with_overrides({file});
  EXPECT_DOUBLE_EQ(t.pj("digital.mul_int8"), 0.5);
  EXPECT_DOUBLE_EQ(t.pj("my.extra"), 1.0);
  EXPECT_DOUBLE_EQ(t.pj("digital.add_int32"), 0.1);  // untouched default
  // The model prices its multipliers from the table it is given: 0.5 / 0.2 = 2.5x.
  const ApproxArrayConfig c;
  const GemmShape s{16, 16, 16};
  EXPECT_DOUBLE_EQ(approx_cost_gemm(c, s, t).energy_pj.at("multiplier"),
                   2.5 * approx_cost_gemm(c, s).energy_pj.at("multiplier"));
  EXPECT_NE(error_of([&] { EnergyTable::load_file(dir / "missing.json"); }).find("missing.json: cannot open"),
            std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tessera::models
