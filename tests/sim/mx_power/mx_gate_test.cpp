// tessera_mx_dot gate-level on traced block pairs: the netlist's results equal golden mx_dot pair
// by pair, and a model fitted on one network's MX layer predicts another network's. The unit is
// synthesised at block size 4 (rules below), so synthesis takes seconds; the flow is the same at 32.
#include <gtest/gtest.h>

#include <cstdio>

#include "golden/common/error.h"

#include "sim/power/mx_power.h"
#include "sim/rtl/tools.h"
#include "tests/sim/mx_power/mx_trace_support.h"
#include "tests/support/scratch_dir.h"
#include "traces/activity/model_quality.h"

namespace tessera {
namespace {

// digits_cnn's and fashion_cnn's /fc1/Gemm on an MX unit (activations port A, weights port B).
std::string cnn_rules(int block, const char* activation_format = "fp8_e4m3", const char* weight_format = "fp8_e4m3") {
  return R"({"rules": [{"match": {"name": "/fc1/Gemm"}, "unit": {"kind": "mx", "weight_format": ")" +
         std::string(weight_format) + R"(", "activation_format": ")" + activation_format + R"(", "block": )" +
         std::to_string(block) + R"(}}], "default": {"kind": "fp32"}})";
}
std::string vit_rules(int block) {
  return R"({"rules": [{"match": {"name_regex": "/blocks\\.1/.*", "op_type": "MatMul"}, "unit": {"kind": "mx",
        "weight_format": "fp8_e4m3", "activation_format": "fp8_e4m3", "block": )" + std::to_string(block) +
         R"(}}], "default": {"kind": "fp32"}})";
}

struct HeldOut {
  double r2 = 0.0;
  traces::activity::TotalErrorSummary totals;
};

// Traces of one network's mx layers: the network, the rules, images and tiles per layer.
struct TracedNetwork {
  std::string network, rules;
  std::size_t images = 1, tiles = 1;
  tracing::MxTileShape shape{};
};

// Fits on `train`'s layers, checks on `held`'s (all with the same formats and block size).
HeldOut fit_and_hold_out(int block, const TracedNetwork& train, const TracedNetwork& held, const test::ScratchDir& dir) {
  const auto trained = test::record_mx_traces(train.network, train.rules, (dir.path() / "train").string(), train.images,
                                              train.tiles, train.shape);
  const auto checked = test::record_mx_traces(held.network, held.rules, (dir.path() / "held").string(), held.images,
                                              held.tiles, held.shape);
  EXPECT_EQ(trained.size(), 1u);  // the helper returns a value: no ASSERT here
  EXPECT_GE(checked.size(), 1u);
  if (trained.size() != 1 || checked.empty()) return {};
  std::vector<tracing::MxLayerTrace> training{tracing::read_mx_trace(trained[0].path)};
  std::vector<tracing::MxLayerTrace> held_out;
  for (const auto& w : checked) held_out.push_back(tracing::read_mx_trace(w.path));

  std::vector<traces::activity::MxBlockPairs> layers{tracing::trace_block_pairs(training[0])};
  for (const auto& trace : held_out) layers.push_back(tracing::trace_block_pairs(trace));
  power::GateLevelOptions options;
  const power::MxGateLevelEnergies gate = power::mx_gate_level_energies(layers, options);
  std::size_t pairs = 0;
  for (const auto& l : layers) pairs += l.size();
  // Every pair's netlist result was compared with golden mx_dot (a mismatch throws).
  EXPECT_EQ(gate.pairs_checked, pairs);
  EXPECT_GT(gate.cells, 1000);

  std::vector<traces::activity::MxCycleFeatures> train_x = traces::activity::mx_stream_features(layers[0]);
  std::vector<double> train_y;
  for (const double e : gate.per_pair_pj[0]) train_y.push_back(e + gate.leakage_pj_per_pair);
  std::vector<std::vector<traces::activity::MxCycleFeatures>> held_x;
  for (std::size_t l = 1; l < layers.size(); ++l) held_x.push_back(traces::activity::mx_stream_features(layers[l]));
  const auto judge = [&](const traces::activity::MxEnergyModel& model, const char* label) {
    std::vector<double> actual_totals, predicted_totals, a, p;
    for (std::size_t l = 1; l < layers.size(); ++l) {
      const auto& x = held_x[l - 1];
      const std::vector<double> predicted = model.predict_pj(x);
      double total = 0.0;
      for (std::size_t i = 0; i < x.size(); ++i) {
        a.push_back(gate.per_pair_pj[l][i] + gate.leakage_pj_per_pair);
        p.push_back(predicted[i]);
        total += a.back();
      }
      actual_totals.push_back(total);
      predicted_totals.push_back(model.predict_pj(traces::activity::count_mx_activity(x)));
    }
    HeldOut held;
    held.r2 = traces::activity::r_squared(Eigen::Map<Eigen::VectorXd>(a.data(), static_cast<Eigen::Index>(a.size())),
                                          Eigen::Map<Eigen::VectorXd>(p.data(), static_cast<Eigen::Index>(p.size())));
    held.totals = traces::activity::total_error_summary(actual_totals, predicted_totals);
    std::printf("block %d %s: cells %lld area %.0f um2, train pairs %zu features %zu r2_train %.3f, held-out pairs %zu "
                "r2 %.3f, layer total error mean %.3f max %.3f bias %.3f, mean E/pair %.3f pJ\n",
                block, label, static_cast<long long>(gate.cells), gate.area_um2, train_x.size(),
                model.feature_names.size(), model.r2_train, a.size(), held.r2, held.totals.mean_abs_relative_error,
                held.totals.max_abs_relative_error, held.totals.mean_signed_relative_error,
                actual_totals[0] / static_cast<double>(layers[1].size()));
    return held;
  };
  const auto& names = traces::activity::mx_feature_names();
  std::vector<std::string> first_ten;
  for (const std::string& name : names) {
    if (traces::activity::mx_feature_column(name) % traces::activity::kMxBaseFeatures < 10) first_ten.push_back(name);
  }
  const HeldOut before = judge(traces::activity::fit_mx_energy_model(train_x, train_y, first_ten), "10 features x 4 lags");
  const traces::activity::MxEnergyModel model = traces::activity::fit_mx_energy_model(train_x, train_y);
  const HeldOut after = judge(model, "all features");
  EXPECT_GE(after.r2, before.r2 - 0.02);
  const std::string path = (dir.path() / "mx_model.json").string();
  traces::activity::save_mx_model(model, path);
  const traces::activity::MxEnergyModel loaded = traces::activity::load_mx_model(path);
  // A model file round trip keeps every coefficient.
  EXPECT_EQ(loaded.feature_names, model.feature_names);
  EXPECT_EQ(loaded.coefficients_pj, model.coefficients_pj);
  EXPECT_DOUBLE_EQ(loaded.predict_pj(train_x[5]), model.predict_pj(train_x[5]));
  return after;
}

TEST(MxGate, NetlistEqualsGoldenAndFittedModelHoldsOutOnAnotherNetwork) {
  if (!rtl::tool_available(rtl::yosys_tool())) GTEST_SKIP() << "yosys is not installed (scripts/setup)";
  test::ScratchDir dir;
  const HeldOut held = fit_and_hold_out(4, {"digits_cnn", cnn_rules(4), 2, 3}, {"digits_vit", vit_rules(4), 1, 1, {2, 2}}, dir);
  // Measured (sky130, keep, 10 ns), trained on 3072 pairs of digits_cnn /fc1/Gemm, held out on
  // digits_vit's block-1 MatMuls (236 pairs): the 10 stage-level features x 4 lags gave r2_train
  // 0.53, per-pair R^2 0.73, layer totals within 3.3 % (mean) / 9.0 % (max); all 38 features x 4
  // lags (the adders' prefix trees and the rounder's sub-blocks included) r2_train 0.962, per-pair
  // R^2 0.963, totals 1.6 % / 2.4 %. The bars leave room for library and seed drift but fail a
  // model that has lost the per-net data dependence or a mispriced layer.
  EXPECT_GT(held.r2, 0.9);
  EXPECT_LT(held.totals.max_abs_relative_error, 0.2);
  EXPECT_LT(held.totals.mean_abs_relative_error, 0.1);
}

// The full-size unit (block 32, as the bundled rules use): about a minute of synthesis, so run by
// hand (--gtest_also_run_disabled_tests) to measure; the figures are in the report.
TEST(MxGate, DISABLED_Block32Measurement) {
  if (!rtl::tool_available(rtl::yosys_tool())) GTEST_SKIP() << "yosys is not installed (scripts/setup)";
  test::ScratchDir dir;
  const HeldOut held = fit_and_hold_out(32, {"digits_cnn", cnn_rules(32), 2, 8}, {"digits_vit", vit_rules(32), 1, 4, {2, 2}}, dir);
  EXPECT_GT(held.r2, 0.0);
}

// The bundled rules' other format pair, held out on another network as scripts/fit_mx_power_models
// does at block 32: trained on digits_cnn /fc1/Gemm, checked on fashion_cnn's (K 1568, 3x longer).
TEST(MxGate, E4m3TimesE2m3ModelHoldsOutOnAnotherNetwork) {
  if (!rtl::tool_available(rtl::yosys_tool())) GTEST_SKIP() << "yosys is not installed (scripts/setup)";
  test::ScratchDir dir;
  const HeldOut held = fit_and_hold_out(4, {"digits_cnn", cnn_rules(4, "fp8_e4m3", "fp6_e2m3"), 2, 3},
                                        {"fashion_cnn", cnn_rules(4, "fp8_e4m3", "fp6_e2m3"), 2, 1}, dir);
  // Measured (sky130, keep, 10 ns; 3072 training pairs, 3136 held out): r2_train 0.977, per-pair
  // R^2 0.948, layer total -0.4 % (the 10 stage-level features alone: 0.23). The bar is the one the
  // shipped models are held to: per-pair R^2 >= 0.9, layer error <= 5 %.
  EXPECT_GT(held.r2, 0.9);
  EXPECT_LT(held.totals.mean_abs_relative_error, 0.05);
}

TEST(MxGate, ModelFileErrorsNameTheField) {
  nlohmann::json good = traces::activity::mx_model_to_json(
      traces::activity::MxEnergyModel{"u", "sky130", 10.0, "test", 10, 0.5, 1.0, {"sum_hd"}, {0.25}});
  EXPECT_NO_THROW(traces::activity::mx_model_from_json(good, "m.json"));
  nlohmann::json bad = good;
  bad["feature_names"] = {"sum_hdd"};
  try {
    traces::activity::mx_model_from_json(bad, "m.json");
    ADD_FAILURE() << "accepted an unknown feature";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("feature_names[0]"), std::string::npos) << e.what();
  }
  bad = good;
  bad["coefficients_pj"] = {0.25, 1.0};
  EXPECT_THROW(traces::activity::mx_model_from_json(bad, "m.json"), InputError);
  bad = good;
  bad["format"] = "tessera.linear_energy_model";
  EXPECT_THROW(traces::activity::mx_model_from_json(bad, "m.json"), InputError);
}

}  // namespace
}  // namespace tessera
