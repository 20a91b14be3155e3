#include "sim/pipeline/network_run.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "golden/common/data_path.h"
#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "golden/io/npy.h"
#include "tests/support/scratch_dir.h"

namespace tessera::pipeline {
namespace {

RunOptions small_vit_run() {
  RunOptions options = bundled_run("digits_vit");
  options.max_images = 48;
  options.calibration_images = 32;
  options.batch_images = 16;
  return options;
}

const report::RunReport& vit_report() {
  static const report::RunReport report = run_network(small_vit_run());
  return report;
}

TEST(NetworkRun, BundledVitPutsLayersOnEveryUnitFamily) {
  const report::RunReport& report = vit_report();
  EXPECT_EQ(report.image_count, 48u);
  std::set<std::string> kinds;
  for (const auto& layer : report.layers) {
    kinds.insert(layer.unit_kind);
    EXPECT_TRUE(layer.mapped) << layer.node_name << ": " << layer.fallback_reason;
    EXPECT_GT(layer.macs, 0u) << layer.node_name;
    EXPECT_EQ(layer.local_error.count, layer.propagated_error.count) << layer.node_name;
    EXPECT_GT(layer.local_error.count, 0u) << layer.node_name;
    // Every unit is configured to be close to FP32, none exact.
    EXPECT_GT(layer.local_error.snr_db, 20.0) << layer.node_name;
    EXPECT_TRUE(std::isfinite(layer.local_error.snr_db)) << layer.node_name;
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"approx", "mx", "optical"}));
}

// Error accumulates: the last layer's output, fed by sixteen emulated layers, is further from
// the FP32 network than the same layer fed FP32 inputs.
TEST(NetworkRun, PropagatedErrorAccumulatesDownTheNetwork) {
  const report::RunReport& report = vit_report();
  ASSERT_GE(report.layers.size(), 2u);
  const auto& first = report.layers.front();
  const auto& last = report.layers.back();
  EXPECT_NEAR(first.propagated_error.snr_db, first.local_error.snr_db, 1e-9)
      << "the first mapped layer sees the FP32 image either way";
  EXPECT_LT(last.propagated_error.snr_db, last.local_error.snr_db - 3.0);
}

TEST(NetworkRun, TopOneIsMeasuredAgainstTheLabels) {
  const report::RunReport& report = vit_report();
  ASSERT_TRUE(report.task.has_value());
  EXPECT_GT(report.task->top1_fp32, 0.85);
  EXPECT_GT(report.task->top1_emulated, 0.8);
  EXPECT_GT(report.task->agreement, 0.85);
  EXPECT_LE(report.task->agreement, 1.0);
}

TEST(NetworkRun, AllFp32RulesReproduceTheFp32Network) {
  test::ScratchDir dir;
  io::write_file_atomically(dir.file("fp32.json"), std::string(R"({"rules": [], "default": {"kind": "fp32"}})"));
  RunOptions options = small_vit_run();
  options.rules_path = dir.file("fp32.json");
  const report::RunReport report = run_network(options);
  EXPECT_TRUE(report.layers.empty());
  ASSERT_TRUE(report.task.has_value());
  EXPECT_EQ(report.task->agreement, 1.0);
  EXPECT_EQ(report.task->top1_emulated, report.task->top1_fp32);
}

void expect_input_error(const RunOptions& options, const std::string& needle) {
  try {
    run_network(options);
    FAIL() << "expected an error mentioning " << needle;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(NetworkRun, BadInputsNameTheFileAndTheField) {
  test::ScratchDir dir;
  RunOptions options = small_vit_run();
  // Images of the wrong size for the model.
  npy::save(dir.file("wrong.npy"), npy::make_array<float>({2, 1, 4, 4}, std::vector<float>(32, 0.0f)));
  options.data_path = dir.file("wrong.npy");
  expect_input_error(options, "wrong.npy: shape (2, 1, 4, 4) does not fit the model input");
  // Labels as data: wrong dtype.
  options = small_vit_run();
  options.data_path = data_path("sim/networks/digits/test_labels.npy").string();
  expect_input_error(options, "test_labels.npy: dtype: expected float32");
  // Too few labels.
  options = small_vit_run();
  npy::save(dir.file("few.npy"), npy::make_array<std::int64_t>({3}, {1, 2, 3}));
  options.labels_path = dir.file("few.npy");
  expect_input_error(options, "few.npy: shape (3,): expected (48,)");
  // Missing model, unknown unit kind.
  options = small_vit_run();
  options.model_path = dir.file("absent.onnx");
  expect_input_error(options, "absent.onnx");
  io::write_file_atomically(dir.file("bad.json"),
                            std::string(R"({"rules": [{"match": {"op_type": "Conv"}, "unit": {"kind": "quantum"}}]})"));
  options = small_vit_run();
  options.rules_path = dir.file("bad.json");
  expect_input_error(options, "rules[0].unit.kind");
}

// A NaN pixel: golden's optical quantizer refuses it, so that layer runs FP32 and the report says
// why, instead of the run failing or the unit producing garbage.
TEST(NetworkRun, AUnitThatFailsAtRunTimeFallsBackToFp32WithItsReason) {
  test::ScratchDir dir;
  RunOptions options = bundled_run("digits_cnn");
  npy::Array images = npy::load(options.data_path);
  images.shape[0] = 8;
  images.bytes.resize(8 * 64 * sizeof(float));
  images.data<float>()[5] = std::numeric_limits<float>::quiet_NaN();
  npy::save(dir.file("nan.npy"), images);
  options.calibration_data_path = options.data_path;  // calibrate on clean images
  options.data_path = dir.file("nan.npy");
  options.labels_path.clear();
  options.calibration_images = 16;
  const report::RunReport report = run_network(options);
  bool found = false;
  for (const auto& layer : report.layers) {
    if (layer.node_name != "/conv1/Conv") continue;
    found = true;
    EXPECT_EQ(layer.unit_kind, "optical");
    EXPECT_FALSE(layer.mapped);
    EXPECT_NE(layer.fallback_reason.find("the unit failed, ran FP32"), std::string::npos) << layer.fallback_reason;
  }
  EXPECT_TRUE(found);
}

TEST(NetworkRun, RulesThatMatchNothingAreReported) {
  test::ScratchDir dir;
  io::write_file_atomically(
      dir.file("typo.json"),
      std::string(R"({"rules": [{"match": {"name": "/no/such/node"}, "unit": {"kind": "mx"}}], "default": {"kind": "fp32"}})"));
  RunOptions options = small_vit_run();
  options.max_images = 16;
  options.rules_path = dir.file("typo.json");
  const report::RunReport report = run_network(options);
  bool warned = false;
  for (const auto& warning : report.warnings) warned |= warning.find("/no/such/node") != std::string::npos;
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace tessera::pipeline
