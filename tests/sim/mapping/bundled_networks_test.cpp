// The bundled networks (digits ViT with the example rules sim/networks/digits_vit/rules.json, digits CNN):
// every family on some layers, calibration on a few batches, shadows equal to run_reference,
// accuracy close to FP32. Skips while the network is absent.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "golden/common/data_path.h"
#include "golden/io/npy.h"
#include "sim/mapping/emulated_network.h"
#include "sim/onnx/loader.h"
#include "sim/runtime/executor.h"
#include "sim/runtime/optimize.h"

namespace {

using namespace tessera;
namespace fs = std::filesystem;
using graph::Dims;
using graph::Tensor;

Tensor images(std::size_t begin, std::size_t count) {
  const auto a = npy::load_expecting(data_path("sim/networks/digits/test_images.npy").string(), npy::DType::float32);
  const std::vector<float> all = a.to_vector<float>();
  const std::size_t per = 64;
  return Tensor::from_floats({static_cast<std::int64_t>(count), 1, 8, 8},
                             std::vector<float>(all.begin() + static_cast<std::ptrdiff_t>(begin * per),
                                                all.begin() + static_cast<std::ptrdiff_t>((begin + count) * per)));
}

std::vector<std::int64_t> labels() {
  return npy::load_expecting(data_path("sim/networks/digits/test_labels.npy").string(), npy::DType::int64)
      .to_vector<std::int64_t>();
}

std::size_t correct(const Tensor& logits, const std::vector<std::int64_t>& y, std::size_t begin) {
  std::size_t ok = 0;
  const std::size_t n = static_cast<std::size_t>(logits.dim(0));
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t best = 0;
    for (std::size_t c = 1; c < 10; ++c)
      if (logits.floats()[i * 10 + c] > logits.floats()[i * 10 + best]) best = c;
    ok += static_cast<std::int64_t>(best) == y[begin + i];
  }
  return ok;
}

TEST(DigitsVit, ExampleRulesMapEveryFamilyAndKeepAccuracy) {
  const fs::path model = data_path("sim/networks/digits_vit/model.onnx");
  if (!fs::exists(model) || !fs::exists(data_path("sim/networks/digits/test_images.npy"))) {
    GTEST_SKIP() << "sim/networks/digits_vit is not present";
  }
  runtime::Executor exec(onnx::load_onnx(model.string()).graph);
  const mapping::MappingRules rules =
      mapping::load_rules(data_path("sim/networks/digits_vit/rules.json").string());
  const mapping::MappingResult mapped = mapping::resolve(exec.graph(), rules);
  for (const auto& row : mapping::format_mapping_table(mapped, rules, true)) {
    std::cout << row.node << " | " << row.op << " | " << row.unit << " | " << row.rule << " | " << row.note << "\n";
  }
  for (const std::string& w : mapped.warnings) std::cout << "warning: " << w << "\n";
  EXPECT_TRUE(mapped.warnings.empty());
  EXPECT_EQ(mapped.mapped_count(), 17u);  // the Conv and all 16 MatMuls (head excluded)
  EXPECT_EQ(mapped.find("/patch_embed/Conv")->kind(), units::UnitKind::approx);
  EXPECT_EQ(mapped.find("/blocks.0/attn/qk/MatMul")->kind(), units::UnitKind::optical);
  EXPECT_EQ(mapped.find("/blocks.0/attn/qk/MatMul")->rule_index, 1);
  EXPECT_EQ(mapped.find("/blocks.0/attn/q/MatMul")->rule_index, 2);
  EXPECT_EQ(mapped.find("/blocks.0/mlp/fc1/MatMul")->kind(), units::UnitKind::approx);
  EXPECT_EQ(mapped.find("/blocks.1/attn/av/MatMul")->kind(), units::UnitKind::mx);
  EXPECT_EQ(mapped.find("/head/Gemm")->origin, mapping::Origin::excluded);

  mapping::EmulatedNetwork net(exec, mapped);
  net.calibrate({{{"input", images(0, 32)}}, {{"input", images(32, 32)}}});
  const std::size_t begin = 100, count = 128;
  const Tensor x = images(begin, count);
  const auto run = net.run_with_shadow({{"input", x}});
  const Tensor fp32 = net.run_reference({{"input", x}}).at("logits");
  ASSERT_EQ(run.layers.size(), 17u);
  std::uint64_t macs = 0;
  for (const auto& layer : run.layers) {
    macs += layer.macs;
    ASSERT_EQ(layer.emulated[0].dims(), layer.reference[0].dims()) << layer.node;
    double err = 0, ref = 0;
    for (std::size_t i = 0; i < layer.reference[0].size(); ++i) {
      const double d = layer.emulated[0].floats()[i] - layer.reference[0].floats()[i];
      err += d * d;
      ref += double(layer.reference[0].floats()[i]) * layer.reference[0].floats()[i];
    }
    const double snr_db = 10 * std::log10(ref / std::max(err, 1e-30));
    std::cout << layer.node << " (" << units::unit_kind_name(layer.kind) << "): SNR " << snr_db << " dB, "
              << layer.macs << " MACs\n";
    EXPECT_GT(snr_db, 10.0) << layer.node;
  }
  EXPECT_GT(macs, 0u);
  const std::vector<std::int64_t> y = labels();
  const std::size_t ok_emulated = correct(run.outputs.at("logits"), y, begin);
  const std::size_t ok_fp32 = correct(fp32, y, begin);
  std::cout << "accuracy on " << count << " images: fp32 " << ok_fp32 << ", emulated " << ok_emulated << "\n";
  EXPECT_GE(ok_emulated + 6, ok_fp32);
  EXPECT_FALSE(graph::bitwise_equal(run.outputs.at("logits"), fp32));
}

TEST(DigitsVit, OptimizedGraphMapsTheFusedNodesByTheSameRules) {
  const fs::path model = data_path("sim/networks/digits_vit/model.onnx");
  if (!fs::exists(model) || !fs::exists(data_path("sim/networks/digits/test_images.npy"))) {
    GTEST_SKIP() << "sim/networks/digits_vit is not present";
  }
  graph::Graph g = onnx::load_onnx(model.string()).graph;
  runtime::optimize(g);
  std::size_t fused = 0;
  for (const auto& node : g.nodes) fused += node.domain == graph::kTesseraDomain && node.op_type == "Linear";
  ASSERT_GT(fused, 0u);
  runtime::Executor exec(std::move(g));
  const mapping::MappingRules rules =
      mapping::load_rules(data_path("sim/networks/digits_vit/rules.json").string());
  const mapping::MappingResult mapped = mapping::resolve(exec.graph(), rules);
  EXPECT_TRUE(mapped.warnings.empty());
  EXPECT_EQ(mapped.mapped_count(), 17u);
  const auto* fc1 = mapped.find("/blocks.1/mlp/fc1/MatMul");
  ASSERT_NE(fc1, nullptr);
  EXPECT_EQ(fc1->op_type, "Linear");
  EXPECT_EQ(fc1->kind(), units::UnitKind::mx);  // "op_type": "MatMul" matches the fused Linear
  mapping::EmulatedNetwork net(exec, mapped);
  net.calibrate({{{"input", images(0, 32)}}});
  const Tensor x = images(200, 64);
  const auto run = net.run_with_shadow({{"input", x}});
  ASSERT_EQ(run.layers.size(), 17u);
  const std::vector<std::int64_t> y = labels();
  const std::size_t ok_fp32 = correct(net.run_reference({{"input", x}}).at("logits"), y, 200);
  EXPECT_GE(correct(run.outputs.at("logits"), y, 200) + 4, ok_fp32);
}

// digits_cnn with each family on a different layer: Conv on optical and mx (im2col lowering),
// Gemm on approx; per-layer outputs stay close to their FP32 shadows.
TEST(DigitsCnn, ConvOnOpticalAndMxGemmOnApprox) {
  const fs::path model = data_path("sim/networks/digits_cnn/model.onnx");
  if (!fs::exists(model) || !fs::exists(data_path("sim/networks/digits/test_images.npy"))) {
    GTEST_SKIP() << "sim/networks/digits_cnn is not present";
  }
  runtime::Executor exec(onnx::load_onnx(model.string()).graph);
  const mapping::MappingRules rules = mapping::rules_from_json(nlohmann::json::parse(R"({
    "rules": [
      {"match": {"name": "/conv1/Conv"}, "unit": {"kind": "optical", "q_levels": 256}},
      {"match": {"name": "/conv2/Conv"}, "unit": {"kind": "mx", "weight_format": "fp6_e2m3", "activation_format": "fp8_e4m3"}},
      {"match": {"op_type": "Gemm"}, "unit": {"kind": "approx", "multiplier": "mul8s_1L2H"}}]})"), "cnn rules");
  const mapping::MappingResult mapped = mapping::resolve(exec.graph(), rules);
  EXPECT_TRUE(mapped.warnings.empty());
  ASSERT_EQ(mapped.mapped_count(), 4u);
  mapping::EmulatedNetwork net(exec, mapped);
  net.calibrate({{{"input", images(0, 32)}}, {{"input", images(32, 32)}}});
  const Tensor x = images(300, 100);
  const auto run = net.run_with_shadow({{"input", x}});
  ASSERT_EQ(run.layers.size(), 4u);
  for (const auto& layer : run.layers) {
    double err = 0, ref = 0;
    for (std::size_t i = 0; i < layer.reference[0].size(); ++i) {
      const double d = layer.emulated[0].floats()[i] - layer.reference[0].floats()[i];
      err += d * d;
      ref += double(layer.reference[0].floats()[i]) * layer.reference[0].floats()[i];
    }
    const double snr_db = 10 * std::log10(ref / std::max(err, 1e-30));
    std::cout << layer.node << " (" << units::unit_kind_name(layer.kind) << "): SNR " << snr_db << " dB\n";
    EXPECT_GT(snr_db, 15.0) << layer.node;
  }
  const std::vector<std::int64_t> y = labels();
  const std::size_t ok_fp32 = correct(net.run_reference({{"input", x}}).at("logits"), y, 300);
  EXPECT_GE(correct(run.outputs.at("logits"), y, 300) + 5, ok_fp32);
}

}  // namespace
