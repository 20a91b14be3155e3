#pragma once
// Recording what the optical array's digital periphery really consumes: for each selected optical
// layer, `tiles_per_layer` output tiles (tile rows of activations x tile cols of weights, over all
// of K) of the layer's first non-bypass optical GEMM, picked with pick_tiles / tile_draw_seed
// (approx_trace.h) from the tile grid (row tiles outer), written as one .ttrace per layer in the
// "periphery_elements" stream layout of traces/FORMAT.md ("optical"): the quantizer
// configurations, then per tile the elements each converter takes, in its order — input DAC
// elements, weight DAC (modulator) elements, the ADC inputs with their uniforms (golden adc_input
// and the Philox word the ADC's stochastic rounding uses) and the partial-sum pairs (codes and
// floor signs).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "sim/tracing/approx_trace.h"
#include "sim/units/emulated_op.h"
#include "traces/format/header.h"

namespace tessera::tracing {

inline constexpr std::string_view kOpticalPeripheryElements = "periphery_elements";
inline constexpr std::string_view kOpticalQuantizers = "quantizers";
inline constexpr std::string_view kOpticalTiles = "tiles";
inline constexpr std::string_view kOpticalInputDac = "input_dac_x";
inline constexpr std::string_view kOpticalWeightDac = "weight_dac_x";
inline constexpr std::string_view kOpticalAdcInput = "adc_y";
inline constexpr std::string_view kOpticalAdcRand24 = "adc_rand24";
inline constexpr std::string_view kOpticalPsumQa = "psum_qa";
inline constexpr std::string_view kOpticalPsumQw = "psum_qw";
inline constexpr std::string_view kOpticalPsumFloorSign = "psum_floor_sign";
// Records of `quantizers`, in this order (the last only with split sign handling).
inline constexpr std::size_t kOpticalInputQuantizer = 0, kOpticalWeightQuantizer = 1, kOpticalAdcQuantizer = 2,
                             kOpticalNegativeAdcQuantizer = 3;
std::vector<traces::ArraySpec> optical_periphery_arrays();
traces::DataflowSpec optical_periphery_dataflow();

struct OpticalTileShape {
  std::size_t rows = 8;  // activation rows (outputs m) per tile: the array's H
  std::size_t cols = 8;  // weight rows (outputs n) per tile: the array's W
};

class OpticalTraceRecorder {
 public:
  // ConfigError for an invalid regex, tiles_per_layer == 0 or an empty tile shape; InputError when
  // the directory cannot be created.
  OpticalTraceRecorder(TraceOptions options, std::string network, OpticalTileShape shape = {});

  bool selects(const std::string& layer) const;

  // The tap to install on an optical op (EmulatedOp::add_optical_operand_tap): records the op's
  // first tapped GEMM and ignores later ones. `layer_index` orders the file names.
  units::OpticalOperandTap optical_tap(const units::EmulatedOp& op, std::size_t layer_index);

  const std::vector<WrittenTrace>& written() const { return state_->written; }

 private:
  struct State {
    std::vector<WrittenTrace> written;
  };
  TraceOptions options_;
  std::string network_;
  OpticalTileShape shape_;
  std::regex layer_regex_;
  std::shared_ptr<State> state_;
};

}  // namespace tessera::tracing
