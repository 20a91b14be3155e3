// Emulated ops against golden called directly (bit for bit), MAC counts, calibration states,
// fallback reasons, and the executor kernel adapter.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "golden/approx/calibrate.h"
#include "golden/approx/catalog.h"
#include "golden/approx/layer.h"
#include "golden/common/error.h"
#include "golden/mx/gemm.h"
#include "golden/mx/tensor.h"
#include "golden/optical/layer.h"
#include "golden/optical/matmul.h"
#include "golden/ref/activation.h"
#include "golden/ref/conv2d.h"
#include "golden/rng/counter_rng.h"
#include "sim/runtime/kernel.h"
#include "sim/units/emulated_op.h"
#include "sim/units/im2col.h"
#include "tests/sim/graph/graph_builder.h"

namespace {

using namespace tessera;
using graph::Attribute;
using graph::Dims;
using graph::Node;
using graph::Tensor;
using nlohmann::json;
using test::make_node;
using test::random_tensor;
using testing::HasSubstr;
using units::UnitConfig;

UnitConfig unit(const json& j) { return units::unit_config_from_json(j, "unit"); }

struct Constants {
  std::map<std::string, Tensor> values;
  units::ConstantLookup lookup() const {
    return [this](const std::string& name) -> const Tensor* {
      const auto it = values.find(name);
      return it == values.end() ? nullptr : &it->second;
    };
  }
};

runtime::TensorRefs refs(const std::vector<const Tensor*>& v) { return v; }

void expect_bits(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  std::size_t differ = 0;
  for (std::size_t i = 0; i < got.size(); ++i) differ += std::memcmp(&got[i], &want[i], sizeof(float)) != 0;
  EXPECT_EQ(differ, 0u) << "of " << got.size();
}

std::vector<float> transpose(const std::vector<float>& m, std::size_t r, std::size_t c) {
  std::vector<float> t(m.size());
  for (std::size_t i = 0; i < r; ++i)
    for (std::size_t j = 0; j < c; ++j) t[j * r + i] = m[i * c + j];
  return t;
}

// --- approx ------------------------------------------------------------------------------------

struct GemmCase {
  Constants c;
  Node node;
  std::vector<Tensor> batches;
};

GemmCase gemm_case(bool trans_b, std::size_t m = 5, std::size_t n = 4, std::size_t k = 12) {
  GemmCase g;
  const auto N = static_cast<std::int64_t>(n), K = static_cast<std::int64_t>(k), M = static_cast<std::int64_t>(m);
  g.c.values["w"] = random_tensor(trans_b ? Dims{N, K} : Dims{K, N}, 11, 0.3f);
  g.c.values["b"] = random_tensor({N}, 12, 0.1f);
  g.node = make_node("fc", "Gemm", {"x", "w", "b"}, {"y"}, {{"transB", Attribute(std::int64_t{trans_b ? 1 : 0})}});
  for (std::uint32_t s = 0; s < 3; ++s) g.batches.push_back(random_tensor({M, K}, 20 + s));
  return g;
}

TEST(ApproxOp, GemmEqualsGoldenApproxLinearPerChannel) {
  GemmCase g = gemm_case(true);
  const UnitConfig cfg = unit(json{{"kind", "approx"}, {"multiplier", "mul8s_1L2H"}});
  auto op = units::make_emulated_op(g.node, g.c.lookup(), cfg, 3);
  const Tensor& w = g.c.values["w"];
  const Tensor& b = g.c.values["b"];
  for (const Tensor& x : g.batches) op->calibrate(refs({&x, &w, &b}));
  op->finish_calibration();
  EXPECT_TRUE(op->calibrated());

  approx::Calibrator act{approx::CalibratorConfig{}};
  for (const Tensor& x : g.batches) act.collect(x.floats());
  approx::CalibratorConfig max_cfg;
  max_cfg.method = approx::CalibrationMethod::max;
  approx::PerChannelCalibrator wc(4, max_cfg);
  wc.collect(w.floats());
  approx::LayerQuantization q;
  q.activation_amax = act.compute_amax();
  q.weight_amax = wc.compute_amax();
  ASSERT_EQ(q.weight_amax.size(), 4u);
  const approx::MultiplierTable table = approx::load_multiplier("mul8s_1L2H");
  const Tensor& x = g.batches[1];
  const std::vector<float> want = approx::approx_linear(table, x.floats(), w.floats(), b.floats(), 5, 4, 12, q);
  const std::vector<Tensor> got = op->run(refs({&x, &w, &b}));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].dims(), (Dims{5, 4}));
  expect_bits(got[0].floats(), want);
  EXPECT_EQ(op->last_macs(), 5u * 4 * 12);
  EXPECT_EQ(op->description(), "approx mul8s_1L2H, per-channel weights, percentile 99.99");
  // Not the FP32 answer (the multiplier is approximate), but close to it.
  const Tensor ref = runtime::run_reference(g.node, refs({&x, &w, &b}))[0];
  double err = 0, norm = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    err += std::abs(want[i] - ref.floats()[i]);
    norm += std::abs(ref.floats()[i]);
  }
  EXPECT_GT(err, 0.0);
  EXPECT_LT(err, 0.2 * norm);
}

TEST(ApproxOp, GemmWithoutTransBPerTensorMaxCalibrator) {
  GemmCase g = gemm_case(false);
  const UnitConfig cfg = unit(json{{"kind", "approx"}, {"multiplier", "mul8s_1KV8"}, {"calibrator", "max"},
                                   {"weight_granularity", "per_tensor"}});
  auto op = units::make_emulated_op(g.node, g.c.lookup(), cfg, 0);
  const Tensor& w = g.c.values["w"];  // [K, N]
  const Tensor& b = g.c.values["b"];
  op->calibrate(refs({&g.batches[0], &w, &b}));
  op->calibrate(refs({&g.batches[2], &w, &b}));
  op->finish_calibration();
  float amax = 0;
  for (int i : {0, 2})
    for (float v : g.batches[static_cast<std::size_t>(i)].floats()) amax = std::max(amax, std::abs(v));
  float wmax = 0;
  for (float v : w.floats()) wmax = std::max(wmax, std::abs(v));
  approx::LayerQuantization q;
  q.activation_amax = amax;
  q.weight_amax = {wmax};
  const std::vector<float> wt = transpose(w.floats(), 12, 4);  // N x K
  const std::vector<float> want = approx::approx_linear(approx::load_multiplier("mul8s_1KV8"), g.batches[1].floats(), wt,
                                                        b.floats(), 5, 4, 12, q);
  expect_bits(op->run(refs({&g.batches[1], &w, &b}))[0].floats(), want);
}

TEST(ApproxOp, UncalibratedRunIsAStateError) {
  GemmCase g = gemm_case(true);
  auto op = units::make_emulated_op(g.node, g.c.lookup(), unit(json{{"kind", "approx"}, {"multiplier", "exact"}}), 0);
  const Tensor& w = g.c.values["w"];
  const Tensor& b = g.c.values["b"];
  EXPECT_FALSE(op->calibrated());
  try {
    op->run(refs({&g.batches[0], &w, &b}));
    FAIL() << "no StateError";
  } catch (const StateError& e) {
    EXPECT_STREQ(e.what(), "node 'fc' (approx): not calibrated; run calibration first");
  }
  EXPECT_THROW(op->finish_calibration(), StateError);  // no batch seen
  op->calibrate(refs({&g.batches[0], &w, &b}));
  EXPECT_THROW(op->run(refs({&g.batches[0], &w, &b})), StateError);  // mid-calibration
  op->finish_calibration();
  EXPECT_NO_THROW(op->run(refs({&g.batches[0], &w, &b})));
}

TEST(ApproxOp, ConvEqualsGoldenConvLayer) {
  Constants c;
  c.values["w"] = random_tensor({6, 2, 3, 3}, 31, 0.4f);  // group 2: Cin 4
  c.values["b"] = random_tensor({6}, 32, 0.1f);
  const Node node = make_node("conv", "Conv", {"x", "w", "b"}, {"y"},
                              {{"group", Attribute(std::int64_t{2})},
                               {"pads", Attribute(std::vector<std::int64_t>{1, 1, 1, 1})},
                               {"strides", Attribute(std::vector<std::int64_t>{2, 1})}});
  const Tensor x = random_tensor({2, 4, 7, 6}, 33);
  const UnitConfig cfg = unit(json{{"kind", "approx"}, {"multiplier", "mul8s_1L2H"}, {"calibrator", "max"}});
  auto op = units::make_emulated_op(node, c.lookup(), cfg, 1);
  op->calibrate(refs({&x, &c.values["w"], &c.values["b"]}));
  op->finish_calibration();
  approx::Conv2dShape s;
  s.batch = 2; s.in_channels = 4; s.in_height = 7; s.in_width = 6; s.out_channels = 6;
  s.kernel_height = 3; s.kernel_width = 3; s.stride_h = 2; s.stride_w = 1; s.pad_h = 1; s.pad_w = 1; s.groups = 2;
  approx::CalibratorConfig max_cfg;
  max_cfg.method = approx::CalibrationMethod::max;
  approx::PerChannelCalibrator wc(6, max_cfg);
  wc.collect(c.values["w"].floats());
  approx::Calibrator ac(max_cfg);
  ac.collect(x.floats());
  approx::LayerQuantization q;
  q.activation_amax = ac.compute_amax();
  q.weight_amax = wc.compute_amax();
  const std::vector<float> want = approx::approx_conv2d_layer(approx::load_multiplier("mul8s_1L2H"), x.floats(),
                                                              c.values["w"].floats(), c.values["b"].floats(), s, q);
  const Tensor got = op->run(refs({&x, &c.values["w"], &c.values["b"]}))[0];
  EXPECT_EQ(got.dims(), (Dims{2, 6, 4, 6}));
  expect_bits(got.floats(), want);
  EXPECT_EQ(op->last_macs(), 2u * 6 * 4 * 6 * (2 * 3 * 3));
}

TEST(ApproxOp, AsymmetricPadsWithExactMultiplierTrackFp32) {
  Constants c;
  c.values["w"] = random_tensor({3, 2, 3, 3}, 41, 0.4f);
  const Node node = make_node("conv", "Conv", {"x", "w"}, {"y"},
                              {{"pads", Attribute(std::vector<std::int64_t>{0, 1, 2, 0})}});
  const Tensor x = random_tensor({1, 2, 5, 5}, 42);
  auto op = units::make_emulated_op(node, c.lookup(), unit(json{{"kind", "approx"}, {"multiplier", "exact"},
                                                                  {"calibrator", "max"}}), 1);
  op->calibrate(refs({&x, &c.values["w"]}));
  op->finish_calibration();
  const Tensor got = op->run(refs({&x, &c.values["w"], nullptr}))[0];
  const Tensor ref = runtime::run_reference(node, refs({&x, &c.values["w"], nullptr}))[0];
  ASSERT_EQ(got.dims(), ref.dims());
  EXPECT_EQ(got.dims(), (Dims{1, 3, 5, 4}));
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got.floats()[i], ref.floats()[i], 0.05f) << i;
}

TEST(ApproxOp, AttentionMatMulCalibratesBothOperandsPerTensor) {
  const Node node = make_node("attn", "MatMul", {"a", "b"}, {"y"});
  const Tensor a = random_tensor({2, 3, 8}, 51), b = random_tensor({2, 8, 5}, 52, 2.0f);
  Constants none;
  const UnitConfig cfg = unit(json{{"kind", "approx"}, {"multiplier", "mul8s_1L2H"}, {"calibrator", "max"}});
  auto op = units::make_emulated_op(node, none.lookup(), cfg, 2);
  EXPECT_EQ(op->form(), units::OpForm::attention);
  op->calibrate(refs({&a, &b}));
  op->finish_calibration();
  float amax = 0, bmax = 0;
  for (float v : a.floats()) amax = std::max(amax, std::abs(v));
  for (float v : b.floats()) bmax = std::max(bmax, std::abs(v));
  approx::LayerQuantization q;
  q.activation_amax = amax;
  q.weight_amax = {bmax};
  const approx::MultiplierTable table = approx::load_multiplier("mul8s_1L2H");
  std::vector<float> want;
  for (std::size_t i = 0; i < 2; ++i) {
    const std::vector<float> ai(a.floats().begin() + i * 24, a.floats().begin() + (i + 1) * 24);
    const std::vector<float> bi(b.floats().begin() + i * 40, b.floats().begin() + (i + 1) * 40);
    const std::vector<float> y = approx::approx_linear(table, ai, transpose(bi, 8, 5), {}, 3, 5, 8, q);
    want.insert(want.end(), y.begin(), y.end());
  }
  const Tensor got = op->run(refs({&a, &b}))[0];
  EXPECT_EQ(got.dims(), (Dims{2, 3, 5}));
  expect_bits(got.floats(), want);
  EXPECT_EQ(op->last_macs(), 2u * 3 * 5 * 8);
  EXPECT_THAT(op->description(), HasSubstr("both per-tensor"));
}

// --- mx ----------------------------------------------------------------------------------------

TEST(MxOp, GemmEqualsQuantizeRowsAndMxGemmWithoutCalibration) {
  GemmCase g = gemm_case(true, 6, 5, 70);  // K = 70: a partial last block
  const UnitConfig cfg = unit(json{{"kind", "mx"}, {"weight_format", "fp4_e2m1"}, {"activation_format", "fp8_e4m3"},
                                   {"accumulation", "block_then_fp32"}});
  auto op = units::make_emulated_op(g.node, g.c.lookup(), cfg, 4);
  EXPECT_TRUE(op->calibrated());
  const Tensor& w = g.c.values["w"];
  const Tensor& b = g.c.values["b"];
  const Tensor& x = g.batches[0];
  const mx::QuantizePolicy pol = cfg.mx.policy;
  const mx::QuantizedRows qa = mx::quantize_rows(x.floats().data(), 6, 70, mx::ElementFormat::fp8_e4m3, 32, pol);
  const mx::QuantizedRows qw = mx::quantize_rows(w.floats().data(), 5, 70, mx::ElementFormat::fp4_e2m1, 32, pol);
  std::vector<float> want = mx::mx_gemm(qa, qw, mx::Accumulation::block_then_fp32);
  for (std::size_t i = 0; i < want.size(); ++i) want[i] = want[i] + b.floats()[i % 5];
  const Tensor got = op->run(refs({&x, &w, &b}))[0];
  expect_bits(got.floats(), want);
  EXPECT_EQ(op->last_macs(), 6u * 5 * 70);
  op->calibrate(refs({&x, &w, &b}));  // a no-op for mx
  op->finish_calibration();
  expect_bits(op->run(refs({&x, &w, &b}))[0].floats(), want);
}

TEST(MxOp, ConvIsIm2colThenMxGemm) {
  Constants c;
  c.values["w"] = random_tensor({4, 3, 3, 3}, 61, 0.3f);
  c.values["b"] = random_tensor({4}, 62);
  const Node node = make_node("conv", "Conv", {"x", "w", "b"}, {"y"},
                              {{"pads", Attribute(std::vector<std::int64_t>{1, 1, 1, 1})}});
  const Tensor x = random_tensor({2, 3, 5, 5}, 63);
  const UnitConfig cfg = unit(json{{"kind", "mx"}, {"weight_format", "fp8_e5m2"}, {"activation_format", "fp6_e2m3"}});
  auto op = units::make_emulated_op(node, c.lookup(), cfg, 5);
  const units::ConvGeometry g = units::conv_geometry(node, x.dims(), c.values["w"].dims());
  EXPECT_EQ(g.rows(), 50u);
  EXPECT_EQ(g.depth(), 27u);
  const std::vector<float> cols = units::im2col(x.floats().data(), g);
  const mx::QuantizedRows qa = mx::quantize_rows(cols.data(), 50, 27, mx::ElementFormat::fp6_e2m3, 32, cfg.mx.policy);
  const mx::QuantizedRows qw = mx::quantize_rows(c.values["w"].floats().data(), 4, 27, mx::ElementFormat::fp8_e5m2, 32,
                                                 cfg.mx.policy);
  std::vector<float> y = mx::mx_gemm(qa, qw, cfg.mx.accumulation);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = y[i] + c.values["b"].floats()[i % 4];
  const Tensor got = op->run(refs({&x, &c.values["w"], &c.values["b"]}))[0];
  EXPECT_EQ(got.dims(), (Dims{2, 4, 5, 5}));
  expect_bits(got.floats(), units::gemm_rows_to_nchw(y, g));
  EXPECT_EQ(op->last_macs(), 50u * 4 * 27);
}

TEST(MxOp, AttentionQuantizesSecondOperandWithWeightFormat) {
  const Node node = make_node("attn", "MatMul", {"a", "b"}, {"y"});
  const Tensor a = random_tensor({3, 4, 40}, 71), b = random_tensor({3, 40, 6}, 72);
  const UnitConfig cfg = unit(json{{"kind", "mx"}, {"weight_format", "int8"}, {"activation_format", "fp8_e4m3"}});
  Constants none;
  auto op = units::make_emulated_op(node, none.lookup(), cfg, 6);
  std::vector<float> want;
  for (std::size_t i = 0; i < 3; ++i) {
    const mx::QuantizedRows qa = mx::quantize_rows(a.floats().data() + i * 160, 4, 40, mx::ElementFormat::fp8_e4m3, 32,
                                                   cfg.mx.policy);
    const std::vector<float> bt = transpose(std::vector<float>(b.floats().begin() + i * 240, b.floats().begin() + (i + 1) * 240), 40, 6);
    const mx::QuantizedRows qb = mx::quantize_rows(bt.data(), 6, 40, mx::ElementFormat::int8, 32, cfg.mx.policy);
    const std::vector<float> y = mx::mx_gemm(qa, qb, cfg.mx.accumulation);
    want.insert(want.end(), y.begin(), y.end());
  }
  const Tensor got = op->run(refs({&a, &b}))[0];
  EXPECT_EQ(got.dims(), (Dims{3, 4, 6}));
  expect_bits(got.floats(), want);
}

TEST(MxOp, StochasticRoundingDrawsFromTheUnitStream) {
  GemmCase g = gemm_case(true, 3, 4, 40);
  const UnitConfig cfg = unit(json{{"kind", "mx"}, {"round", "stochastic"}, {"seed", 11u}, {"weight_format", "fp4_e2m1"},
                                   {"activation_format", "fp4_e2m1"}});
  auto op = units::make_emulated_op(g.node, g.c.lookup(), cfg, 9);
  const Tensor& w = g.c.values["w"];
  const Tensor& b = g.c.values["b"];
  const Tensor& x = g.batches[0];
  mx::QuantizePolicy act = cfg.mx.policy;
  act.stream = rng::make_stream(9, rng::Purpose::mx_stochastic_rounding);
  mx::QuantizePolicy wp = act;
  wp.seed = 12;
  const mx::QuantizedRows qa = mx::quantize_rows(x.floats().data(), 3, 40, mx::ElementFormat::fp4_e2m1, 32, act);
  const mx::QuantizedRows qw = mx::quantize_rows(w.floats().data(), 4, 40, mx::ElementFormat::fp4_e2m1, 32, wp);
  std::vector<float> want = mx::mx_gemm(qa, qw, cfg.mx.accumulation);
  for (std::size_t i = 0; i < want.size(); ++i) want[i] = want[i] + b.floats()[i % 4];
  expect_bits(op->run(refs({&x, &w, &b}))[0].floats(), want);
  // Another unit id draws other numbers.
  auto other = units::make_emulated_op(g.node, g.c.lookup(), cfg, 10);
  EXPECT_FALSE(graph::bitwise_equal(other->run(refs({&x, &w, &b}))[0], op->run(refs({&x, &w, &b}))[0]));
}

TEST(ApproxOp, GemmBiasGivenAsARowMatrix) {
  Constants c;
  c.values["w"] = random_tensor({3, 6}, 201);
  c.values["c"] = random_tensor({1, 3}, 202);
  const Node node = make_node("fc", "Gemm", {"x", "w", "c"}, {"y"}, {{"transB", Attribute(std::int64_t{1})}});
  const Tensor x = random_tensor({2, 6}, 203);
  auto op = units::make_emulated_op(node, c.lookup(), unit(json{{"kind", "approx"}, {"multiplier", "exact"},
                                                                  {"calibrator", "max"}}), 0);
  op->calibrate(refs({&x, &c.values["w"], &c.values["c"]}));
  op->finish_calibration();
  const Tensor got = op->run(refs({&x, &c.values["w"], &c.values["c"]}))[0];
  const Tensor ref = runtime::run_reference(node, refs({&x, &c.values["w"], &c.values["c"]}))[0];
  ASSERT_EQ(got.dims(), ref.dims());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got.floats()[i], ref.floats()[i], 0.05f);
}

// --- optical -----------------------------------------------------------------------------------

TEST(OpticalOp, GemmEqualsOpticalLinear) {
  GemmCase g = gemm_case(true, 7, 5, 16);
  const UnitConfig cfg = unit(json{{"kind", "optical"}, {"q_levels", 64}, {"q_init_seed", 9u}});
  auto op = units::make_emulated_op(g.node, g.c.lookup(), cfg, 17);
  const Tensor& w = g.c.values["w"];
  const Tensor& b = g.c.values["b"];
  optical::OpticalLinear golden("fc", 17, optical::make_matrix(5, 16, w.floats()), b.floats(), cfg.optical);
  golden.set_calibrating(true);
  for (const Tensor& x : g.batches) {
    op->calibrate(refs({&x, &w, &b}));
    golden.calibrate(optical::make_matrix(7, 16, x.floats()));
  }
  op->finish_calibration();
  golden.set_calibrating(false);
  for (const Tensor& x : g.batches) {  // three calls: the noise counter advances alike
    const optical::Matrix want = golden.forward(optical::make_matrix(7, 16, x.floats()));
    expect_bits(op->run(refs({&x, &w, &b}))[0].floats(), want.data);
  }
  EXPECT_EQ(op->last_macs(), 7u * 5 * 16);
}

TEST(OpticalOp, UncalibratedRunIsAStateErrorButBypassNeedsNone) {
  GemmCase g = gemm_case(true);
  const Tensor& w = g.c.values["w"];
  const Tensor& b = g.c.values["b"];
  auto op = units::make_emulated_op(g.node, g.c.lookup(), unit(json{{"kind", "optical"}}), 0);
  try {
    op->run(refs({&g.batches[0], &w, &b}));
    FAIL() << "no StateError";
  } catch (const StateError& e) {
    EXPECT_STREQ(e.what(), "node 'fc' (optical): not calibrated; run calibration first");
  }
  auto bypass = units::make_emulated_op(g.node, g.c.lookup(), unit(json{{"kind", "optical"}, {"q_bypass", true}}), 0);
  EXPECT_TRUE(bypass->calibrated());
  const std::vector<float> want =
      optical::float_gemm(optical::make_matrix(5, 12, g.batches[0].floats()), optical::make_matrix(4, 12, w.floats()),
                          b.floats()).data;
  expect_bits(bypass->run(refs({&g.batches[0], &w, &b}))[0].floats(), want);
}

TEST(OpticalOp, ConvIsIm2colThroughOpticalLinear) {
  Constants c;
  c.values["w"] = random_tensor({3, 2, 2, 2}, 81, 0.5f);
  const Node node = make_node("conv", "Conv", {"x", "w"}, {"y"},
                              {{"strides", Attribute(std::vector<std::int64_t>{2, 2})}});
  const Tensor x = random_tensor({2, 2, 6, 6}, 82);
  const UnitConfig cfg = unit(json{{"kind", "optical"}, {"q_levels", 128}});
  auto op = units::make_emulated_op(node, c.lookup(), cfg, 8);
  op->calibrate(refs({&x, &c.values["w"]}));
  op->finish_calibration();
  const units::ConvGeometry g = units::conv_geometry(node, x.dims(), c.values["w"].dims());
  const optical::Matrix cols = optical::make_matrix(g.rows(), g.depth(), units::im2col(x.floats().data(), g));
  optical::OpticalLinear golden("conv", 8, optical::make_matrix(3, 8, c.values["w"].floats()), {}, cfg.optical);
  golden.set_calibrating(true);
  golden.calibrate(cols);
  golden.set_calibrating(false);
  const optical::Matrix y = golden.forward(cols);
  const Tensor got = op->run(refs({&x, &c.values["w"]}))[0];
  EXPECT_EQ(got.dims(), (Dims{2, 3, 3, 3}));
  expect_bits(got.floats(), units::gemm_rows_to_nchw(y.data, g));
}

TEST(OpticalOp, AttentionMatMulPutsSecondOperandInTheWeightRole) {
  const Node node = make_node("attn", "MatMul", {"a", "b"}, {"y"});
  const Tensor a = random_tensor({2, 3, 8}, 91), b = random_tensor({2, 8, 4}, 92);
  const UnitConfig cfg = unit(json{{"kind", "optical"}, {"q_levels", 32}, {"q_init_seed", 5u}});
  Constants none;
  auto op = units::make_emulated_op(node, none.lookup(), cfg, 21);
  op->calibrate(refs({&a, &b}));
  op->finish_calibration();
  // The golden pieces: ranges of A, B and of the float A.B, then optical_gemm per slice.
  optical::RunningRange ra("A", 0.9), rb("B", 0.9), ro("out", 0.9);
  for (auto* r : {&ra, &rb, &ro}) r->set_calibrating(true);
  ra.observe(a.floats().data(), a.size());
  rb.observe(b.floats().data(), b.size());
  std::vector<optical::Matrix> as, bts;
  std::vector<float> products;
  for (std::size_t i = 0; i < 2; ++i) {
    as.push_back(optical::make_matrix(3, 8, std::vector<float>(a.floats().begin() + i * 24, a.floats().begin() + (i + 1) * 24)));
    bts.push_back(optical::make_matrix(4, 8, transpose(std::vector<float>(b.floats().begin() + i * 32, b.floats().begin() + (i + 1) * 32), 8, 4)));
    const optical::Matrix f = optical::float_gemm(as[i], bts[i], {});
    products.insert(products.end(), f.data.begin(), f.data.end());
  }
  ro.observe(products.data(), products.size());
  optical::OpticalGemmSpec spec;
  spec.input = optical::quantizer_from_range(ra, 32, 0.0f);
  spec.weight = optical::quantizer_from_range(rb, 32, optical::effective_lut_min(cfg.optical));
  spec.output.adc = optical::quantizer_from_range(ro, 32, 0.0f);
  EXPECT_GT(spec.weight.lut_min, 0.0f);
  std::vector<float> want;
  for (std::uint32_t i = 0; i < 2; ++i) {
    const optical::Matrix y = optical::optical_gemm(as[i], bts[i], {}, spec, optical::CallKey{5, 21, i});
    want.insert(want.end(), y.data.begin(), y.data.end());
  }
  const Tensor got = op->run(refs({&a, &b}))[0];
  EXPECT_EQ(got.dims(), (Dims{2, 3, 4}));
  expect_bits(got.floats(), want);
  // The next run draws fresh noise: calls 2 and 3.
  std::vector<float> want2;
  for (std::uint32_t i = 0; i < 2; ++i) {
    const optical::Matrix y = optical::optical_gemm(as[i], bts[i], {}, spec, optical::CallKey{5, 21, 2 + i});
    want2.insert(want2.end(), y.data.begin(), y.data.end());
  }
  expect_bits(op->run(refs({&a, &b}))[0].floats(), want2);
}

// --- support, fallbacks, fused ops, adapter --------------------------------------------------

TEST(Supports, ReasonsForFallback) {
  Constants c;
  c.values["w"] = random_tensor({4, 2, 3, 3}, 1);
  c.values["wg"] = random_tensor({4, 8}, 2);
  c.values["c2"] = random_tensor({3, 4}, 3);
  const Node grouped = make_node("conv2", "Conv", {"x", "w"}, {"y"}, {{"group", Attribute(std::int64_t{2})}});
  const UnitConfig optical = unit(json{{"kind", "optical"}});
  const UnitConfig mxu = unit(json{{"kind", "mx"}});
  const UnitConfig approx = unit(json{{"kind", "approx"}, {"multiplier", "exact"}});
  units::Support s = units::supports(grouped, c.lookup(), optical);
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.reason, "Conv with group = 2 is not supported on optical (its im2col lowering needs group = 1)");
  EXPECT_FALSE(units::supports(grouped, c.lookup(), mxu).ok);
  EXPECT_TRUE(units::supports(grouped, c.lookup(), approx).ok);
  const Node trans_a = make_node("g", "Gemm", {"x", "wg"}, {"y"}, {{"transA", Attribute(std::int64_t{1})}});
  EXPECT_EQ(units::supports(trans_a, c.lookup(), approx).reason, "Gemm with transA = 1 is not supported");
  const Node alpha = make_node("g", "Gemm", {"x", "wg"}, {"y"}, {{"alpha", Attribute(0.5f)}});
  EXPECT_THAT(units::supports(alpha, c.lookup(), mxu).reason, HasSubstr("alpha = 0.5"));
  const Node full_c = make_node("g", "Gemm", {"x", "wg", "c2"}, {"y"}, {{"transB", Attribute(std::int64_t{1})}});
  EXPECT_THAT(units::supports(full_c, c.lookup(), mxu).reason, HasSubstr("bias (3, 4) is not a vector of 4 values"));
  const Node dynamic_w = make_node("g", "Gemm", {"x", "h"}, {"y"});
  EXPECT_THAT(units::supports(dynamic_w, c.lookup(), approx).reason, HasSubstr("B is not a constant"));
  const Node relu = make_node("r", "Relu", {"x"}, {"y"});
  EXPECT_FALSE(units::is_compute_op(relu));
  EXPECT_THAT(units::supports(relu, c.lookup(), approx).reason, HasSubstr("not a compute op"));
  const Node attn = make_node("attn", "MatMul", {"q", "k"}, {"y"});
  EXPECT_TRUE(units::supports(attn, c.lookup(), approx).ok);
  EXPECT_TRUE(units::supports(attn, c.lookup(), optical).ok);
  EXPECT_TRUE(units::supports(attn, c.lookup(), mxu).ok);
  EXPECT_THAT(units::supports(attn, c.lookup(), unit(json{{"kind", "optical"}, {"sign_handling", "split"}})).reason,
              HasSubstr("split"));
  try {
    units::make_emulated_op(grouped, c.lookup(), optical, 0);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("node 'conv2' (Conv): cannot run on optical: Conv with group = 2"));
  }
  EXPECT_THROW(units::make_emulated_op(attn, c.lookup(), optical, 1u << 24), ConfigError);
}

TEST(FusedOps, LinearAndFusedGemmApplyTheActivationAfterTheUnit) {
  Constants c;
  c.values["w"] = random_tensor({12, 4}, 101);  // Linear: MatMul layout [K, N]
  c.values["b"] = random_tensor({4}, 102);
  Node linear = make_node("lin", "Linear", {"x", "w", "b"}, {"y"}, {{"activation", Attribute(std::string("Relu"))}});
  linear.domain = graph::kTesseraDomain;
  const Tensor x = random_tensor({2, 3, 12}, 103);
  const UnitConfig cfg = unit(json{{"kind", "mx"}, {"weight_format", "fp8_e4m3"}});
  auto op = units::make_emulated_op(linear, c.lookup(), cfg, 1);
  const mx::QuantizedRows qa = mx::quantize_rows(x.floats().data(), 6, 12, mx::ElementFormat::fp8_e4m3, 32, cfg.mx.policy);
  const std::vector<float> wt = transpose(c.values["w"].floats(), 12, 4);
  const mx::QuantizedRows qw = mx::quantize_rows(wt.data(), 4, 12, mx::ElementFormat::fp8_e4m3, 32, cfg.mx.policy);
  std::vector<float> want = mx::mx_gemm(qa, qw, cfg.mx.accumulation);
  std::size_t negatives = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    want[i] = want[i] + c.values["b"].floats()[i % 4];
    negatives += want[i] < 0;
    want[i] = want[i] > 0.0f ? want[i] : 0.0f;
  }
  ASSERT_GT(negatives, 0u);  // the activation matters
  const Tensor got = op->run(refs({&x, &c.values["w"], &c.values["b"]}))[0];
  EXPECT_EQ(got.dims(), (Dims{2, 3, 4}));
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got.floats()[i], want[i] == 0.0f ? 0.0f : want[i]);
}

TEST(KernelAdapter, RunsTheSharedOp) {
  GemmCase g = gemm_case(true);
  std::shared_ptr<units::EmulatedOp> op =
      units::make_emulated_op(g.node, g.c.lookup(), unit(json{{"kind", "mx"}}), 0);
  const runtime::KernelFn fn = units::make_kernel(op);
  const Tensor& w = g.c.values["w"];
  const Tensor& b = g.c.values["b"];
  const std::vector<Tensor> a = fn(g.node, refs({&g.batches[0], &w, &b}));
  EXPECT_EQ(op->runs(), 1u);
  EXPECT_TRUE(graph::bitwise_equal(a[0], op->run(refs({&g.batches[0], &w, &b}))[0]));
  EXPECT_EQ(op->total_macs(), 2u * 5 * 4 * 12);
}

TEST(Im2col, LoweringMatchesTheReferenceConvolution) {
  Constants c;
  c.values["w"] = random_tensor({5, 3, 3, 2}, 111);
  const Node node = make_node("conv", "Conv", {"x", "w"}, {"y"},
                              {{"pads", Attribute(std::vector<std::int64_t>{1, 0, 2, 1})},
                               {"strides", Attribute(std::vector<std::int64_t>{2, 1})},
                               {"dilations", Attribute(std::vector<std::int64_t>{1, 2})}});
  const Tensor x = random_tensor({2, 3, 7, 8}, 112);
  const units::ConvGeometry g = units::conv_geometry(node, x.dims(), c.values["w"].dims());
  const std::vector<float> cols = units::im2col(x.floats().data(), g);
  std::vector<float> y(g.rows() * g.out_channels);
  for (std::size_t r = 0; r < g.rows(); ++r)
    for (std::size_t co = 0; co < g.out_channels; ++co) {
      double s = 0;
      for (std::size_t k = 0; k < g.depth(); ++k) s += double(cols[r * g.depth() + k]) * c.values["w"].floats()[co * g.depth() + k];
      y[r * g.out_channels + co] = static_cast<float>(s);
    }
  const std::vector<float> got = units::gemm_rows_to_nchw(y, g);
  const Tensor ref = runtime::run_reference(node, refs({&x, &c.values["w"], nullptr}))[0];
  ASSERT_EQ(got.size(), ref.size());
  EXPECT_EQ(ref.dims(), (Dims{2, 5, 4, 7}));
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], ref.floats()[i], 1e-4f) << i;
}

}  // namespace
