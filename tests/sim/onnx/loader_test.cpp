// The ONNX loader: what it accepts (initializer encodings, external data, opsets, names) and
// how it refuses bad input — each refusal an InputError naming the file and the field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "golden/common/error.h"
#include "sim/onnx/loader.h"
#include "sim/runtime/executor.h"
#include "tests/sim/onnx/onnx_builder.h"
#include "tests/support/scratch_dir.h"

namespace {

using tessera::InputError;
using tessera::graph::Tensor;
using tessera::onnx::load_onnx;
using tessera::test::add_float_initializer;
using tessera::test::add_node;
using tessera::test::add_value;
using tessera::test::make_model;
using tessera::test::save_model;
using testing::HasSubstr;

// y = relu(x · W + b), x [2, 3], W [3, 4], b [4].
onnx::ModelProto linear_model(bool raw = true) {
  auto m = make_model();
  auto* g = m.mutable_graph();
  add_value(g->mutable_input(), "x", {2, 3});
  add_value(g->mutable_output(), "y", {2, 4});
  std::vector<float> w(12), b{0.5f, -0.5f, 1.0f, -1.0f};
  for (int i = 0; i < 12; ++i) w[i] = 0.1f * static_cast<float>(i) - 0.5f;
  add_float_initializer(m, "W", {3, 4}, w, raw);
  add_float_initializer(m, "b", {4}, b, raw);
  add_node(m, "MatMul", {"x", "W"}, {"xw"}, "fc");
  add_node(m, "Add", {"xw", "b"}, {"xwb"}, "fc_bias");
  add_node(m, "Relu", {"xwb"}, {"y"});  // no name: synthesised
  return m;
}

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an InputError";
  return "";
}

TEST(OnnxLoader, LoadsAndRunsALinearModel) {
  tessera::test::ScratchDir dir;
  const std::string path = dir.file("linear.onnx");
  save_model(linear_model(), path);
  auto model = load_onnx(path);
  const auto& g = model.graph;
  EXPECT_EQ(g.nodes.size(), 3u);
  EXPECT_EQ(g.nodes[0].name, "fc");
  EXPECT_EQ(g.nodes[2].name, "Relu_2");  // synthesised, stable
  EXPECT_EQ(g.nodes[0].since_version, 13);  // MatMul-13
  EXPECT_EQ(g.nodes[2].since_version, 13);  // Relu-13 at opset 13
  EXPECT_EQ(model.producer, "tessera-test");
  ASSERT_TRUE(g.value_types.count("xw"));
  EXPECT_EQ(*g.value_types.at("xw").dims, (tessera::graph::Dims{2, 4}));
  tessera::runtime::Executor exec(g);
  Tensor x = Tensor::from_floats({2, 3}, {1, 2, 3, -1, 0, 1});
  Tensor y = exec.run1(x);
  // Row 0: x·W = [1*-0.5+2*-0.1+3*0.3, ...] computed directly.
  std::vector<float> w(12);
  for (int i = 0; i < 12; ++i) w[i] = 0.1f * static_cast<float>(i) - 0.5f;
  const float b[4] = {0.5f, -0.5f, 1.0f, -1.0f};
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < 4; ++c) {
      float acc = 0;
      for (int k = 0; k < 3; ++k) acc += x.floats()[r * 3 + k] * w[k * 4 + c];
      EXPECT_NEAR(y.floats()[r * 4 + c], std::max(acc + b[c], 0.0f), 1e-6f);
    }
  }
}

TEST(OnnxLoader, TypedFieldsDecodeLikeRawData) {
  tessera::test::ScratchDir dir;
  save_model(linear_model(true), dir.file("raw.onnx"));
  save_model(linear_model(false), dir.file("typed.onnx"));
  auto raw = load_onnx(dir.file("raw.onnx"));
  auto typed = load_onnx(dir.file("typed.onnx"));
  EXPECT_TRUE(tessera::graph::bitwise_equal(raw.graph.initializers.at("W"), typed.graph.initializers.at("W")));
  EXPECT_TRUE(tessera::graph::bitwise_equal(raw.graph.initializers.at("b"), typed.graph.initializers.at("b")));
}

TEST(OnnxLoader, Int64AndBoolInitializers) {
  tessera::test::ScratchDir dir;
  auto m = make_model();
  auto* g = m.mutable_graph();
  add_value(g->mutable_input(), "x", {2, 3});
  add_value(g->mutable_output(), "y", {3, 2});
  auto* shape = g->add_initializer();
  shape->set_name("shape");
  shape->set_data_type(onnx::TensorProto::INT64);
  shape->add_dims(2);
  shape->add_int64_data(3);
  shape->add_int64_data(-1);
  add_node(m, "Reshape", {"x", "shape"}, {"y"}, "r");
  save_model(m, dir.file("m.onnx"));
  auto model = load_onnx(dir.file("m.onnx"));
  EXPECT_EQ(model.graph.initializers.at("shape").int64s(), (std::vector<std::int64_t>{3, -1}));
  EXPECT_EQ(*model.graph.value_types.at("y").dims, (tessera::graph::Dims{3, 2}));
}

TEST(OnnxLoader, ExternalDataRelativeToTheModelFolder) {
  tessera::test::ScratchDir dir;
  auto m = linear_model();
  // Move W to an external file at offset 16.
  auto* w = m.mutable_graph()->mutable_initializer(0);
  std::string bytes(16, '\0');
  bytes += w->raw_data();
  {
    std::ofstream out(dir.file("weights.bin"), std::ios::binary);
    out << bytes;
  }
  w->clear_raw_data();
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  auto add_entry = [&](const char* k, const std::string& v) {
    auto* e = w->add_external_data();
    e->set_key(k);
    e->set_value(v);
  };
  add_entry("location", "weights.bin");
  add_entry("offset", "16");
  add_entry("length", "48");
  save_model(m, dir.file("ext.onnx"));
  save_model(linear_model(), dir.file("inline.onnx"));
  auto ext = load_onnx(dir.file("ext.onnx"));
  auto inl = load_onnx(dir.file("inline.onnx"));
  EXPECT_TRUE(tessera::graph::bitwise_equal(ext.graph.initializers.at("W"), inl.graph.initializers.at("W")));

  // Beyond the end of the file: bounds-checked, naming the tensor and the file.
  w->mutable_external_data(1)->set_value("40");
  save_model(m, dir.file("ext_oob.onnx"));
  const std::string msg = message_of([&] { load_onnx(dir.file("ext_oob.onnx")); });
  EXPECT_THAT(msg, HasSubstr("ext_oob.onnx"));
  EXPECT_THAT(msg, HasSubstr("graph.initializer['W'].external_data"));
  EXPECT_THAT(msg, HasSubstr("beyond the end"));
}

TEST(OnnxLoaderBadInput, MissingExternalDataFile) {
  tessera::test::ScratchDir dir;
  auto m = linear_model();
  auto* w = m.mutable_graph()->mutable_initializer(0);
  w->clear_raw_data();
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* e = w->add_external_data();
  e->set_key("location");
  e->set_value("missing_weights.bin");
  save_model(m, dir.file("m.onnx"));
  const std::string msg = message_of([&] { load_onnx(dir.file("m.onnx")); });
  EXPECT_THAT(msg, HasSubstr("m.onnx"));
  EXPECT_THAT(msg, HasSubstr("missing_weights.bin"));
  // Our own check too (without the ONNX checker, which reports it first).
  tessera::onnx::LoadOptions no_checker;
  no_checker.run_checker = false;
  const std::string ours = message_of([&] { load_onnx(dir.file("m.onnx"), no_checker); });
  EXPECT_THAT(ours, HasSubstr("graph.initializer['W'].external_data['location']"));
  EXPECT_THAT(ours, HasSubstr("missing_weights.bin"));
}

TEST(OnnxLoaderBadInput, TruncatedFile) {
  tessera::test::ScratchDir dir;
  auto m = linear_model();
  std::string bytes;
  m.SerializeToString(&bytes);
  for (std::size_t cut : {bytes.size() / 2, bytes.size() - 3}) {
    {
      std::ofstream out(dir.file("t.onnx"), std::ios::binary);
      out << bytes.substr(0, cut);
    }
    const std::string msg = message_of([&] { load_onnx(dir.file("t.onnx")); });
    EXPECT_THAT(msg, HasSubstr("t.onnx")) << "cut at " << cut;
  }
  {
    std::ofstream out(dir.file("empty.onnx"), std::ios::binary);
  }
  EXPECT_THAT(message_of([&] { load_onnx(dir.file("empty.onnx")); }), HasSubstr("empty"));
  EXPECT_THAT(message_of([&] { load_onnx(dir.file("nonexistent.onnx")); }), HasSubstr("cannot open"));
}

TEST(OnnxLoaderBadInput, RandomBytes) {
  tessera::test::ScratchDir dir;
  std::mt19937 rng(1234);
  for (int trial = 0; trial < 5; ++trial) {
    std::string bytes(4096, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    {
      std::ofstream out(dir.file("r.onnx"), std::ios::binary);
      out << bytes;
    }
    EXPECT_THAT(message_of([&] { load_onnx(dir.file("r.onnx")); }), HasSubstr("r.onnx"));
  }
}

TEST(OnnxLoaderBadInput, UnsupportedOpsListedByName) {
  tessera::test::ScratchDir dir;
  auto m = make_model();
  auto* g = m.mutable_graph();
  add_value(g->mutable_input(), "x", {1, 3, 4, 4});
  add_value(g->mutable_output(), "z", {});
  add_node(m, "Relu", {"x"}, {"a"}, "ok");
  add_node(m, "LpNormalization", {"a"}, {"b"}, "n1");
  add_node(m, "HardSwish", {"b"}, {"c"}, "h1");
  add_node(m, "HardSwish", {"c"}, {"d"}, "h2");
  add_node(m, "TotallyMadeUpOp", {"d"}, {"z"}, "made_up");
  save_model(m, dir.file("u.onnx"));
  const std::string msg = message_of([&] { load_onnx(dir.file("u.onnx")); });
  EXPECT_THAT(msg, HasSubstr("u.onnx"));
  EXPECT_THAT(msg, HasSubstr("3 unsupported operators"));
  EXPECT_THAT(msg, HasSubstr("LpNormalization"));
  EXPECT_THAT(msg, HasSubstr("HardSwish (version 13) at nodes 'h1', 'h2'"));
  EXPECT_THAT(msg, HasSubstr("TotallyMadeUpOp"));
  EXPECT_THAT(msg, testing::Not(HasSubstr("Relu")));
}

TEST(OnnxLoaderBadInput, UnsupportedOpVersion) {
  tessera::test::ScratchDir dir;
  auto m = make_model(6);  // Dropout-6 (is_test attribute era): we run Dropout 7 to 13 only
  auto* g = m.mutable_graph();
  add_value(g->mutable_input(), "x", {2, 3});
  add_value(g->mutable_output(), "y", {2, 3});
  add_node(m, "Dropout", {"x"}, {"y"}, "d");
  save_model(m, dir.file("v.onnx"));
  const std::string msg = message_of([&] { load_onnx(dir.file("v.onnx")); });
  EXPECT_THAT(msg, HasSubstr("Dropout (version 6, other versions are supported) at node 'd'"));
}

TEST(OnnxLoader, OpsetResolvesSinceVersion) {
  tessera::test::ScratchDir dir;
  for (int opset : {11, 13, 17}) {
    auto m = make_model(opset);
    auto* g = m.mutable_graph();
    add_value(g->mutable_input(), "x", {2, 3});
    add_value(g->mutable_output(), "y", {2, 3});
    add_node(m, "Softmax", {"x"}, {"y"}, "s");
    save_model(m, dir.file("s.onnx"));
    const int since = load_onnx(dir.file("s.onnx")).graph.nodes[0].since_version;
    EXPECT_EQ(since, opset == 11 ? 11 : 13) << "opset " << opset;
  }
}

TEST(OnnxLoader, OpsetNewerThanOnnxKnowsIsAWarning) {
  tessera::test::ScratchDir dir;
  auto m = make_model(19);
  auto* g = m.mutable_graph();
  add_value(g->mutable_input(), "x", {2, 3});
  add_value(g->mutable_output(), "y", {2, 3});
  add_node(m, "Relu", {"x"}, {"y"}, "r");
  save_model(m, dir.file("n.onnx"));
  tessera::onnx::LoadOptions opts;
  opts.run_checker = false;
  auto model = load_onnx(dir.file("n.onnx"), opts);
  EXPECT_EQ(model.graph.nodes[0].since_version, 14);
  ASSERT_EQ(model.warnings.size(), 1u);
  EXPECT_THAT(model.warnings[0], HasSubstr("opset 19"));
}

TEST(OnnxLoaderBadInput, WrongInitializerSize) {
  tessera::test::ScratchDir dir;
  auto m = linear_model(true);
  auto* w = m.mutable_graph()->mutable_initializer(0);
  w->set_raw_data(w->raw_data().substr(0, 44));
  save_model(m, dir.file("raw.onnx"));
  std::string msg = message_of([&] { load_onnx(dir.file("raw.onnx")); });
  EXPECT_THAT(msg, HasSubstr("raw.onnx: graph.initializer['W'].raw_data: expected 48 bytes for float32 (3, 4), got 44"));

  auto t = linear_model(false);
  t.mutable_graph()->mutable_initializer(1)->add_float_data(7.0f);
  save_model(t, dir.file("typed.onnx"));
  msg = message_of([&] { load_onnx(dir.file("typed.onnx")); });
  EXPECT_THAT(msg, HasSubstr("typed.onnx"));
  EXPECT_THAT(msg, HasSubstr("graph.initializer['b'].float_data: expected 4 values for float32 (4,), got 5"));
}

TEST(OnnxLoaderBadInput, UnsupportedDtypeNamesTheField) {
  tessera::test::ScratchDir dir;
  auto m = linear_model();
  m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::DOUBLE);
  save_model(m, dir.file("d.onnx"));
  tessera::onnx::LoadOptions opts;
  opts.run_checker = false;
  const std::string msg = message_of([&] { load_onnx(dir.file("d.onnx"), opts); });
  EXPECT_THAT(msg, HasSubstr("d.onnx: graph.input['x'].type.tensor_type.elem_type: element type DOUBLE"));
}

TEST(OnnxLoaderBadInput, DeclaredShapeDiffersFromInferred) {
  tessera::test::ScratchDir dir;
  auto m = linear_model();
  // The file claims the MatMul output is [2, 5]; W [3, 4] makes it [2, 4].
  add_value(m.mutable_graph()->mutable_value_info(), "xw", {2, 5});
  save_model(m, dir.file("s.onnx"));
  const std::string msg = message_of([&] { load_onnx(dir.file("s.onnx")); });
  EXPECT_THAT(msg, HasSubstr("s.onnx: value 'xw' (output 0 of node 'fc' (MatMul)): declared type float32(2, 5) but the inputs give float32(2, 4)"));
}

TEST(OnnxLoaderBadInput, OperatorRulesRejectInputs) {
  tessera::test::ScratchDir dir;
  auto m = linear_model();
  // W [4, 4] cannot multiply x [2, 3].
  auto* w = m.mutable_graph()->mutable_initializer(0);
  w->set_dims(0, 4);
  w->set_raw_data(std::string(64, '\0'));
  save_model(m, dir.file("k.onnx"));
  tessera::onnx::LoadOptions opts;
  opts.run_checker = false;
  const std::string msg = message_of([&] { load_onnx(dir.file("k.onnx"), opts); });
  EXPECT_THAT(msg, HasSubstr("k.onnx: node 'fc' (MatMul): inner extents differ"));
}

TEST(OnnxLoaderBadInput, UnusedInitializerIsAnErrorByDefault) {
  tessera::test::ScratchDir dir;
  auto m = linear_model();
  add_float_initializer(m, "stray", {2}, {1.0f, 2.0f});
  save_model(m, dir.file("w.onnx"));
  const std::string msg = message_of([&] { load_onnx(dir.file("w.onnx")); });
  EXPECT_THAT(msg, HasSubstr("w.onnx: graph.initializer: 1 initializer(s) not used by any node: 'stray'"));
  tessera::onnx::LoadOptions warn;
  warn.unused_initializers = tessera::graph::UnusedInitializerPolicy::warn;
  auto model = load_onnx(dir.file("w.onnx"), warn);
  ASSERT_EQ(model.warnings.size(), 1u);
  EXPECT_THAT(model.warnings[0], HasSubstr("'stray'"));
}

TEST(OnnxLoaderBadInput, CheckerMessageIsReported) {
  tessera::test::ScratchDir dir;
  auto m = linear_model();
  m.set_ir_version(0);  // the checker insists on an IR version
  save_model(m, dir.file("c.onnx"));
  const std::string msg = message_of([&] { load_onnx(dir.file("c.onnx")); });
  EXPECT_THAT(msg, HasSubstr("c.onnx: ONNX checker:"));
}

TEST(OnnxLoaderBadInput, UndefinedValue) {
  tessera::test::ScratchDir dir;
  auto m = linear_model();
  m.mutable_graph()->mutable_node(1)->set_input(0, "nowhere");
  save_model(m, dir.file("n.onnx"));
  tessera::onnx::LoadOptions opts;
  opts.run_checker = false;
  const std::string msg = message_of([&] { load_onnx(dir.file("n.onnx"), opts); });
  EXPECT_THAT(msg, HasSubstr("n.onnx: graph.node: node 'fc_bias' (Add) reads value 'nowhere'"));
}

TEST(OnnxLoader, TensorPbFiles) {
  tessera::test::ScratchDir dir;
  onnx::TensorProto t;
  t.set_name("in");
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_dims(2);
  t.add_float_data(1.5f);
  t.add_float_data(-2.0f);
  {
    std::ofstream out(dir.file("t.pb"), std::ios::binary);
    t.SerializeToOstream(&out);
  }
  auto named = tessera::onnx::load_tensor_pb(dir.file("t.pb"));
  EXPECT_EQ(named.name, "in");
  EXPECT_EQ(named.tensor.floats(), (std::vector<float>{1.5f, -2.0f}));
}

}  // namespace
