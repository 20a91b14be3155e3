#pragma once
// Pricing an optical layer's digital periphery from the activity of the elements it really
// converts: on the layer's first optical GEMM, a seeded sample of its output tiles (the same draw
// as OpticalTraceRecorder) gives the elements each converter consumes (optical_elements.h), and the
// converters' fitted models (traces/activity/optical_energy_model.h) turn their activity into
// energy per conversion, per component: dac_quantizer_input, dac_quantizer_weight, adc_quantizer,
// psum (the names of sim/power/optical_trace_power.h).
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "sim/tracing/optical_trace.h"
#include "sim/units/emulated_op.h"
#include "traces/activity/optical_energy_model.h"

namespace tessera::tracing {

// data_path("traces/activity/models/optical_<dac|adc|psum>.<library>.json").
std::string shipped_optical_model_path(traces::activity::OpticalUnit unit, const std::string& library);
// The shipped model of a converter for a library; nullopt when none is shipped. A shipped file
// that does not read is an InputError naming it.
std::optional<traces::activity::OpticalEnergyModel> optical_energy_model_for(traces::activity::OpticalUnit unit,
                                                                             const std::string& library);

struct OpticalPeripheryModels {
  traces::activity::OpticalEnergyModel dac, adc, psum;
};
// All three shipped models for a library, or nullopt when any is missing.
std::optional<OpticalPeripheryModels> optical_periphery_models_for(const std::string& library);

class OpticalPeripherySampler {
 public:
  // ConfigError for tiles == 0 or an empty tile shape.
  OpticalPeripherySampler(OpticalPeripheryModels models, std::size_t tiles, std::uint64_t seed,
                          OpticalTileShape shape = {});
  // The tap to add to an optical op (EmulatedOp::add_optical_operand_tap); samples its first GEMM.
  units::OpticalOperandTap tap(const units::EmulatedOp& op);
  // Once sampled: the models' mean energy per conversion of each component on the sampled elements.
  const std::map<std::string, double>& pj_per_conversion() const { return state_->pj_per_conversion; }
  std::uint64_t sampled_elements() const { return state_->sampled_elements; }
  const OpticalPeripheryModels& models() const { return state_->models; }

 private:
  struct State {
    OpticalPeripheryModels models;
    std::map<std::string, double> pj_per_conversion;
    std::uint64_t sampled_elements = 0;
    bool done = false;
  };
  std::size_t tiles_;
  std::uint64_t seed_;
  OpticalTileShape shape_;
  std::shared_ptr<State> state_;
};

}  // namespace tessera::tracing
