#include "sim/tracing/optical_activity_pricing.h"

#include <filesystem>

#include "golden/common/data_path.h"
#include "golden/common/error.h"
#include "sim/tracing/optical_elements.h"
#include "traces/activity/optical_features.h"

namespace tessera::tracing {
namespace activity = traces::activity;

std::string shipped_optical_model_path(activity::OpticalUnit unit, const std::string& library) {
  const char* name = unit == activity::OpticalUnit::dac ? "dac" : unit == activity::OpticalUnit::adc ? "adc" : "psum";
  return data_path("traces/activity/models/optical_" + std::string(name) + "." + library + ".json").string();
}

std::optional<activity::OpticalEnergyModel> optical_energy_model_for(activity::OpticalUnit unit,
                                                                     const std::string& library) {
  const std::string path = shipped_optical_model_path(unit, library);
  if (!std::filesystem::exists(path)) return std::nullopt;
  return activity::load_optical_model(path);
}

std::optional<OpticalPeripheryModels> optical_periphery_models_for(const std::string& library) {
  auto dac = optical_energy_model_for(activity::OpticalUnit::dac, library);
  auto adc = optical_energy_model_for(activity::OpticalUnit::adc, library);
  auto psum = optical_energy_model_for(activity::OpticalUnit::psum, library);
  if (!dac || !adc || !psum) return std::nullopt;
  return OpticalPeripheryModels{std::move(*dac), std::move(*adc), std::move(*psum)};
}

OpticalPeripherySampler::OpticalPeripherySampler(OpticalPeripheryModels models, std::size_t tiles, std::uint64_t seed,
                                                 OpticalTileShape shape)
    : tiles_(tiles), seed_(seed), shape_(shape), state_(std::make_shared<State>()) {
  if (tiles_ == 0) throw ConfigError("optical periphery sampler: at least 1 tile");
  if (shape_.rows == 0 || shape_.cols == 0) throw ConfigError("optical periphery sampler: empty tile shape");
  state_->models = std::move(models);
}

units::OpticalOperandTap OpticalPeripherySampler::tap(const units::EmulatedOp& op) {
  const std::string layer = op.node().name;
  return [layer, tiles_wanted = tiles_, seed = seed_, shape = shape_,
          state = state_](const units::OpticalGemmOperands& gemm) {
    if (state->done) return;
    state->done = true;
    const std::vector<OpticalTile> tiles = optical_output_tiles(gemm.m, gemm.n, shape.rows, shape.cols);
    std::map<std::string, std::pair<double, std::uint64_t>> sums;  // pJ, conversions
    auto add = [&](const char* component, const Eigen::MatrixXd& features,
                   const activity::OpticalEnergyModel& model) {
      sums[component].first += model.predict_total_pj(features);
      sums[component].second += static_cast<std::uint64_t>(features.rows());
      state->sampled_elements += static_cast<std::uint64_t>(features.rows());
    };
    const optical::OpticalGemmSpec& spec = *gemm.spec;
    for (const std::size_t index : pick_tiles(tiles.size(), tiles_wanted, tile_draw_seed(seed, layer))) {
      const OpticalTile& tile = tiles[index];
      const OpticalTileElements e = optical_tile_elements(gemm, tile);
      add("dac_quantizer_input", activity::optical_dac_features(spec.input, e.input_x), state->models.dac);
      add("dac_quantizer_weight", activity::optical_dac_features(spec.weight, e.weight_x), state->models.dac);
      const std::size_t outputs = tile.m * tile.n;
      for (std::size_t pass = 0; pass * outputs < e.adc_y.size(); ++pass) {
        const auto first = static_cast<std::ptrdiff_t>(pass * outputs);
        const std::vector<float> y(e.adc_y.begin() + first, e.adc_y.begin() + first + static_cast<std::ptrdiff_t>(outputs));
        const std::vector<std::uint32_t> r(e.adc_rand24.begin() + first,
                                           e.adc_rand24.begin() + first + static_cast<std::ptrdiff_t>(outputs));
        add("adc_quantizer",
            activity::optical_adc_features(pass == 0 ? spec.output.adc : spec.negative_output.adc, y, r),
            state->models.adc);
      }
      std::vector<std::uint8_t> first_flags(e.psum_qa.size());
      for (std::size_t i = 0; i < first_flags.size(); ++i) first_flags[i] = i % gemm.k == 0 ? 1 : 0;
      add("psum", activity::optical_psum_features(e.psum_qa, e.psum_qw, e.psum_floor_sign, first_flags),
          state->models.psum);
    }
    for (const auto& [component, total] : sums) {
      if (total.second > 0) state->pj_per_conversion[component] = total.first / static_cast<double>(total.second);
    }
  };
}

}  // namespace tessera::tracing
