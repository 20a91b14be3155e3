// The shipped optical periphery models (traces/activity/models/optical_*.sky130.json, fitted by
// scripts/fit_optical_power_models on the digits and Fashion CNNs run all-optical) judged against gate
// level on the digits ViT's optical attention layers, which they never saw; and the run report's
// periphery pricing (table and data-dependent) for the bundled CNN.
#include <algorithm>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "golden/common/error.h"
#include "sim/power/optical_model_fit.h"
#include "sim/tracing/optical_activity_pricing.h"
#include "tests/sim/optical_power/optical_support.h"
#include "tests/support/run_command.h"
#include "tests/support/scratch_dir.h"
#include "traces/activity/optical_energy_model.h"
#include "traces/activity/optical_features.h"

namespace tessera {
namespace {

using power::OpticalConverter;

// Held-out figures at fitting time (2 tiles a layer): per-element R^2 0.928 / 0.962 / 0.980, mean layer
// error 1.8 % / 1.0 % / 0.05 % (DAC / ADC / psum; before the operator-net features 0.79 / 0.84 / 0.40 and
// 2.5 % / 2.4 % / 1.3 %; psum before first_toggle and register_outputs 0.505 / 1.0 %). The thresholds
// leave room for the 1-tile sample and fail the models before them.
struct Bar {
  OpticalConverter converter;
  double min_r2, max_mean_error;
};

TEST(OpticalModel, ShippedModelsPredictHeldOutLayers) {
  test::use_build_tree_netlist_cache();
  const auto models = tracing::optical_periphery_models_for("sky130");
  ASSERT_TRUE(models.has_value()) << "traces/activity/models/optical_*.sky130.json missing";
  const test::ScratchDir dir;
  const auto held_out = test::record_digits_vit_optical(dir.path().string(), 1);
  ASSERT_GE(held_out.size(), 4u);
  for (const Bar& bar : {Bar{OpticalConverter::dac, 0.88, 0.05}, Bar{OpticalConverter::adc, 0.9, 0.05},
                         Bar{OpticalConverter::psum, 0.9, 0.01}}) {
    SCOPED_TRACE(power::to_string(bar.converter));
    const auto& model = bar.converter == OpticalConverter::dac   ? models->dac
                        : bar.converter == OpticalConverter::adc ? models->adc
                                                                 : models->psum;
    const power::OpticalHeldOut judged = power::judge_optical_model(model, bar.converter, held_out, {});
    std::printf("%s held out: per-element R2 %.3f, mean |layer error| %.4f, max %.4f\n",
                power::to_string(bar.converter).c_str(), judged.per_element_r2, judged.mean_abs_error,
                judged.max_abs_error);
    EXPECT_GE(judged.per_element_r2, bar.min_r2);
    EXPECT_LE(judged.mean_abs_error, bar.max_mean_error);
  }
}

// first_i's two edges and the accumulators' registers, one clock behind their inputs: the features
// whose absence cost the psum model ~5 pJ on every cycle after an output boundary.
TEST(OpticalModel, PsumFeaturesSeeFirstEdgesAndRegistersOneClockLate) {
  namespace activity = traces::activity;
  const std::vector<std::string>& names = activity::optical_feature_names(activity::OpticalUnit::psum);
  const auto column = [&](const std::string& name) {
    const auto at = std::find(names.begin(), names.end(), name);
    EXPECT_NE(at, names.end()) << name;
    return static_cast<Eigen::Index>(at - names.begin());
  };
  const std::vector<std::uint32_t> qa = {3, 200, 17, 255, 0, 9, 128}, qw = {5, 7, 255, 1, 64, 33, 2};
  const std::vector<std::int8_t> floor_sign = {0, 0, 1, 0, -1, 0, 0};
  const std::vector<std::uint8_t> first = {1, 0, 0, 1, 0, 1, 1};
  const Eigen::MatrixXd f = activity::optical_psum_features(qa, qw, floor_sign, first);
  const Eigen::Index first_toggle = column("first_toggle"), registers = column("register_outputs");
  const std::vector<double> expected_first_toggle = {0, 1, 0, 1, 1, 1, 0};
  for (Eigen::Index i = 0; i < f.rows(); ++i) {
    EXPECT_EQ(f(i, first_toggle), expected_first_toggle[static_cast<std::size_t>(i)]) << "pair " << i;
    double sum_toggles_before = 0.0;
    for (const char* sum : {"n_plain", "n_pos", "n_neg", "sum_w", "sum_a_plain", "sum_aw", "sum_a_pos", "sum_a_neg"}) {
      if (i > 0) sum_toggles_before += f(i - 1, column(sum));
    }
    EXPECT_EQ(f(i, registers), sum_toggles_before) << "pair " << i;
  }
  EXPECT_GT(f(4, registers), 0.0);  // the register holding output 1's sums falls back to output 2's first pair
}

TEST(OpticalModel, ModelFileRoundTripsAndRejectsAWrongFeatureList) {
  const test::ScratchDir dir;
  auto model = tracing::optical_energy_model_for(traces::activity::OpticalUnit::adc, "sky130");
  ASSERT_TRUE(model.has_value());
  traces::activity::save_optical_model(*model, dir.file("m.json"));
  const auto back = traces::activity::load_optical_model(dir.file("m.json"));
  EXPECT_EQ(back.coefficients_pj, model->coefficients_pj);
  EXPECT_EQ(back.intercept_pj, model->intercept_pj);
  nlohmann::json text = traces::activity::optical_model_to_json(*model);
  text["features"][0] = "z";
  {
    std::FILE* f = std::fopen(dir.file("bad.json").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(text.dump().c_str(), f);
    std::fclose(f);
  }
  try {
    traces::activity::load_optical_model(dir.file("bad.json"));
    FAIL() << "a model with another feature list was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("features"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("unknown feature 'z'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos) << e.what();
  }
}

TEST(OpticalModel, ModelFileOfFewerFeaturesLoadsWithTheOthersAtZero) {
  // A file fitted before the operator-net features (the first 12 names only) still prices.
  const test::ScratchDir dir;
  auto model = tracing::optical_energy_model_for(traces::activity::OpticalUnit::dac, "sky130");
  ASSERT_TRUE(model.has_value());
  nlohmann::json text = traces::activity::optical_model_to_json(*model);
  nlohmann::json names = nlohmann::json::array(), coefficients = nlohmann::json::array();
  for (std::size_t i = 0; i < 12; ++i) {
    names.push_back(text["features"][i]);
    coefficients.push_back(0.5 + static_cast<double>(i));
  }
  text["features"] = names;
  text["coefficients_pj"] = coefficients;
  {
    std::FILE* f = std::fopen(dir.file("old.json").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(text.dump().c_str(), f);
    std::fclose(f);
  }
  const auto old = traces::activity::load_optical_model(dir.file("old.json"));
  ASSERT_EQ(old.coefficients_pj.size(), traces::activity::optical_feature_names(old.unit).size());
  for (std::size_t i = 0; i < old.coefficients_pj.size(); ++i) {
    EXPECT_EQ(old.coefficients_pj[i], i < 12 ? 0.5 + static_cast<double>(i) : 0.0) << i;
  }
  text["features"][3] = text["features"][2];  // a name twice
  {
    std::FILE* f = std::fopen(dir.file("twice.json").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(text.dump().c_str(), f);
    std::fclose(f);
  }
  EXPECT_THROW(traces::activity::load_optical_model(dir.file("twice.json")), InputError);
}

TEST(OpticalModel, RunReportPricesThePeripheryBesideTheAnalogParts) {
  const test::ScratchDir dir;
  const test::CommandResult run =
      test::run_tessera({"run", "--network", "digits_cnn", "--images", "2", "--report", dir.file("report")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::FILE* f = std::fopen(dir.file("report/report.json").c_str(), "r");
  ASSERT_NE(f, nullptr);
  std::string text;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) text.append(buffer, n);
  std::fclose(f);
  const nlohmann::json report = nlohmann::json::parse(text);
  bool found = false;
  for (const auto& layer : report.at("layers")) {
    if (layer.at("node_name") != "/conv1/Conv") continue;
    found = true;
    const auto& periphery = layer.at("periphery_energy_pj");
    for (const char* method : {"table", "data-dependent"}) {
      for (const char* component : {"dac_quantizer_input", "dac_quantizer_weight", "adc_quantizer", "psum"}) {
        EXPECT_GT(periphery.at(method).at(component).get<double>(), 0.0) << method << " " << component;
      }
    }
    EXPECT_GT(layer.at("energy_pj").at("adc").get<double>(), 0.0);  // the analog ADC keeps its table figure
  }
  EXPECT_TRUE(found) << "no /conv1/Conv layer in the report";
}

}  // namespace
}  // namespace tessera
