#include "sim/tracing/activity_pricing.h"

#include <filesystem>

#include "golden/common/data_path.h"
#include "models/approx/approx_array.h"
#include "models/common/energy.h"
#include "sim/tracing/approx_trace.h"
#include "traces/activity/multiplier_model.h"
#include "traces/activity/weight_stationary.h"

namespace tessera::tracing {

std::string shipped_model_path(const std::string& multiplier, const std::string& library) {
  return data_path("traces/activity/models/" + multiplier + "." + library + ".json").string();
}

std::optional<MultiplierEnergyModel> multiplier_energy_model(const std::string& multiplier, const std::string& library) {
  const std::string own = shipped_model_path(multiplier, library);
  if (std::filesystem::exists(own)) {
    traces::activity::MultiplierModel model = traces::activity::load_multiplier_model(own);
    const std::string kind = traces::activity::model_kind(model);
    return MultiplierEnergyModel{std::move(model), 1.0,
                                 kind + " model fitted on gate-level energies of " + multiplier + " (" + library + ")"};
  }
  const std::string exact = shipped_model_path("exact", library);
  if (!std::filesystem::exists(exact)) return std::nullopt;
  const models::RelativePower relative =
      models::approx_relative_power(multiplier, models::EnergyTable::defaults());
  traces::activity::MultiplierModel model = traces::activity::load_multiplier_model(exact);
  const std::string kind = traces::activity::model_kind(model);
  return MultiplierEnergyModel{std::move(model), relative.ratio,
                               "no circuit for " + multiplier + ": the exact multiplier's " + kind + " activity model (" +
                                   library + ") x " + std::to_string(relative.ratio) + ", its table power relative to exact"};
}

ActivitySampler::ActivitySampler(MultiplierEnergyModel model, models::AcceleratorConfig accelerator, std::size_t tiles,
                                 std::uint64_t seed)
    : state_(std::make_shared<State>()), accelerator_(std::move(accelerator)), tiles_(tiles), seed_(seed) {
  state_->model = std::move(model);
}

units::ApproxOperandTap ActivitySampler::tap(const units::EmulatedOp& op) {
  auto done = std::make_shared<bool>(false);
  const std::shared_ptr<const approx::MultiplierTable> table = op.config().approx.table;
  const std::uint64_t seed = tile_draw_seed(seed_, op.node().name);
  return [state = state_, accelerator = accelerator_, tiles_wanted = tiles_, seed, table,
          done](const units::ApproxGemmOperands& gemm) {
    if (*done || !table) return;
    *done = true;
    const std::vector<models::ApproxTile> tiles = controller_tiles(accelerator, gemm);
    std::uint64_t macs = 0;
    double energy_pj = 0.0;
    std::vector<std::int8_t> weights, activations;
    for (const std::size_t index : pick_tiles(tiles.size(), tiles_wanted, seed)) {
      const models::ApproxTile& tile = tiles[index];
      copy_tile(gemm, tile, weights, activations);
      const traces::activity::WeightStationaryTile view{activations.data(), weights.data(), static_cast<std::size_t>(tile.m),
                                                        static_cast<std::size_t>(tile.k), static_cast<std::size_t>(tile.n)};
      energy_pj += traces::activity::predict_tile_pj(state->model.model, view, *table);
      macs += view.rows_m * view.depth_k * view.cols_n;
    }
    if (macs == 0) return;
    state->sampled_macs = macs;
    state->pj_per_mac = state->model.scale * energy_pj / static_cast<double>(macs);
  };
}

}  // namespace tessera::tracing
