// Each pass shrinks the graph and keeps its outputs: bit-for-bit, except fuse_gelu (stated
// tolerance: golden/ref gelu in double vs the float decomposition, a few float ulps).
#include <gtest/gtest.h>

#include <cmath>

#include "sim/graph/passes.h"
#include "sim/graph/shape_inference.h"
#include "sim/graph/validate.h"
#include "sim/runtime/executor.h"
#include "sim/runtime/kernel.h"
#include "sim/runtime/optimize.h"
#include "tests/sim/graph/graph_builder.h"

namespace {

using namespace tessera;
using graph::Attribute;
using graph::Dims;
using graph::Graph;
using graph::Tensor;
using test::make_node;
using test::random_tensor;
using test::value;

Tensor run(const Graph& g, const Tensor& x) {
  runtime::Executor exec(g);
  return exec.run1(x);
}

// x [N, 8] → Reshape by a shape computed from constants → MatMul with Transpose(W) → Add b → Relu,
// plus a dead branch and an Identity.
Graph mlp_graph() {
  Graph g;
  g.source = "mlp";
  g.inputs = {value("x", {-1, 8})};
  g.outputs = {value("y", {-1, 4})};
  g.initializers["W"] = random_tensor({4, 8}, 1);  // stored [N, K]: transposed at run time
  g.initializers["b"] = random_tensor({4}, 2);
  g.initializers["shape_a"] = Tensor::from_int64s({1}, {-1});
  g.initializers["shape_b"] = Tensor::from_int64s({1}, {8});
  g.nodes = {
      make_node("wt", "Transpose", {"W"}, {"Wt"}, {{"perm", Attribute(std::vector<std::int64_t>{1, 0})}}),
      make_node("shape", "Concat", {"shape_a", "shape_b"}, {"target"}, {{"axis", Attribute(std::int64_t{0})}}),
      make_node("flat", "Reshape", {"x", "target"}, {"x2"}, {}, 14),
      make_node("id", "Identity", {"x2"}, {"x3"}, {}, 16),
      make_node("fc", "MatMul", {"x3", "Wt"}, {"h"}),
      make_node("fc_bias", "Add", {"h", "b"}, {"hb"}, {}, 14),
      make_node("act", "Relu", {"hb"}, {"y"}, {}, 14),
      make_node("unused", "Sigmoid", {"h"}, {"dead"}),
  };
  graph::infer_shapes(g);
  return g;
}

TEST(Passes, ConstantFoldingRemovesConstantSubgraphsBitExact) {
  Graph g = mlp_graph();
  const Tensor x = random_tensor({3, 8}, 7);
  const Tensor before = run(g, x);
  const std::size_t n = g.nodes.size();
  EXPECT_EQ(graph::fold_constants(g, runtime::run_reference), 2u);  // Transpose, Concat
  EXPECT_LT(g.nodes.size(), n);
  EXPECT_TRUE(g.initializers.count("Wt"));
  EXPECT_FALSE(g.initializers.count("W")) << "the folded-away source weight is dropped";
  EXPECT_TRUE(graph::bitwise_equal(run(g, x), before));
}

TEST(Passes, FoldsShapeOfStaticallyKnownValues) {
  Graph g;
  g.source = "shape";
  g.inputs = {value("x", {2, 3, 4})};
  g.outputs = {value("y", {2, 12})};
  g.initializers["zero"] = Tensor::from_int64s({1}, {0});
  g.initializers["minus1"] = Tensor::from_int64s({1}, {-1});
  g.nodes = {
      make_node("s", "Shape", {"x"}, {"sx"}, {}, 15),
      make_node("g", "Gather", {"sx", "zero"}, {"n"}),
      make_node("c", "Concat", {"n", "minus1"}, {"target"}, {{"axis", Attribute(std::int64_t{0})}}),
      make_node("r", "Reshape", {"x", "target"}, {"y"}, {}, 14),
  };
  graph::infer_shapes(g);
  const Tensor x = random_tensor({2, 3, 4}, 3);
  const Tensor before = run(g, x);
  EXPECT_EQ(graph::fold_constants(g, runtime::run_reference), 3u);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op_type, "Reshape");
  EXPECT_TRUE(graph::bitwise_equal(run(g, x), before));
}

TEST(Passes, DeadCodeEliminationDropsUnreadNodesAndIdentity) {
  Graph g = mlp_graph();
  const Tensor x = random_tensor({2, 8}, 8);
  const Tensor before = run(g, x);
  EXPECT_EQ(graph::eliminate_dead_code(g), 2u);  // the Sigmoid branch and the Identity
  EXPECT_EQ(g.find_node("unused"), nullptr);
  EXPECT_EQ(g.find_node("id"), nullptr);
  EXPECT_TRUE(graph::bitwise_equal(run(g, x), before));
}

TEST(Passes, FuseBiasAndActivationIntoLinearBitExact) {
  Graph g = mlp_graph();
  graph::fold_constants(g, runtime::run_reference);
  graph::eliminate_dead_code(g);
  graph::infer_shapes(g);
  const Tensor x = random_tensor({5, 8}, 9);
  const Tensor before = run(g, x);
  const std::size_t n = g.nodes.size();
  EXPECT_EQ(graph::fuse_bias(g), 1u);
  EXPECT_EQ(graph::fuse_activation(g), 1u);
  EXPECT_EQ(g.nodes.size(), n - 2);
  const graph::Node* fc = g.find_node("fc");
  ASSERT_NE(fc, nullptr) << "the fused node keeps the MatMul's name";
  EXPECT_EQ(fc->op_type, "Linear");
  EXPECT_EQ(fc->domain, graph::kTesseraDomain);
  EXPECT_EQ(fc->string_attr("activation", ""), "Relu");
  EXPECT_EQ(fc->fused_from, (std::vector<std::string>{"fc_bias", "act"}));
  EXPECT_TRUE(graph::bitwise_equal(run(g, x), before));
}

TEST(Passes, FuseConvAndGemmActivationsBitExact) {
  Graph g;
  g.source = "cnn";
  g.inputs = {value("x", {-1, 2, 6, 6})};
  g.outputs = {value("y", {-1, 3})};
  g.initializers["cw"] = random_tensor({4, 2, 3, 3}, 1);
  g.initializers["cb"] = random_tensor({4}, 2);
  g.initializers["fw"] = random_tensor({3, 64}, 3);
  g.initializers["fb"] = random_tensor({3}, 4);
  g.nodes = {
      make_node("conv", "Conv", {"x", "cw", "cb"}, {"c"}, {{"pads", Attribute(std::vector<std::int64_t>{0, 0, 0, 0})}}, 11),
      make_node("relu1", "Relu", {"c"}, {"r"}, {}, 14),
      make_node("flat", "Flatten", {"r"}, {"f"}),
      make_node("fc", "Gemm", {"f", "fw", "fb"}, {"g"}, {{"transB", Attribute(std::int64_t{1})}}),
      make_node("relu2", "Relu", {"g"}, {"y"}, {}, 14),
  };
  graph::infer_shapes(g);
  const Tensor x = random_tensor({2, 2, 6, 6}, 5);
  const Tensor before = run(g, x);
  EXPECT_EQ(graph::fuse_activation(g), 2u);
  EXPECT_EQ(g.nodes.size(), 3u);
  EXPECT_EQ(g.find_node("conv")->op_type, "FusedConv");
  EXPECT_EQ(g.find_node("fc")->op_type, "FusedGemm");
  EXPECT_TRUE(graph::bitwise_equal(run(g, x), before));
}

// PyTorch's export of nn.GELU(): x * 0.5 * (1 + erf(x / √2)), in both associations.
Graph gelu_graph(bool half_first) {
  Graph g;
  g.source = "gelu";
  g.inputs = {value("x", {-1, 16})};
  g.outputs = {value("y", {-1, 8})};
  g.initializers["W"] = random_tensor({16, 8}, 11, 0.5f);
  g.initializers["b"] = random_tensor({8}, 12);
  g.initializers["sqrt2"] = Tensor::scalar(1.4142135381698608f);
  g.initializers["one"] = Tensor::scalar(1.0f);
  g.initializers["half"] = Tensor::scalar(0.5f);
  g.nodes = {
      make_node("fc", "MatMul", {"x", "W"}, {"h0"}),
      make_node("fc_add", "Add", {"b", "h0"}, {"h"}, {}, 14),
      make_node("div", "Div", {"h", "sqrt2"}, {"d"}, {}, 14),
      make_node("erf", "Erf", {"d"}, {"e"}),
      make_node("add1", "Add", {"e", "one"}, {"a"}, {}, 14),
  };
  if (half_first) {
    g.nodes.push_back(make_node("halve", "Mul", {"h", "half"}, {"hh"}, {}, 14));
    g.nodes.push_back(make_node("mul", "Mul", {"hh", "a"}, {"y"}, {}, 14));
  } else {
    g.nodes.push_back(make_node("mul", "Mul", {"h", "a"}, {"m"}, {}, 14));
    g.nodes.push_back(make_node("halve", "Mul", {"m", "half"}, {"y"}, {}, 14));
  }
  graph::infer_shapes(g);
  return g;
}

TEST(Passes, FuseGeluWithinAFewUlps) {
  for (bool half_first : {false, true}) {
    Graph g = gelu_graph(half_first);
    const Tensor x = random_tensor({32, 16}, 13);
    const Tensor before = run(g, x);
    EXPECT_EQ(graph::fuse_gelu(g), 1u);
    EXPECT_EQ(g.count_ops("Erf"), 0u);
    EXPECT_EQ(g.count_ops("Gelu"), 1u);
    EXPECT_EQ(graph::fuse_bias(g), 1u);
    EXPECT_EQ(graph::fuse_activation(g), 1u);
    ASSERT_EQ(g.nodes.size(), 1u) << "7 nodes → 1 Linear(activation = Gelu)";
    EXPECT_EQ(g.nodes[0].string_attr("activation", ""), "Gelu");
    const Tensor after = run(g, x);
    // Stated tolerance: 4 float ulps of the output magnitude, plus 1e-7 absolute near 0.
    for (std::size_t i = 0; i < after.size(); ++i) {
      const float want = before.floats()[i];
      EXPECT_NEAR(after.floats()[i], want, 4 * std::fabs(want) * 1.2e-7f + 1e-7f) << i;
    }
  }
}

// torch.nn.LayerNorm exported below opset 17.
Graph decomposed_layer_norm(bool affine) {
  Graph g;
  g.source = "ln";
  g.inputs = {value("x", {-1, 5, 16})};
  g.outputs = {value("y", {-1, 5, 16})};
  g.initializers["two"] = Tensor::scalar(2.0f);
  g.initializers["eps"] = Tensor::scalar(1e-5f);
  const Attribute axes(std::vector<std::int64_t>{-1});
  g.nodes = {
      make_node("/norm/ReduceMean", "ReduceMean", {"x"}, {"m"}, {{"axes", axes}}),
      make_node("/norm/Sub", "Sub", {"x", "m"}, {"d"}, {}, 14),
      make_node("/norm/Pow", "Pow", {"d", "two"}, {"d2"}, {}, 15),
      make_node("/norm/ReduceMean_1", "ReduceMean", {"d2"}, {"v"}, {{"axes", axes}}),
      make_node("/norm/Add", "Add", {"v", "eps"}, {"ve"}, {}, 14),
      make_node("/norm/Sqrt", "Sqrt", {"ve"}, {"s"}),
      make_node("/norm/Div", "Div", {"d", "s"}, {affine ? "n" : "y"}, {}, 14),
  };
  if (affine) {
    g.initializers["gamma"] = random_tensor({16}, 31);
    g.initializers["beta"] = random_tensor({16}, 32);
    g.nodes.push_back(make_node("/norm/Mul", "Mul", {"n", "gamma"}, {"ng"}, {}, 14));
    g.nodes.push_back(make_node("/norm/Add_1", "Add", {"ng", "beta"}, {"y"}, {}, 14));
  }
  graph::infer_shapes(g);
  return g;
}

TEST(Passes, FuseDecomposedLayerNormWithinTolerance) {
  for (bool affine : {true, false}) {
    Graph g = decomposed_layer_norm(affine);
    const Tensor x = random_tensor({3, 5, 16}, 33, 2.0f);
    const Tensor before = run(g, x);
    EXPECT_EQ(graph::fuse_layer_norm(g), 1u);
    ASSERT_EQ(g.nodes.size(), 1u) << (affine ? "9" : "7") << " nodes → 1";
    EXPECT_EQ(g.nodes[0].op_type, "LayerNormalization");
    EXPECT_EQ(g.nodes[0].name, "/norm/LayerNormalization");
    EXPECT_FALSE(g.initializers.count("two")) << "the pattern's constants are dropped";
    const Tensor after = run(g, x);
    // Stated tolerance: 1e-5 relative + 1e-6 absolute (float decomposition vs statistics in double).
    for (std::size_t i = 0; i < after.size(); ++i) {
      EXPECT_NEAR(after.floats()[i], before.floats()[i], 1e-6f + 1e-5f * std::fabs(before.floats()[i])) << i;
    }
  }
}

TEST(Passes, OptimizePipelineReport) {
  Graph g = mlp_graph();
  const Tensor x = random_tensor({4, 8}, 21);
  const Tensor before = run(g, x);
  const auto report = runtime::optimize(g);
  EXPECT_EQ(report.nodes_before, 8u);
  EXPECT_EQ(report.nodes_after, 2u);  // Reshape, Linear(Relu)
  EXPECT_EQ(report.folded, 2u);
  EXPECT_TRUE(graph::bitwise_equal(run(g, x), before));
  EXPECT_FALSE(report.summary().empty());
}

TEST(Passes, MatMulWithSharedOutputIsNotFused) {
  Graph g = mlp_graph();  // 'h' feeds both the Add and the dead Sigmoid
  EXPECT_EQ(graph::fuse_bias(g), 0u);
}

}  // namespace
