// The IR itself: tensors, attributes, topological order, validation and our shape inference.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "golden/common/error.h"
#include "sim/graph/op_schema.h"
#include "sim/graph/shape_inference.h"
#include "sim/graph/validate.h"
#include "tests/sim/graph/graph_builder.h"

namespace {

using namespace tessera;
using graph::Attribute;
using graph::Dims;
using graph::Graph;
using graph::Tensor;
using test::make_node;
using test::value;
using testing::HasSubstr;

TEST(GraphTensor, RefRoundTripWithoutCopyAndDtypeChecks) {
  Tensor t = Tensor::from_floats({2, 2}, {1, 2, 3, 4});
  ref::Tensor r = graph::to_ref(std::move(t), "t");
  EXPECT_EQ(r.shape(), (ref::Shape{2, 2}));
  Tensor back = graph::from_ref(std::move(r));
  EXPECT_EQ(back.floats(), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_THROW(Tensor::from_floats({3}, {1, 2}), InputError);
  Tensor i = Tensor::from_int64s({2}, {5, 6});
  EXPECT_THROW(i.floats(), StateError);
  EXPECT_THROW(graph::to_ref(i, "i"), InputError);
  EXPECT_EQ(graph::dims_to_string({-1, 3}), "(?, 3)");
}

TEST(GraphAttribute, TypedGettersNameTheNode) {
  graph::Node n = make_node("conv1", "Conv", {}, {}, {{"pads", Attribute(std::string("oops"))}});
  try {
    n.ints_attr("pads");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("node 'conv1' (Conv) attribute 'pads': expected ints, got string"));
  }
  EXPECT_EQ(n.int_attr("group", 1), 1);
}

TEST(GraphValidate, SortsAndRejectsStructuralErrors) {
  Graph g;
  g.source = "g.onnx";
  g.inputs = {value("x", {2})};
  g.outputs = {value("z", {2})};
  g.nodes = {make_node("b", "Relu", {"y"}, {"z"}, {}, 14), make_node("a", "Relu", {"x"}, {"y"}, {}, 14)};
  EXPECT_THROW(graph::validate(g), InputError);  // out of order
  graph::sort_topologically(g);
  EXPECT_EQ(g.nodes[0].name, "a");
  EXPECT_NO_THROW(graph::validate(g));
  g.nodes[1].name = "a";
  EXPECT_THAT([&] { try { graph::validate(g); } catch (const InputError& e) { return std::string(e.what()); } return std::string(); }(),
              HasSubstr("node name 'a' is used twice"));
}

TEST(GraphValidate, CycleIsReported) {
  Graph g;
  g.source = "cycle";
  g.inputs = {value("x", {2})};
  g.outputs = {value("z", {2})};
  g.nodes = {make_node("a", "Add", {"x", "z"}, {"y"}, {}, 14), make_node("b", "Relu", {"y"}, {"z"}, {}, 14)};
  try {
    graph::sort_topologically(g);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cycle"));
  }
}

TEST(GraphShapes, ConvPoolGemmAndSymbolicBatch) {
  Graph g;
  g.source = "cnn";
  g.inputs = {value("x", {-1, 1, 28, 28})};
  g.outputs = {value("y", {-1, 10})};
  g.initializers["w"] = Tensor(graph::DType::float32, {8, 1, 3, 3});
  g.initializers["fw"] = Tensor(graph::DType::float32, {10, 8 * 13 * 13});
  g.nodes = {
      make_node("conv", "Conv", {"x", "w"}, {"c"}, {}, 11),
      make_node("pool", "MaxPool", {"c"}, {"p"}, {{"kernel_shape", Attribute(std::vector<std::int64_t>{2, 2})},
                                                  {"strides", Attribute(std::vector<std::int64_t>{2, 2})}}, 12),
      make_node("flat", "Flatten", {"p"}, {"f"}),
      make_node("fc", "Gemm", {"f", "fw"}, {"y"}, {{"transB", Attribute(std::int64_t{1})}}),
  };
  graph::infer_shapes(g);
  EXPECT_EQ(*g.value_types.at("c").dims, (Dims{-1, 8, 26, 26}));
  EXPECT_EQ(*g.value_types.at("p").dims, (Dims{-1, 8, 13, 13}));
  EXPECT_EQ(*g.value_types.at("f").dims, (Dims{-1, 8 * 13 * 13}));
  EXPECT_EQ(*g.value_types.at("y").dims, (Dims{-1, 10}));
}

TEST(GraphShapes, DeclaredMismatchIsAnError) {
  Graph g;
  g.source = "m.onnx";
  g.inputs = {value("x", {2, 3})};
  g.outputs = {value("y", {3, 3})};
  g.nodes = {make_node("t", "Transpose", {"x"}, {"y"})};
  try {
    graph::infer_shapes(g);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("m.onnx: value 'y' (output 0 of node 't' (Transpose)): declared type float32(3, 3) but the inputs give float32(3, 2)"));
  }
}

TEST(GraphShapes, ReshapeSliceGatherSplitUnsqueeze) {
  Graph g;
  g.source = "s";
  g.inputs = {value("x", {4, 6})};
  g.outputs = {value("a", {}), value("b", {}), value("c", {}), value("d", {}), value("e", {})};
  for (auto& o : g.outputs) o.type.dims.reset();
  g.initializers["shape"] = Tensor::from_int64s({3}, {0, 2, -1});
  g.initializers["starts"] = Tensor::from_int64s({1}, {-1});
  g.initializers["ends"] = Tensor::from_int64s({1}, {-100});
  g.initializers["axes"] = Tensor::from_int64s({1}, {1});
  g.initializers["steps"] = Tensor::from_int64s({1}, {-2});
  g.initializers["idx"] = Tensor::from_int64s({2, 1}, {0, 3});
  g.initializers["uaxes"] = Tensor::from_int64s({2}, {0, -1});
  g.nodes = {
      make_node("r", "Reshape", {"x", "shape"}, {"a"}, {}, 14),
      make_node("s", "Slice", {"x", "starts", "ends", "axes", "steps"}, {"b"}),
      make_node("g", "Gather", {"x", "idx"}, {"c"}),
      make_node("sp", "Split", {"x"}, {"d", "e"}, {{"axis", Attribute(std::int64_t{1})}}),
      make_node("u", "Unsqueeze", {"x", "uaxes"}, {"f"}),
  };
  g.outputs.push_back(value("f", {1, 4, 6, 1}));
  graph::infer_shapes(g);
  EXPECT_EQ(*g.value_types.at("a").dims, (Dims{4, 2, 3}));
  EXPECT_EQ(*g.value_types.at("b").dims, (Dims{4, 3}));
  EXPECT_EQ(*g.value_types.at("c").dims, (Dims{2, 1, 6}));
  EXPECT_EQ(*g.value_types.at("d").dims, (Dims{4, 3}));
  EXPECT_EQ(*g.value_types.at("f").dims, (Dims{1, 4, 6, 1}));
}

TEST(GraphSchemas, UnsupportedOpsAreListedTogether) {
  Graph g;
  g.source = "u";
  g.inputs = {value("x", {2})};
  g.outputs = {value("z", {2})};
  g.nodes = {make_node("a", "Foo", {"x"}, {"y"}), make_node("b", "Bar", {"y"}, {"z"})};
  try {
    graph::validate(g);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("2 unsupported operators: Foo (version 13) at node 'a'; Bar (version 13) at node 'b'"));
  }
}

}  // namespace
