// The optical periphery through the `tessera` command: characterize --unit optical-* prints the one
// JSON object of the other units (psum on uniform vectors, the DAC on a traced layer's elements),
// and `tessera power --trace DIR --gate-level` prices a directory holding only optical traces.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/sim/optical_power/optical_support.h"
#include "tests/support/run_command.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

void expect_characterization(const std::string& text, const std::string& unit, std::uint64_t ops) {
  const nlohmann::json out = nlohmann::json::parse(text);
  EXPECT_EQ(out.at("unit"), unit);
  EXPECT_EQ(out.at("ops").get<std::uint64_t>(), ops);
  for (const char* field : {"energy_pj_per_op", "switching_pj_per_op", "internal_pj_per_op", "leakage_pj_per_op",
                            "area_um2"}) {
    EXPECT_GT(out.at(field).get<double>(), 0.0) << field;
  }
  EXPECT_GT(out.at("cells").get<std::int64_t>(), 0);
  EXPECT_NEAR(out.at("energy_pj_per_op").get<double>(),
              out.at("switching_pj_per_op").get<double>() + out.at("internal_pj_per_op").get<double>() +
                  out.at("clock_pj_per_op").get<double>() + out.at("leakage_pj_per_op").get<double>(),
              1e-9);
}

TEST(OpticalPowerCli, CharacterizesThePsumUnitOnUniformVectors) {
  test::use_build_tree_netlist_cache();
  const test::ScratchDir dir;
  const test::CommandResult run = test::run_tessera({"power", "characterize", "--unit", "optical-psum", "--ops", "640",
                                                     "--json-out", dir.file("psum.json")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_characterization(run.out, "optical-psum", 640);
}

TEST(OpticalPowerCli, CharacterizesTheDacOnTracedElementsAndPricesTheTrace) {
  test::use_build_tree_netlist_cache();
  const test::ScratchDir dir;
  const auto layers = test::record_digits_cnn_optical(dir.file("trace"), 1);
  ASSERT_EQ(layers.size(), 1u);
  const std::uint64_t dac_elements = layers[0].tiles[0].input_x.size() + layers[0].tiles[0].weight_x.size();
  const test::CommandResult dac = test::run_tessera(
      {"power", "characterize", "--unit", "optical-dac", "--vectors", dir.file("trace")});
  ASSERT_EQ(dac.exit_code, 0) << dac.err;
  expect_characterization(dac.out, "optical-dac", dac_elements);

  const test::CommandResult priced = test::run_tessera(
      {"power", "--trace", dir.file("trace"), "--gate-level", "--json-out", dir.file("power.json")});
  ASSERT_EQ(priced.exit_code, 0) << priced.err;
  EXPECT_NE(priced.out.find("/conv1/Conv"), std::string::npos) << priced.out;
  EXPECT_NE(priced.out.find("adc_quantizer"), std::string::npos) << priced.out;
}

TEST(OpticalPowerCli, RefusesForeignCircuitOptions) {
  const test::CommandResult run =
      test::run_tessera({"power", "characterize", "--unit", "optical-adc", "--top", "tessera_mul8s"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--top"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace tessera
