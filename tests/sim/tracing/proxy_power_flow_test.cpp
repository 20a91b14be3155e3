// The proxy-net model through the real flow: traces of one bundled network fit it (Yosys netlist,
// gate-level energies, matching pursuit over the netlist's nets), another network's layers judge
// it, and `tessera power --trace --model` prices with it. Small sizes keep it to seconds.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "sim/rtl/tools.h"
#include "tests/support/run_command.h"
#include "tests/support/scratch_dir.h"
#include "traces/activity/multiplier_model.h"

namespace tessera {
namespace {

class ProxyPowerFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!rtl::tool_available(rtl::yosys_tool())) GTEST_SKIP() << "yosys is not installed (scripts/setup)";
    std::ofstream(dir_.file("rules.json"))
        << R"({"rules": [], "default": {"kind": "approx", "multiplier": "exact"}})";
  }
  test::CommandResult record(const std::string& network, const std::string& out, const std::string& seed) {
    return test::run_tessera({"run", "--network", network, "--rules", dir_.file("rules.json"), "--images", "8",
                              "--trace", out, "--trace-tiles", "1", "--trace-seed", seed, "--report",
                              dir_.file(network + "_report")});
  }
  test::ScratchDir dir_;
};

TEST_F(ProxyPowerFlow, FittedOnOneNetworkMeetsTheBarOnAnother) {
  ASSERT_EQ(record("digits_cnn", dir_.file("train"), "1").exit_code, 0);
  ASSERT_EQ(record("fashion_cnn", dir_.file("held"), "2").exit_code, 0);
  const test::CommandResult fit =
      test::run_tessera({"power", "fit", "--trace", dir_.file("train"), "--validate", dir_.file("held"), "--proxies", "48",
                         "--uniform-ops", "20000", "--out", dir_.file("model.json")});
  ASSERT_EQ(fit.exit_code, 0) << fit.err;
  const nlohmann::json fitted = nlohmann::json::parse(fit.out);
  EXPECT_EQ(fitted["kind"], "proxy");
  const auto& held = fitted["held_out"];
  ASSERT_EQ(held["layers"].size(), 4u);
  EXPECT_GE(held["min_per_op_r2"].get<double>(), 0.9) << held.dump();
  EXPECT_LE(held["mean_abs_error"].get<double>(), 0.05) << held.dump();

  const traces::activity::MultiplierModel model = traces::activity::load_multiplier_model(dir_.file("model.json"));
  ASSERT_EQ(traces::activity::model_kind(model), "proxy");
  EXPECT_EQ(std::get<traces::activity::ProxyEnergyModel>(model).proxy_nets().size(), 48u);

  // Pricing with it gives the same held-out figures as the fit reported.
  const test::CommandResult power =
      test::run_tessera({"power", "--trace", dir_.file("held"), "--model", dir_.file("model.json"), "--gate-level",
                         "--json-out", dir_.file("power.json")});
  ASSERT_EQ(power.exit_code, 0) << power.err;
  std::ifstream in(dir_.file("power.json"));
  const nlohmann::json priced = nlohmann::json::parse(in);
  ASSERT_EQ(priced["layers"].size(), 4u);
  for (std::size_t l = 0; l < 4; ++l) {
    EXPECT_NEAR(priced["layers"][l]["per_op_r2"].get<double>(), held["layers"][l]["per_op_r2"].get<double>(), 1e-9);
    EXPECT_NEAR(priced["layers"][l]["model_pj"].get<double>(), held["layers"][l]["model_pj"].get<double>(),
                1e-9 * held["layers"][l]["model_pj"].get<double>());
  }
}

TEST_F(ProxyPowerFlow, TooManyProxiesIsAnInputError) {
  ASSERT_EQ(record("digits_cnn", dir_.file("train"), "1").exit_code, 0);
  const test::CommandResult fit = test::run_tessera(
      {"power", "fit", "--trace", dir_.file("train"), "--proxies", "65", "--out", dir_.file("model.json")});
  EXPECT_EQ(fit.exit_code, 2);
  EXPECT_NE(fit.err.find("--proxies"), std::string::npos) << fit.err;
}

}  // namespace
}  // namespace tessera
