#pragma once
// Pricing an approx layer's multipliers from the activity of the operands it really processes:
// on the layer's first integer GEMM, a seeded sample of the array's weight tiles (the same draw as
// tracing) gives the activity of every PE's stream (traces/activity), and a fitted model — linear in
// operand features, or in proxy-net toggles, whichever the shipped file holds — turns it into energy
// per multiplication.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "models/shell/accelerator.h"
#include "sim/units/emulated_op.h"
#include "traces/activity/multiplier_model.h"

namespace tessera::tracing {

// A fitted model for one multiplier, possibly borrowed from another design and scaled.
struct MultiplierEnergyModel {
  traces::activity::MultiplierModel model;
  double scale = 1.0;  // applied to the model's energy
  std::string note;    // where the model comes from, in words (shown in reports)
};

// Where the shipped models live: data_path("traces/activity/models/<multiplier>.<library>.json").
std::string shipped_model_path(const std::string& multiplier, const std::string& library);

// The model for `multiplier` on `library`: its own shipped model; else the exact multiplier's
// shipped model scaled by the energy table's relative power of `multiplier` (models/energy/approx.json),
// with a note saying so; nullopt when neither exists.
std::optional<MultiplierEnergyModel> multiplier_energy_model(const std::string& multiplier, const std::string& library);

class ActivitySampler {
 public:
  ActivitySampler(MultiplierEnergyModel model, models::AcceleratorConfig accelerator, std::size_t tiles,
                  std::uint64_t seed);
  // The tap to add to `op` (it samples the op's first GEMM only).
  units::ApproxOperandTap tap(const units::EmulatedOp& op);
  // Model energy per multiplication of the sampled tiles, once sampled.
  std::optional<double> pj_per_mac() const { return state_->pj_per_mac; }
  std::uint64_t sampled_macs() const { return state_->sampled_macs; }
  const MultiplierEnergyModel& model() const { return state_->model; }

 private:
  struct State {
    MultiplierEnergyModel model;
    std::optional<double> pj_per_mac;
    std::uint64_t sampled_macs = 0;
  };
  std::shared_ptr<State> state_;
  models::AcceleratorConfig accelerator_;
  std::size_t tiles_;
  std::uint64_t seed_;
};

}  // namespace tessera::tracing
