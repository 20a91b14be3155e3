#pragma once
// Recording what an MX unit's dot engine really consumes: for each selected mx layer,
// `tiles_per_layer` output tiles (tile_rows rows of A x tile_cols rows of B, every K block) of the
// layer's first MX GEMM, picked with a fixed seed (pick_tiles / tile_draw_seed, approx_trace.h)
// from the tile grid in the controller's order (row tiles outer), written as one .ttrace file per
// layer in the "block_pairs" stream layout of traces/FORMAT.md ("mx").
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

// The mx "block_pairs" arrays (traces/FORMAT.md, Unit streams): per tile one `tiles` record
// (m, n, k), one `tile_origin` record (m0, n0), then the tile's activation rows (m x k codes,
// m x ceil(k / block) scales) and weight rows (n x k codes, n x ceil(k / block) scales).
inline constexpr std::string_view kMxBlockPairs = "block_pairs";
inline constexpr std::string_view kMxTiles = "tiles";
inline constexpr std::string_view kMxTileOrigin = "tile_origin";
inline constexpr std::string_view kMxActivationCodes = "a_codes";
inline constexpr std::string_view kMxActivationScales = "a_scales";
inline constexpr std::string_view kMxWeightCodes = "b_codes";
inline constexpr std::string_view kMxWeightScales = "b_scales";
std::vector<traces::ArraySpec> mx_block_pair_arrays();
traces::DataflowSpec mx_block_pair_dataflow();

struct MxTileShape {
  std::size_t rows = 4;  // rows of A (outputs m) per tile
  std::size_t cols = 4;  // rows of B (outputs n) per tile
};

// One output tile of an MX GEMM.
struct MxTile {
  std::size_t m0 = 0, m = 0, n0 = 0, n = 0;
};
// The tiles of an M x N output, row tiles outer (the controller's m-tiles, each against all of N).
std::vector<MxTile> mx_output_tiles(std::size_t m, std::size_t n, const MxTileShape& shape);

class MxTraceRecorder {
 public:
  // ConfigError for an invalid regex, tiles_per_layer == 0 or an empty tile shape; InputError when
  // the directory cannot be created.
  MxTraceRecorder(TraceOptions options, std::string network, MxTileShape shape = {});

  bool selects(const std::string& layer) const;

  // The tap to install on an mx op (EmulatedOp::add_mx_operand_tap): records the op's first GEMM
  // and ignores later ones. `layer_index` orders the file names (trace_file_name).
  units::MxOperandTap mx_tap(const units::EmulatedOp& op, std::size_t layer_index);

  const std::vector<WrittenTrace>& written() const { return state_->written; }

 private:
  struct State {
    std::vector<WrittenTrace> written;
  };
  TraceOptions options_;
  std::string network_;
  MxTileShape shape_;
  std::regex layer_regex_;
  std::shared_ptr<State> state_;
};

}  // namespace tessera::tracing
