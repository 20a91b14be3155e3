#include "sim/tracing/mx_activity_pricing.h"

#include <algorithm>
#include <filesystem>
#include <random>
#include <vector>

#include "golden/common/data_path.h"
#include "golden/common/error.h"
#include "sim/tracing/approx_trace.h"

namespace tessera::tracing {

std::string shipped_mx_model_path(mx::ElementFormat format_a, mx::ElementFormat format_b, std::size_t block,
                                  const std::string& library) {
  return data_path("traces/activity/models/mx_" + std::string(mx::element_format_name(format_a)) + "_" +
                   std::string(mx::element_format_name(format_b)) + "_b" + std::to_string(block) + "." + library +
                   ".json")
      .string();
}

std::optional<traces::activity::MxEnergyModel> mx_energy_model_for(mx::ElementFormat format_a,
                                                                   mx::ElementFormat format_b, std::size_t block,
                                                                   const std::string& library) {
  const std::string path = shipped_mx_model_path(format_a, format_b, block, library);
  if (!std::filesystem::exists(path)) return std::nullopt;
  return traces::activity::load_mx_model(path);
}

MxSampledPairs sample_mx_block_pairs(const mx::QuantizedRows& a, const mx::QuantizedRows& b, const MxTileShape& shape,
                                     std::size_t tiles_wanted, std::uint64_t seed) {
  if (a.columns != b.columns || a.block_size != b.block_size || a.block_size == 0) {
    throw StateError("mx activity sample: operands disagree on K (" + std::to_string(a.columns) + " vs " +
                     std::to_string(b.columns) + ") or the block size (" + std::to_string(a.block_size) + " vs " +
                     std::to_string(b.block_size) + ")");
  }
  MxSampledPairs sampled;
  sampled.pairs.format_a = a.format;
  sampled.pairs.format_b = b.format;
  const std::size_t bs = a.block_size, k = a.columns, kb = a.blocks_per_row;
  sampled.pairs.block_size = bs;
  const std::vector<MxTile> tiles = mx_output_tiles(a.rows, b.rows, shape);
  for (const std::size_t index : pick_tiles(tiles.size(), tiles_wanted, seed)) {
    const MxTile& tile = tiles[index];
    for (std::size_t i = tile.m0; i < tile.m0 + tile.m; ++i) {
      for (std::size_t c = tile.n0; c < tile.n0 + tile.n; ++c) {
        for (std::size_t j = 0; j < kb; ++j) {
          sampled.pairs.append(a.scales[i * kb + j], a.codes.data() + i * k + j * bs, b.scales[c * kb + j],
                               b.codes.data() + c * k + j * bs, std::min(bs, k - j * bs));
        }
      }
    }
    sampled.macs += static_cast<std::uint64_t>(tile.m) * tile.n * k;
  }
  return sampled;
}

MxUniformOperands mx_uniform_operands(mx::ElementFormat format_a, mx::ElementFormat format_b, std::size_t block,
                                      std::size_t k, const mx::QuantizePolicy& policy, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> values(kMxUniformRows * k);
  auto quantized = [&](mx::ElementFormat format) {
    for (float& v : values) v = uniform(engine);
    return mx::quantize_rows(values.data(), kMxUniformRows, k, format, block, policy);
  };
  MxUniformOperands operands;
  operands.activations = quantized(format_a);
  operands.weights = quantized(format_b);
  return operands;
}

double mx_model_pj_per_mac(const traces::activity::MxEnergyModel& model, const MxSampledPairs& sampled) {
  if (sampled.macs == 0) throw StateError("mx activity sample: no MACs sampled");
  const auto features = traces::activity::mx_stream_features(sampled.pairs);
  return model.predict_pj(traces::activity::count_mx_activity(features)) / static_cast<double>(sampled.macs);
}

MxActivitySampler::MxActivitySampler(traces::activity::MxEnergyModel model, std::size_t tiles, std::uint64_t seed,
                                     MxTileShape shape)
    : state_(std::make_shared<State>()), tiles_(tiles), seed_(seed), shape_(shape) {
  if (tiles_ == 0) throw ConfigError("mx activity sampler: expected at least 1 tile per layer, got 0");
  if (shape_.rows == 0 || shape_.cols == 0) {
    throw ConfigError("mx activity sampler tile shape: expected at least 1 row and 1 column, got " +
                      std::to_string(shape_.rows) + " x " + std::to_string(shape_.cols));
  }
  state_->model = std::move(model);
}

units::MxOperandTap MxActivitySampler::tap(const units::EmulatedOp& op) {
  return tap(op.node().name, op.config().mx.policy);
}

units::MxOperandTap MxActivitySampler::tap(const std::string& layer, const mx::QuantizePolicy& policy) {
  // The uniform operands have their own fixed seed: every layer's reference is the same data
  // for the same formats and K, whatever the tile draw.
  constexpr std::uint64_t kUniformSeed = 1;
  auto done = std::make_shared<bool>(false);
  return [state = state_, tiles = tiles_, shape = shape_, seed = tile_draw_seed(seed_, layer), policy,
          done](const units::MxGemmOperands& gemm) {
    if (*done || !gemm.activations || !gemm.weights) return;
    *done = true;
    const mx::QuantizedRows& a = *gemm.activations;
    const mx::QuantizedRows& b = *gemm.weights;
    const MxSampledPairs sampled = sample_mx_block_pairs(a, b, shape, tiles, seed);
    if (sampled.macs == 0) return;
    const MxUniformOperands uniform = mx_uniform_operands(a.format, b.format, a.block_size, a.columns, policy, kUniformSeed);
    state->pj_per_mac = mx_model_pj_per_mac(state->model, sampled);
    state->uniform_pj_per_mac =
        mx_model_pj_per_mac(state->model, sample_mx_block_pairs(uniform.activations, uniform.weights, shape, tiles, seed));
    state->sampled_macs = sampled.macs;
  };
}

std::optional<double> MxActivitySampler::activity_factor() const {
  if (!state_->pj_per_mac || !state_->uniform_pj_per_mac) return std::nullopt;
  if (*state_->pj_per_mac <= 0.0 || *state_->uniform_pj_per_mac <= 0.0) return std::nullopt;
  return *state_->pj_per_mac / *state_->uniform_pj_per_mac;
}

}  // namespace tessera::tracing
