// A small graph through the executor with an approx Gemm and an optical attention MatMul:
// outputs equal golden's, shadows equal run_reference, local and propagated comparisons.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include <nlohmann/json.hpp>

#include "golden/approx/calibrate.h"
#include "golden/approx/catalog.h"
#include "golden/approx/layer.h"
#include "golden/common/error.h"
#include "golden/optical/layer.h"
#include "golden/optical/matmul.h"
#include "sim/graph/shape_inference.h"
#include "sim/mapping/emulated_network.h"
#include "sim/runtime/executor.h"
#include "tests/sim/graph/graph_builder.h"

namespace {

using namespace tessera;
using graph::Attribute;
using graph::Dims;
using graph::Tensor;
using nlohmann::json;
using test::make_node;
using test::random_tensor;
using test::value;
using testing::HasSubstr;

// x [4, 8] -> fc Gemm(W [6, 8], b [6], transB) -> relu -> reshape [2, 2, 6] -> attn MatMul(., kt [2, 6, 3]) -> y
graph::Graph tiny_graph() {
  graph::Graph g;
  g.source = "tiny";
  g.inputs = {value("x", {4, 8}), value("kt", {2, 6, 3})};
  g.outputs = {value("y", {2, 2, 3})};
  g.initializers["W"] = random_tensor({6, 8}, 1, 0.4f);
  g.initializers["b"] = random_tensor({6}, 2, 0.1f);
  g.initializers["shape"] = Tensor::from_int64s({3}, {2, 2, 6});
  g.nodes = {
      make_node("fc", "Gemm", {"x", "W", "b"}, {"h"}, {{"transB", Attribute(std::int64_t{1})}}),
      make_node("relu", "Relu", {"h"}, {"r"}, {}, 14),
      make_node("reshape", "Reshape", {"r", "shape"}, {"r3"}, {}, 14),
      make_node("attn", "MatMul", {"r3", "kt"}, {"y"}),
  };
  graph::infer_shapes(g);
  return g;
}

const char* kRules = R"({
  "rules": [
    {"match": {"op_type": "Gemm"}, "unit": {"kind": "approx", "multiplier": "mul8s_1L2H"}},
    {"match": {"name": "attn"}, "unit": {"kind": "optical", "q_levels": 64, "q_init_seed": 4}}]})";

runtime::TensorMap batch(std::uint32_t seed) {
  return {{"x", random_tensor({4, 8}, seed)}, {"kt", random_tensor({2, 6, 3}, seed + 100)}};
}

Tensor relu(Tensor t) {
  for (float& v : t.floats()) v = v > 0.0f ? v : 0.0f;
  return t;
}

std::vector<float> slice(const std::vector<float>& v, std::size_t i, std::size_t n) {
  return std::vector<float>(v.begin() + static_cast<std::ptrdiff_t>(i * n), v.begin() + static_cast<std::ptrdiff_t>((i + 1) * n));
}

std::vector<float> transpose(const std::vector<float>& m, std::size_t r, std::size_t c) {
  std::vector<float> t(m.size());
  for (std::size_t i = 0; i < r; ++i)
    for (std::size_t j = 0; j < c; ++j) t[j * r + i] = m[i * c + j];
  return t;
}

TEST(EmulatedNetwork, ApproxGemmAndOpticalMatMulEqualGoldenWithShadows) {
  runtime::Executor exec(tiny_graph());
  const mapping::MappingRules rules = mapping::rules_from_json(json::parse(kRules), "rules");
  const mapping::MappingResult mapped = mapping::resolve(exec.graph(), rules);
  EXPECT_TRUE(mapped.warnings.empty());
  ASSERT_EQ(mapped.mapped_count(), 2u);
  mapping::EmulatedNetwork net(exec, mapped);
  EXPECT_EQ(net.mapped_nodes(), (std::vector<std::string>{"fc", "attn"}));
  EXPECT_FALSE(net.calibrated());

  const std::vector<runtime::TensorMap> calibration{batch(10), batch(11)};
  net.calibrate(calibration);
  EXPECT_TRUE(net.calibrated());
  EXPECT_EQ(net.op("fc").calibration_batches(), 2u);

  // Golden, step by step. fc: percentile activation amax over the calibration inputs,
  // per-channel max weight amax.
  const graph::Graph& g = exec.graph();
  const Tensor& W = g.initializers.at("W");
  const Tensor& b = g.initializers.at("b");
  approx::Calibrator act{approx::CalibratorConfig{}};
  for (const auto& m : calibration) act.collect(m.at("x").floats());
  approx::CalibratorConfig max_cfg;
  max_cfg.method = approx::CalibrationMethod::max;
  approx::PerChannelCalibrator wc(6, max_cfg);
  wc.collect(W.floats());
  approx::LayerQuantization q;
  q.activation_amax = act.compute_amax();
  q.weight_amax = wc.compute_amax();
  const approx::MultiplierTable table = approx::load_multiplier("mul8s_1L2H");

  // attn: optical ranges observed on the FP32 network's activations during calibration.
  optical::OpticalConfig oc;
  oc.q_levels = 64;
  oc.q_init_seed = 4;
  optical::RunningRange ra("A", oc.q_smooth_factor), rb("B", oc.q_smooth_factor), ro("O", oc.q_smooth_factor);
  for (auto* r : {&ra, &rb, &ro}) r->set_calibrating(true);
  for (const auto& m : calibration) {
    const Tensor h = runtime::run_reference(g.nodes[0], {&m.at("x"), &W, &b})[0];
    const Tensor r3 = relu(h);
    const Tensor& kt = m.at("kt");
    ra.observe(r3.floats().data(), r3.size());
    rb.observe(kt.floats().data(), kt.size());
    std::vector<float> products;
    for (std::size_t i = 0; i < 2; ++i) {
      const auto f = optical::float_gemm(optical::make_matrix(2, 6, slice(r3.floats(), i, 12)),
                                         optical::make_matrix(3, 6, transpose(slice(kt.floats(), i, 18), 6, 3)), {});
      products.insert(products.end(), f.data.begin(), f.data.end());
    }
    ro.observe(products.data(), products.size());
  }
  optical::OpticalGemmSpec spec;
  spec.input = optical::quantizer_from_range(ra, 64, 0.0f);
  spec.weight = optical::quantizer_from_range(rb, 64, optical::effective_lut_min(oc));
  spec.output.adc = optical::quantizer_from_range(ro, 64, 0.0f);

  const runtime::TensorMap in = batch(20);
  const std::vector<float> fc_out = approx::approx_linear(table, in.at("x").floats(), W.floats(), b.floats(), 4, 6, 8, q);
  const Tensor r3 = relu(Tensor::from_floats({2, 2, 6}, fc_out));
  std::vector<float> y_want;
  for (std::uint32_t i = 0; i < 2; ++i) {
    const auto y = optical::optical_gemm(optical::make_matrix(2, 6, slice(r3.floats(), i, 12)),
                                         optical::make_matrix(3, 6, transpose(slice(in.at("kt").floats(), i, 18), 6, 3)),
                                         {}, spec, optical::CallKey{4, 3, i});  // unit id = node index 3
    y_want.insert(y_want.end(), y.data.begin(), y.data.end());
  }

  const mapping::EmulatedNetwork::ShadowRun run = net.run_with_shadow(in);
  const Tensor& y = run.outputs.at("y");
  ASSERT_EQ(y.size(), y_want.size());
  EXPECT_EQ(std::memcmp(y.floats().data(), y_want.data(), y_want.size() * sizeof(float)), 0);

  ASSERT_EQ(run.layers.size(), 2u);
  EXPECT_EQ(run.layers[0].node, "fc");
  EXPECT_EQ(run.layers[0].kind, units::UnitKind::approx);
  EXPECT_EQ(run.layers[0].macs, 4u * 6 * 8);
  EXPECT_TRUE(graph::bitwise_equal(run.layers[0].emulated[0], Tensor::from_floats({4, 6}, fc_out)));
  EXPECT_TRUE(graph::bitwise_equal(run.layers[0].reference[0],
                                   runtime::run_reference(g.nodes[0], {&in.at("x"), &W, &b})[0]));
  EXPECT_FALSE(graph::bitwise_equal(run.layers[0].emulated[0], run.layers[0].reference[0]));
  EXPECT_EQ(run.layers[1].node, "attn");
  EXPECT_EQ(run.layers[1].macs, 2u * 2 * 3 * 6);
  EXPECT_TRUE(graph::bitwise_equal(run.layers[1].emulated[0], y));
  // The shadow of the propagated run sees the emulated activations.
  EXPECT_TRUE(graph::bitwise_equal(run.layers[1].reference[0],
                                   runtime::run_reference(g.nodes[3], {&r3, &in.at("kt")})[0]));

  // Local: every op fed the FP32 network's activations.
  const runtime::TensorMap fp32 = net.run_reference(in);
  const mapping::EmulatedNetwork::ShadowRun local = net.run_local(in);
  ASSERT_EQ(local.layers.size(), 2u);
  EXPECT_TRUE(graph::bitwise_equal(local.outputs.at("y"), fp32.at("y")));
  EXPECT_TRUE(graph::bitwise_equal(local.layers[0].emulated[0], run.layers[0].emulated[0]));  // same input x
  EXPECT_TRUE(graph::bitwise_equal(local.layers[1].reference[0], fp32.at("y")));
  EXPECT_FALSE(graph::bitwise_equal(local.layers[1].reference[0], run.layers[1].reference[0]));
  EXPECT_EQ(local.layers[1].emulated[0].dims(), (Dims{2, 2, 3}));

  // The layer callback sees the same records.
  std::vector<std::string> seen;
  net.set_layer_callback([&](const graph::Node& node, const runtime::TensorRefs& inputs, const mapping::LayerOutputs& out) {
    seen.push_back(node.name);
    EXPECT_TRUE(graph::bitwise_equal(out.reference[0], runtime::run_reference(node, inputs)[0]));
  });
  net.set_shadow(true);
  net.run(in);
  EXPECT_EQ(seen, (std::vector<std::string>{"fc", "attn"}));
}

TEST(EmulatedNetwork, UncalibratedRunNamesTheNode) {
  runtime::Executor exec(tiny_graph());
  const mapping::MappingResult mapped =
      mapping::resolve(exec.graph(), mapping::rules_from_json(json::parse(kRules), "rules"));
  {
    mapping::EmulatedNetwork net(exec, mapped);
    try {
      net.run(batch(1));
      FAIL() << "no StateError";
    } catch (const StateError& e) {
      EXPECT_THAT(e.what(), HasSubstr("node 'fc' (approx): not calibrated; run calibration first"));
    }
    EXPECT_THROW(net.op("relu"), ConfigError);
  }
  // The network is gone: its kernels are removed and the executor runs FP32 again.
  EXPECT_NO_THROW(exec.run(batch(1)));
}

}  // namespace
