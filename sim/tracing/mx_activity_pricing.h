#pragma once
// Pricing an mx layer's dot unit from the activity of the operands it really processes: on the
// layer's first MX GEMM, a seeded sample of its output tiles (the same draw as MxTraceRecorder)
// gives the block pairs the unit consumes, and the fitted model of tessera_mx_dot
// (traces/activity/mx_energy_model.h) turns their activity into energy per MAC. The same model on
// uniform random operands quantized to the layer's formats is what the energy table stands for, so
// the ratio of the two scales the table (models/mx/mx_unit.h, dot_activity_factor).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "golden/mx/element_format.h"
#include "golden/mx/policy.h"
#include "golden/mx/tensor.h"
#include "sim/tracing/mx_trace.h"
#include "sim/units/emulated_op.h"
#include "traces/activity/mx_energy_model.h"
#include "traces/activity/mx_features.h"

namespace tessera::tracing {

// data_path("traces/activity/models/mx_<format_a>_<format_b>_b<block>.<library>.json"); format_a
// is the activations' (port A), format_b the weights' (port B).
std::string shipped_mx_model_path(mx::ElementFormat format_a, mx::ElementFormat format_b, std::size_t block,
                                  const std::string& library);

// The shipped model for these formats, block size and cell library; nullopt when none is shipped.
// A shipped file that does not read as a model is an InputError naming it.
std::optional<traces::activity::MxEnergyModel> mx_energy_model_for(mx::ElementFormat format_a,
                                                                   mx::ElementFormat format_b, std::size_t block,
                                                                   const std::string& library);

struct MxSampledPairs {
  traces::activity::MxBlockPairs pairs;  // in the dot unit's order, tile after tile
  std::uint64_t macs = 0;                // element products of the sampled tiles (m * n * k each)
};

// The block pairs of `tiles` output tiles of C = A . B^T drawn as MxTraceRecorder draws them
// (mx_output_tiles, pick_tiles with `seed`), ordered as trace_block_pairs orders a trace's.
// StateError when the operands disagree on K or the block size.
MxSampledPairs sample_mx_block_pairs(const mx::QuantizedRows& activations, const mx::QuantizedRows& weights,
                                     const MxTileShape& shape, std::size_t tiles, std::uint64_t seed);

// Uniform random operands of the reference: kMxUniformRows activation rows and kMxUniformRows
// weight rows of `k` values uniform in [-1, 1) from `seed`, quantized with `policy`.
inline constexpr std::size_t kMxUniformRows = 16;
struct MxUniformOperands {
  mx::QuantizedRows activations, weights;
};
MxUniformOperands mx_uniform_operands(mx::ElementFormat format_a, mx::ElementFormat format_b, std::size_t block,
                                      std::size_t k, const mx::QuantizePolicy& policy, std::uint64_t seed);

// The model's energy per MAC of a set of pairs (their features taken as one stream).
double mx_model_pj_per_mac(const traces::activity::MxEnergyModel& model, const MxSampledPairs& sampled);

class MxActivitySampler {
 public:
  // ConfigError for tiles == 0 or an empty tile shape.
  MxActivitySampler(traces::activity::MxEnergyModel model, std::size_t tiles, std::uint64_t seed,
                    MxTileShape shape = {});
  // The tap to add to an mx op (EmulatedOp::add_mx_operand_tap); it samples the op's first MX GEMM
  // only. The uniform reference uses the op's quantization policy.
  units::MxOperandTap tap(const units::EmulatedOp& op);
  // The same for a layer named `layer` whose operands are quantized with `policy`.
  units::MxOperandTap tap(const std::string& layer, const mx::QuantizePolicy& policy);

  // Once sampled: the model's energy per MAC of the sampled pairs, and of the same number of tiles
  // of uniform random operands with the layer's formats, block size and K.
  std::optional<double> pj_per_mac() const { return state_->pj_per_mac; }
  std::optional<double> uniform_pj_per_mac() const { return state_->uniform_pj_per_mac; }
  // pj_per_mac / uniform_pj_per_mac; nullopt before sampling or when either is not positive.
  std::optional<double> activity_factor() const;
  std::uint64_t sampled_macs() const { return state_->sampled_macs; }
  const traces::activity::MxEnergyModel& model() const { return state_->model; }

 private:
  struct State {
    traces::activity::MxEnergyModel model;
    std::optional<double> pj_per_mac, uniform_pj_per_mac;
    std::uint64_t sampled_macs = 0;
  };
  std::shared_ptr<State> state_;
  std::size_t tiles_;
  std::uint64_t seed_;
  MxTileShape shape_;
};

}  // namespace tessera::tracing
