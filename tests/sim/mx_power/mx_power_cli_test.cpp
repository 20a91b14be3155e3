// `tessera power mx` end to end on a bundled network: mx traces recorded from digits_cnn, priced
// table / fitted model / gate level through the command as the user calls it (in-process: the
// lead registers the command on `tessera power`).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "golden/common/error.h"
#include "sim/cli/commands.h"
#include "sim/rtl/tools.h"
#include "tests/sim/mx_power/mx_trace_support.h"
#include "tests/support/scratch_dir.h"
#include "traces/activity/mx_energy_model.h"

namespace tessera {
namespace {

void run_power(std::vector<std::string> args) {
  CLI::App app("tessera");
  CLI::App* power = app.add_subcommand("power");
  cli::register_power_mx_commands(power);
  args.insert(args.begin(), {"power", "mx"});
  std::vector<const char*> argv{"tessera"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
}

TEST(MxPowerCli, PricesBundledNetworkTracesTableModelAndGateLevel) {
  if (!rtl::tool_available(rtl::yosys_tool())) GTEST_SKIP() << "yosys is not installed (scripts/setup)";
  test::ScratchDir dir;
  const std::string traces = (dir.path() / "traces").string();
  test::record_mx_traces(
      "digits_cnn",
      R"({"rules": [{"match": {"name": "/fc1/Gemm"}, "unit": {"kind": "mx", "weight_format": "fp6_e2m3",
          "activation_format": "fp8_e4m3", "block": 4}}], "default": {"kind": "fp32"}})",
      traces, 2, 2);
  const std::string json_out = (dir.path() / "power.json").string(), model = (dir.path() / "model.json").string();
  run_power({"--trace", traces, "--gate-level", "--fit-out", model, "--json-out", json_out});
  std::ifstream in(json_out);
  const nlohmann::json out = nlohmann::json::parse(in);
  ASSERT_EQ(out["layers"].size(), 1u);
  const nlohmann::json& layer = out["layers"][0];
  EXPECT_EQ(layer["layer"], "/fc1/Gemm");
  const nlohmann::json& gate = layer["gate_pj"];
  EXPECT_GT(gate["switching"].get<double>(), 0.0);
  EXPECT_GT(gate["internal"].get<double>(), 0.0);
  EXPECT_GT(gate["clock"].get<double>(), 0.0);  // the unit's 3 register stages
  EXPECT_NEAR(gate["total"].get<double>(),
              gate["switching"].get<double>() + gate["internal"].get<double>() + gate["clock"].get<double>() +
                  gate["leakage"].get<double>(),
              1e-9 * gate["total"].get<double>());
  // Fitted on these very pairs with an intercept, least squares reproduces their total exactly.
  EXPECT_NEAR(layer["model_error"].get<double>(), 0.0, 1e-6);
  EXPECT_GT(layer["table_pj"].get<double>(), 0.0);
  // The saved model is the one applied: pricing again from the file gives the same model figure.
  const std::string again = (dir.path() / "again.json").string();
  run_power({"--trace", traces, "--model", model, "--json-out", again});
  std::ifstream in2(again);
  const nlohmann::json out2 = nlohmann::json::parse(in2);
  EXPECT_NEAR(out2["layers"][0]["model_pj"].get<double>(), layer["model_pj"].get<double>(),
              1e-9 * layer["model_pj"].get<double>());
  EXPECT_FALSE(out2["layers"][0].contains("gate_pj"));
}

TEST(MxPowerCli, DirectoryWithoutMxTracesIsAClearError) {
  test::ScratchDir dir;
  try {
    run_power({"--trace", dir.path().string()});
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no mx .ttrace files"), std::string::npos) << e.what();
  }
}

// Glitch-aware gate level is an option of the replay; the fit stays on zero-delay energies.
TEST(MxPowerCli, DelaysNeedTheGateLevelAndAreNotFittedOn) {
  test::ScratchDir dir;
  const std::string traces = dir.path().string();
  const auto message_of = [&](std::vector<std::string> args) -> std::string {
    try {
      run_power(std::move(args));
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(message_of({"--trace", traces, "--delays", "liberty"}).find("give --gate-level"), std::string::npos);
  EXPECT_NE(message_of({"--trace", traces, "--gate-level", "--delays", "unit", "--fit-out", dir.file("m.json")})
                .find("--fit-out fits on zero-delay energies"),
            std::string::npos);
  EXPECT_NE(message_of({"--trace", traces, "--gate-level", "--delays", "sdf"}).find("expected zero, unit or liberty"),
            std::string::npos);
}

}  // namespace
}  // namespace tessera
