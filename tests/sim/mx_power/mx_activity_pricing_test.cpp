// MxActivitySampler: its energy per MAC is the model evaluated by hand over the block pairs of the
// tiles MxTraceRecorder draws, its uniform reference depends on nothing but the layer's formats,
// K and tile draw, and the shipped-model lookup says "none" or names a broken file.
#include <gtest/gtest.h>

#include <bitset>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "golden/common/error.h"
#include "golden/mx/tensor.h"
#include "sim/data/datasets.h"
#include "sim/mapping/emulated_network.h"
#include "sim/mapping/rules.h"
#include "sim/onnx/loader.h"
#include "sim/runtime/executor.h"
#include "sim/runtime/optimize.h"
#include "sim/tracing/approx_trace.h"
#include "sim/tracing/mx_activity_pricing.h"
#include "sim/tracing/mx_trace.h"
#include "sim/tracing/mx_trace_reader.h"
#include "tests/support/scratch_dir.h"
#include "traces/activity/mx_energy_model.h"

namespace tessera {
namespace {

using traces::activity::MxEnergyModel;

// A model on four features whose values are easy to compute by hand.
MxEnergyModel synthetic_model() {
  MxEnergyModel model;
  model.unit = "synthetic";
  model.library = "test";
  model.intercept_pj = 0.5;
  model.feature_names = {"code_hd_a", "code_hd_b_prev", "scale_hd_a", "nonzero_products"};
  model.coefficients_pj = {0.01, 0.02, 0.1, 0.03};
  return model;
}

mx::QuantizedRows normal_rows(std::size_t rows, std::size_t k, mx::ElementFormat format, unsigned seed) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(rows * k);
  // Rows of different magnitude, so that block scales change from pair to pair.
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = normal(engine) * static_cast<float>(1u << (i / k % 5));
  return mx::quantize_rows(values.data(), rows, k, format, 32, mx::QuantizePolicy{});
}

bool nonzero_finite(std::uint8_t code, mx::ElementFormat format) {
  const mx::ElementValue v = mx::decode_element(code, format);
  return v.kind == mx::ElementClass::finite && v.significand != 0;
}

int ones(unsigned bits) { return static_cast<int>(std::bitset<8>(bits).count()); }

// The synthetic model over the pairs of the drawn tiles, enumerated here from scratch: tiles of
// 4 x 4 outputs, row tiles outer; per tile rows i, columns c, blocks j; a short block padded with
// zero codes; the state before the first pair all zero.
double brute_force_pj_per_mac(const mx::QuantizedRows& a, const mx::QuantizedRows& b, std::size_t tiles_wanted,
                              std::uint64_t seed) {
  struct Tile {
    std::size_t m0, m, n0, n;
  };
  std::vector<Tile> grid;
  for (std::size_t m0 = 0; m0 < a.rows; m0 += 4)
    for (std::size_t n0 = 0; n0 < b.rows; n0 += 4) grid.push_back({m0, std::min<std::size_t>(4, a.rows - m0), n0,
                                                                    std::min<std::size_t>(4, b.rows - n0)});
  const std::size_t k = a.columns, kb = (k + 31) / 32;
  std::vector<std::uint8_t> previous_a(32, 0), previous_b(32, 0);
  std::uint8_t previous_scale_a = 0;
  double previous_code_hd_b = 0.0;
  double energy_pj = 0.0, macs = 0.0;
  for (const std::size_t index : tracing::pick_tiles(grid.size(), tiles_wanted, seed)) {
    const Tile& tile = grid[index];
    macs += static_cast<double>(tile.m * tile.n * k);
    for (std::size_t i = tile.m0; i < tile.m0 + tile.m; ++i) {
      for (std::size_t c = tile.n0; c < tile.n0 + tile.n; ++c) {
        for (std::size_t j = 0; j < kb; ++j) {
          double code_hd_a = 0.0, code_hd_b = 0.0, nonzero = 0.0;
          for (std::size_t lane = 0; lane < 32; ++lane) {
            const std::size_t e = j * 32 + lane;
            const std::uint8_t ca = e < k ? a.codes[i * k + e] : 0, cb = e < k ? b.codes[c * k + e] : 0;
            code_hd_a += ones(ca ^ previous_a[lane]);
            code_hd_b += ones(cb ^ previous_b[lane]);
            nonzero += nonzero_finite(ca, a.format) && nonzero_finite(cb, b.format) ? 1.0 : 0.0;
            previous_a[lane] = ca;
            previous_b[lane] = cb;
          }
          const std::uint8_t scale_a = a.scales[i * kb + j];
          energy_pj += 0.5 + 0.01 * code_hd_a + 0.02 * previous_code_hd_b + 0.1 * ones(scale_a ^ previous_scale_a) +
                       0.03 * nonzero;
          previous_scale_a = scale_a;
          previous_code_hd_b = code_hd_b;
        }
      }
    }
  }
  return energy_pj / macs;
}

TEST(MxActivityPricing, PjPerMacIsTheModelOverTheDrawnBlockPairs) {
  // M = 10, N = 7 (a 3 x 2 grid of 4 x 4 tiles, ragged at the edges), K = 70 (a short last block).
  const mx::QuantizedRows a = normal_rows(10, 70, mx::ElementFormat::fp8_e4m3, 1);
  const mx::QuantizedRows b = normal_rows(7, 70, mx::ElementFormat::fp6_e2m3, 2);
  tracing::MxActivitySampler sampler(synthetic_model(), 3, 11);
  EXPECT_FALSE(sampler.pj_per_mac());
  EXPECT_FALSE(sampler.activity_factor());
  units::MxOperandTap tap = sampler.tap("/fc1/Gemm", mx::QuantizePolicy{});
  tap(units::MxGemmOperands{&a, &b});
  ASSERT_TRUE(sampler.pj_per_mac());
  const double expected = brute_force_pj_per_mac(a, b, 3, tracing::tile_draw_seed(11, "/fc1/Gemm"));
  EXPECT_NEAR(*sampler.pj_per_mac(), expected, 1e-12 * expected);
  // A later GEMM of the op is not sampled.
  const mx::QuantizedRows other = normal_rows(10, 70, mx::ElementFormat::fp8_e4m3, 3);
  tap(units::MxGemmOperands{&other, &b});
  EXPECT_NEAR(*sampler.pj_per_mac(), expected, 1e-12 * expected);
  ASSERT_TRUE(sampler.uniform_pj_per_mac());
  ASSERT_TRUE(sampler.activity_factor());
  EXPECT_DOUBLE_EQ(*sampler.activity_factor(), *sampler.pj_per_mac() / *sampler.uniform_pj_per_mac());
  // Three tiles drawn from six, each with its MACs: between 3 corner tiles and 3 full ones.
  EXPECT_GE(sampler.sampled_macs(), 3u * 2 * 3 * 70);
  EXPECT_LE(sampler.sampled_macs(), 3u * 4 * 4 * 70);
}

TEST(MxActivityPricing, UniformReferenceIsDeterministicAndIndependentOfTheOperands) {
  const mx::QuantizedRows b = normal_rows(7, 70, mx::ElementFormat::fp6_e2m3, 2);
  std::optional<double> reference;
  for (const unsigned seed : {1u, 5u}) {
    const mx::QuantizedRows a = normal_rows(10, 70, mx::ElementFormat::fp8_e4m3, seed);
    tracing::MxActivitySampler sampler(synthetic_model(), 3, 11);
    sampler.tap("/fc1/Gemm", mx::QuantizePolicy{})(units::MxGemmOperands{&a, &b});
    ASSERT_TRUE(sampler.uniform_pj_per_mac());
    if (reference) {
      EXPECT_EQ(*sampler.uniform_pj_per_mac(), *reference);
    }
    reference = sampler.uniform_pj_per_mac();
  }
  // It is the model over the same draw from 16 x 16 uniform operands quantized to the formats.
  const tracing::MxUniformOperands uniform = tracing::mx_uniform_operands(
      mx::ElementFormat::fp8_e4m3, mx::ElementFormat::fp6_e2m3, 32, 70, mx::QuantizePolicy{}, 1);
  EXPECT_EQ(uniform.activations.format, mx::ElementFormat::fp8_e4m3);
  EXPECT_EQ(uniform.weights.format, mx::ElementFormat::fp6_e2m3);
  const double expected =
      brute_force_pj_per_mac(uniform.activations, uniform.weights, 3, tracing::tile_draw_seed(11, "/fc1/Gemm"));
  EXPECT_NEAR(*reference, expected, 1e-12 * expected);
  // Another weight format is another reference.
  const tracing::MxUniformOperands fp4 = tracing::mx_uniform_operands(
      mx::ElementFormat::fp8_e4m3, mx::ElementFormat::fp4_e2m1, 32, 70, mx::QuantizePolicy{}, 1);
  EXPECT_NE(fp4.weights.codes, uniform.weights.codes);
}

TEST(MxActivityPricing, OperandsThatDisagreeOnKAreAStateError) {
  const mx::QuantizedRows a = normal_rows(4, 64, mx::ElementFormat::fp8_e4m3, 1);
  const mx::QuantizedRows b = normal_rows(4, 70, mx::ElementFormat::fp8_e4m3, 2);
  tracing::MxActivitySampler sampler(synthetic_model(), 2, 0);
  EXPECT_THROW(sampler.tap("x", mx::QuantizePolicy{})(units::MxGemmOperands{&a, &b}), StateError);
  EXPECT_THROW(tracing::MxActivitySampler(synthetic_model(), 0, 0), ConfigError);
  EXPECT_THROW(tracing::MxActivitySampler(synthetic_model(), 1, 0, {0, 4}), ConfigError);
}

// The sampler and MxTraceRecorder on the same op with the same seed see the same block pairs.
TEST(MxActivityPricing, SamplesTheTilesTheRecorderRecords) {
  test::ScratchDir dir;
  const data::BundledNetwork bundled = data::bundled_network("digits_cnn");
  onnx::OnnxModel model = onnx::load_onnx(bundled.model_path);
  runtime::optimize(model.graph);
  const std::string rules = dir.file("rules.json");
  std::ofstream(rules) << R"({"rules": [{"match": {"name": "/fc1/Gemm"}, "unit": {"kind": "mx",
      "weight_format": "fp6_e2m3", "activation_format": "fp8_e4m3", "block": 32}}], "default": {"kind": "fp32"}})";
  const mapping::MappingResult mapped = mapping::resolve(model.graph, mapping::load_rules(rules));
  const data::ImageSet set = data::load_images(bundled.images_path);
  constexpr std::size_t kImages = 8;
  graph::Dims dims(set.shape.begin(), set.shape.end());
  dims[0] = kImages;
  const std::size_t image_size = set.values.size() / set.image_count();
  std::vector<float> values(set.values.begin(), set.values.begin() + kImages * image_size);
  runtime::TensorMap inputs;
  inputs.emplace(model.graph.inputs.front().name, graph::Tensor::from_floats(std::move(dims), std::move(values)));
  runtime::Executor executor(std::move(model.graph));
  mapping::EmulatedNetwork network(executor, mapped);
  tracing::TraceOptions options;
  options.directory = dir.file("traces");
  options.tiles_per_layer = 3;
  options.seed = 4;
  tracing::MxTraceRecorder recorder(options, "digits_cnn");
  tracing::MxActivitySampler sampler(synthetic_model(), 3, 4);
  units::EmulatedOp& op = network.op("/fc1/Gemm");
  op.add_mx_operand_tap(recorder.mx_tap(op, 1));
  op.add_mx_operand_tap(sampler.tap(op));
  network.calibrate({inputs});
  network.run_local(inputs);
  ASSERT_EQ(recorder.written().size(), 1u);
  const tracing::MxLayerTrace trace = tracing::read_mx_trace(recorder.written()[0].path);
  ASSERT_TRUE(sampler.pj_per_mac());
  EXPECT_EQ(sampler.sampled_macs(), trace.macs());
  const tracing::MxSampledPairs recorded{tracing::trace_block_pairs(trace), trace.macs()};
  EXPECT_DOUBLE_EQ(*sampler.pj_per_mac(), tracing::mx_model_pj_per_mac(synthetic_model(), recorded));
}

TEST(MxActivityPricing, ModelLookup) {
  const std::string path = tracing::shipped_mx_model_path(mx::ElementFormat::fp8_e4m3, mx::ElementFormat::fp6_e2m3,
                                                          32, "sky130");
  EXPECT_EQ(std::filesystem::path(path).filename(), "mx_fp8_e4m3_fp6_e2m3_b32.sky130.json");
  EXPECT_FALSE(tracing::mx_energy_model_for(mx::ElementFormat::fp4_e2m1, mx::ElementFormat::fp4_e2m1, 32,
                                            "no_such_library"));
}

// Points data_path at a scratch tree for one test.
class DataDirOverride {
 public:
  explicit DataDirOverride(const std::filesystem::path& root) {
    if (const char* old = std::getenv("TESSERA_DATA_DIR")) old_ = old;
    setenv("TESSERA_DATA_DIR", root.c_str(), 1);
  }
  ~DataDirOverride() {
    if (old_) setenv("TESSERA_DATA_DIR", old_->c_str(), 1);
    else unsetenv("TESSERA_DATA_DIR");
  }

 private:
  std::optional<std::string> old_;
};

TEST(MxActivityPricing, ShippedModelReadsBackAndABrokenOneNamesTheFile) {
  test::ScratchDir dir;
  std::filesystem::create_directories(dir.path() / "traces/activity/models");
  const DataDirOverride data_dir(dir.path());
  const auto fa = mx::ElementFormat::fp8_e4m3, fb = mx::ElementFormat::fp8_e4m3;
  const std::string path = tracing::shipped_mx_model_path(fa, fb, 32, "testlib");
  ASSERT_EQ(path.rfind(dir.path().string(), 0), 0u) << path;
  traces::activity::save_mx_model(synthetic_model(), path);
  const std::optional<MxEnergyModel> loaded = tracing::mx_energy_model_for(fa, fb, 32, "testlib");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->coefficients_pj, synthetic_model().coefficients_pj);
  EXPECT_FALSE(tracing::mx_energy_model_for(fa, fb, 16, "testlib"));

  for (const std::string& broken : {std::string(R"({"format": "tessera.mx_energy_model", "version": 1)"),
                                    std::string(R"({"format": "something_else", "version": 1})")}) {
    std::ofstream(path, std::ios::trunc) << broken;
    try {
      tracing::mx_energy_model_for(fa, fb, 32, "testlib");
      FAIL() << "accepted " << broken;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace tessera
