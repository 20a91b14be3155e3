// The executor: inputs checked, batches, per-node kernel overrides with the FP32 shadow,
// observers, type checks on outputs; and every supported op has a reference kernel.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "golden/common/error.h"
#include "golden/ref/activation.h"
#include "sim/graph/op_schema.h"
#include "sim/graph/shape_inference.h"
#include "sim/runtime/executor.h"
#include "sim/runtime/kernel.h"
#include "tests/sim/graph/graph_builder.h"

namespace {

using namespace tessera;
using graph::Attribute;
using graph::Dims;
using graph::Graph;
using graph::Tensor;
using runtime::Executor;
using test::make_node;
using test::random_tensor;
using test::value;
using testing::HasSubstr;

// x [batch, 1, 6, 6] → Conv → Relu → Flatten → Gemm → y [batch, 3]; batch symbolic or fixed.
Graph small_cnn(std::int64_t batch) {
  Graph g;
  g.source = "cnn";
  g.inputs = {value("x", {batch, 1, 6, 6})};
  g.outputs = {value("y", {batch, 3})};
  g.initializers["cw"] = random_tensor({2, 1, 3, 3}, 1);
  g.initializers["cb"] = random_tensor({2}, 2);
  g.initializers["fw"] = random_tensor({3, 32}, 3);
  g.initializers["fb"] = random_tensor({3}, 4);
  g.nodes = {
      make_node("conv", "Conv", {"x", "cw", "cb"}, {"c"}, {}, 11),
      make_node("relu", "Relu", {"c"}, {"r"}, {}, 14),
      make_node("flat", "Flatten", {"r"}, {"f"}),
      make_node("fc", "Gemm", {"f", "fw", "fb"}, {"y"}, {{"transB", Attribute(std::int64_t{1})}}),
  };
  graph::infer_shapes(g);
  return g;
}

Tensor rows(const Tensor& t, std::int64_t begin, std::int64_t count) {
  Dims d = t.dims();
  const std::size_t row = t.size() / static_cast<std::size_t>(d[0]);
  d[0] = count;
  std::vector<float> v(t.floats().begin() + begin * row, t.floats().begin() + (begin + count) * row);
  return Tensor::from_floats(d, v);
}

TEST(Executor, BatchOfNEqualsImagesOneByOne) {
  Executor exec(small_cnn(-1));
  const Tensor x = random_tensor({5, 1, 6, 6}, 9);
  const Tensor all = exec.run1(x);
  ASSERT_EQ(all.dims(), (Dims{5, 3}));
  for (std::int64_t i = 0; i < 5; ++i) {
    const Tensor one = exec.run1(rows(x, i, 1));
    for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(all.floats()[i * 3 + k], one.floats()[k], 1e-5f);
  }
  // Chunked runs give the same outputs as one run.
  const Tensor chunked = exec.run1(x, 2);
  EXPECT_EQ(chunked.dims(), all.dims());
  for (std::size_t k = 0; k < all.size(); ++k) EXPECT_NEAR(chunked.floats()[k], all.floats()[k], 1e-5f);
}

TEST(Executor, FixedBatchModelRunsNImagesInChunks) {
  Executor fixed(small_cnn(1));
  Executor dynamic(small_cnn(-1));
  const Tensor x = random_tensor({4, 1, 6, 6}, 10);
  const Tensor a = fixed.run1(x);
  const Tensor b = dynamic.run1(x);
  ASSERT_EQ(a.dims(), (Dims{4, 3}));
  for (std::size_t k = 0; k < a.size(); ++k) EXPECT_NEAR(a.floats()[k], b.floats()[k], 1e-5f);
  // A plain run() still insists on the declared batch.
  runtime::TensorMap in{{"x", x}};
  EXPECT_THROW(fixed.run(in), InputError);
}

TEST(Executor, InputsAreChecked) {
  Executor exec(small_cnn(-1));
  try {
    exec.run({{"x", random_tensor({2, 1, 5, 6}, 1)}});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cnn: graph input 'x': expected float32(?, 1, 6, 6), got float32(2, 1, 5, 6)"));
  }
  EXPECT_THROW(exec.run({}), InputError);
  EXPECT_THROW(exec.run({{"x", random_tensor({1, 1, 6, 6}, 1)}, {"bogus", Tensor::scalar(1)}}), InputError);
}

TEST(Executor, OverrideANodeWithShadowAndObserveEveryNode) {
  Executor exec(small_cnn(-1));
  const Tensor x = random_tensor({2, 1, 6, 6}, 11);
  const Tensor ref_out = exec.run1(x);

  // An "emulated" Gemm: the FP32 shadow plus a known error, recorded per call.
  std::vector<float> shadow_max;
  exec.set_kernel("fc", [&](const graph::Node& node, const runtime::TensorRefs& in) {
    std::vector<Tensor> shadow = runtime::run_reference(node, in);
    float m = 0;
    for (float v : shadow[0].floats()) m = std::max(m, std::fabs(v));
    shadow_max.push_back(m);
    Tensor emulated = shadow[0];
    for (float& v : emulated.floats()) v += 1.0f;
    return std::vector<Tensor>{emulated};
  });
  std::vector<std::string> seen;
  exec.add_observer([&](const runtime::NodeEvent& e) {
    seen.push_back(e.node.name);
    EXPECT_EQ(e.outputs.size(), e.node.outputs.size());
    EXPECT_EQ(e.inputs.size(), e.node.inputs.size());
  });
  const Tensor out = exec.run1(x);
  EXPECT_EQ(seen, (std::vector<std::string>{"conv", "relu", "flat", "fc"}));
  ASSERT_EQ(shadow_max.size(), 1u);
  for (std::size_t k = 0; k < out.size(); ++k) EXPECT_EQ(out.floats()[k], ref_out.floats()[k] + 1.0f);

  exec.clear_kernel("fc");
  EXPECT_TRUE(graph::bitwise_equal(exec.run1(x), ref_out));
  EXPECT_THROW(exec.set_kernel("no_such_node", runtime::run_reference), ConfigError);
}

TEST(Executor, ResolverPicksKernelsByOpType) {
  Executor exec(small_cnn(-1));
  int convs = 0;
  exec.set_kernel_resolver([&](const graph::Node& node) -> runtime::KernelFn {
    if (node.op_type != "Conv") return {};
    return [&](const graph::Node& n, const runtime::TensorRefs& in) { ++convs; return runtime::run_reference(n, in); };
  });
  exec.run1(random_tensor({1, 1, 6, 6}, 3));
  EXPECT_EQ(convs, 1);
}

TEST(Executor, OverrideWithWrongShapeIsAStateError) {
  Executor exec(small_cnn(-1));
  exec.set_kernel("relu", [](const graph::Node&, const runtime::TensorRefs&) {
    return std::vector<Tensor>{Tensor(graph::DType::float32, {1, 2, 3, 3})};
  });
  try {
    exec.run1(random_tensor({1, 1, 6, 6}, 3));
    FAIL();
  } catch (const StateError& e) {
    EXPECT_THAT(e.what(), HasSubstr("node 'relu' (Relu) output 'r': expected float32(?, 2, 4, 4), got float32(1, 2, 3, 3)"));
  }
}

TEST(Executor, GeluKernelsMatchGoldenRef) {
  for (const char* approx : {"none", "tanh"}) {
    Graph g;
    g.source = "gelu";
    g.inputs = {value("x", {64})};
    g.outputs = {value("y", {64})};
    g.nodes = {make_node("g", "Gelu", {"x"}, {"y"}, {{"approximate", Attribute(std::string(approx))}}, 1)};
    g.nodes[0].domain = graph::kTesseraDomain;
    Executor exec(g);
    const Tensor x = random_tensor({64}, 5, 3.0f);
    const Tensor y = exec.run1(x);
    const auto mode = std::string(approx) == "tanh" ? ref::GeluApproximation::tanh : ref::GeluApproximation::none;
    for (std::size_t i = 0; i < 64; ++i) EXPECT_EQ(y.floats()[i], ref::gelu(x.floats()[i], mode));
  }
}

TEST(Executor, NumpyBroadcastingAndIntegerShapes) {
  Graph g;
  g.source = "bcast";
  g.inputs = {value("a", {2, 1, 3}), value("b", {4, 1})};
  g.outputs = {value("y", {2, 4, 3}), value("n", {}, graph::DType::int64), value("w", {2, 4, 3})};
  g.outputs[1].type.dims.reset();
  g.initializers["zero"] = Tensor::scalar(0.0f);
  g.nodes = {
      make_node("add", "Add", {"a", "b"}, {"y"}, {}, 14),
      make_node("size", "Size", {"y"}, {"n"}),
      make_node("gt", "Greater", {"y", "zero"}, {"mask"}),
      make_node("where", "Where", {"mask", "y", "zero"}, {"w"}, {}, 16),
  };
  Executor exec(g);
  const Tensor a = random_tensor({2, 1, 3}, 1), b = random_tensor({4, 1}, 2);
  auto out = exec.run({{"a", a}, {"b", b}});
  const Tensor& y = out.at("y");
  ASSERT_EQ(y.dims(), (Dims{2, 4, 3}));
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 3; ++k) {
        const float want = a.floats()[i * 3 + k] + b.floats()[j];
        EXPECT_EQ(y.floats()[(i * 4 + j) * 3 + k], want);
        EXPECT_EQ(out.at("w").floats()[(i * 4 + j) * 3 + k], want > 0 ? want : 0.0f);
      }
  EXPECT_EQ(out.at("n").int64s(), (std::vector<std::int64_t>{24}));
}

TEST(RuntimeKernels, EverySupportedOpHasAReferenceKernel) {
  for (const auto& schema : graph::supported_ops()) {
    EXPECT_TRUE(runtime::has_reference_kernel(schema.domain, schema.op_type))
        << schema.domain << "." << schema.op_type;
  }
}

}  // namespace
