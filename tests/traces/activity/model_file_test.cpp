// Model files round-trip; corrupt or mismatched files are rejected naming the file and field.
#include "traces/activity/model_file.h"

#include <gtest/gtest.h>

#include <fstream>

#include "golden/common/error.h"
#include "tests/support/scratch_dir.h"

namespace tessera::traces::activity {
namespace {

LinearEnergyModel sample_model() {
  ModelMetadata meta;
  meta.unit = "mul8s_1L2H";
  meta.library = "sky130_fd_sc_hd__tt_025C_1v80";
  meta.design = "mul8s_1L2H.v";
  meta.top = "mul8s_1L2H";
  meta.clock_period_ns = 10.0;
  meta.fitted_on = "uniform + DNN-like streams";
  meta.fitted_ops = 40000;
  meta.fitted_streams = 4;
  meta.r2_train = 0.953;
  return LinearEnergyModel({"hd_a", "pp_toggles", "out_hd"}, 0.123456789012345, {0.01, 1.0 / 3.0, -2e-5}, meta);
}

TEST(ModelFile, RoundTripsEveryField) {
  test::ScratchDir dir;
  const auto path = dir.file("model.json");
  const auto model = sample_model();
  save_model(model, path);
  const auto loaded = load_model(path);
  EXPECT_EQ(loaded.feature_names(), model.feature_names());
  EXPECT_EQ(loaded.coefficients_pj(), model.coefficients_pj());  // bit-exact: JSON keeps 17 digits
  EXPECT_EQ(loaded.intercept_pj(), model.intercept_pj());
  const auto& a = loaded.metadata();
  const auto& b = model.metadata();
  EXPECT_EQ(a.unit, b.unit);
  EXPECT_EQ(a.library, b.library);
  EXPECT_EQ(a.design, b.design);
  EXPECT_EQ(a.top, b.top);
  EXPECT_EQ(a.clock_period_ns, b.clock_period_ns);
  EXPECT_EQ(a.fitted_on, b.fitted_on);
  EXPECT_EQ(a.fitted_ops, b.fitted_ops);
  EXPECT_EQ(a.fitted_streams, b.fitted_streams);
  EXPECT_EQ(a.r2_train, b.r2_train);
  EXPECT_EQ(model_to_json(loaded), model_to_json(model));
}

// Writes `text` and expects load_model to fail with a message naming the file and `field`.
void expect_rejected(const std::string& text, const std::string& field) {
  test::ScratchDir dir;
  const auto path = dir.file("bad.json");
  std::ofstream(path) << text;
  try {
    load_model(path);
    ADD_FAILURE() << "accepted a model file with a bad '" << field << "'";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find(field), std::string::npos) << message;
  }
}

nlohmann::json good() { return model_to_json(sample_model()); }

TEST(ModelFile, CorruptFilesAreRejected) {
  const std::string text = good().dump(2);
  expect_rejected(text.substr(0, text.size() / 2), "not valid JSON");
  expect_rejected("", "not valid JSON");
  expect_rejected("[1, 2]", "(top level)");
  EXPECT_THROW(load_model("/nonexistent/dir/model.json"), InputError);
}

TEST(ModelFile, EveryFieldIsChecked) {
  for (const char* key : {"format", "version", "unit", "library", "design", "top", "clock_period_ns", "fitted_on",
                          "intercept_pj", "feature_names", "coefficients_pj"}) {
    auto missing = good();
    missing.erase(key);
    expect_rejected(missing.dump(), std::string("'") + key + "'");
  }
  for (const char* key : {"description", "ops", "streams", "r2_train"}) {
    auto missing = good();
    missing["fitted_on"].erase(key);
    expect_rejected(missing.dump(), std::string("fitted_on.") + key);
  }
  auto j = good();
  j["format"] = "something.else";
  expect_rejected(j.dump(), "'format'");
  j = good();
  j["version"] = 2;
  expect_rejected(j.dump(), "'version'");
  j = good();
  j["unit"] = 5;
  expect_rejected(j.dump(), "'unit'");
  j = good();
  j["intercept_pj"] = "1.0";
  expect_rejected(j.dump(), "'intercept_pj'");
  j = good();
  j["clock_period_ns"] = -1.0;
  expect_rejected(j.dump(), "'clock_period_ns'");
  j = good();
  j["fitted_on"]["ops"] = -3;
  expect_rejected(j.dump(), "'fitted_on.ops'");
  j = good();
  j["fitted_on"]["ops"] = 1.5;
  expect_rejected(j.dump(), "'fitted_on.ops'");
  j = good();
  j["coefficient_pj"] = j["coefficients_pj"];  // misspelt extra key
  expect_rejected(j.dump(), "'coefficient_pj'");
}

TEST(ModelFile, FeatureListsAreChecked) {
  auto j = good();
  j["feature_names"][1] = "toggles";
  expect_rejected(j.dump(), "'feature_names[1]'");
  j = good();
  j["feature_names"][2] = "hd_a";
  expect_rejected(j.dump(), "'feature_names[2]'");
  j = good();
  j["feature_names"][0] = 3;
  expect_rejected(j.dump(), "'feature_names[0]'");
  j = good();
  j["coefficients_pj"].push_back(1.0);
  expect_rejected(j.dump(), "'coefficients_pj'");
  j = good();
  j["feature_names"].erase(0);
  expect_rejected(j.dump(), "'coefficients_pj'");
  j = good();
  j["coefficients_pj"][1] = nullptr;  // what a NaN turns into when dumped
  expect_rejected(j.dump(), "'coefficients_pj[1]'");
  j = good();
  j["feature_names"] = "hd_a";
  expect_rejected(j.dump(), "'feature_names'");
}

}  // namespace
}  // namespace tessera::traces::activity
