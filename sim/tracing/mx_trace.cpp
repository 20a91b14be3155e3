#include "sim/tracing/mx_trace.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "golden/common/error.h"
#include "golden/mx/element_format.h"
#include "sim/units/unit_config.h"
#include "traces/format/writer.h"

namespace tessera::tracing {
namespace fs = std::filesystem;

std::vector<traces::ArraySpec> mx_block_pair_arrays() {
  using traces::DType;
  return {
      {std::string(kMxTiles), DType::kInt32, {3}, "per tile: m (rows of A), n (rows of B), k (elements per row)"},
      {std::string(kMxTileOrigin), DType::kInt64, {2}, "per tile: m0, n0, the tile's offset in the layer's M x N output"},
      {std::string(kMxActivationCodes), DType::kUInt8, {}, "per tile: m*k activation element codes, row-major [m][k]"},
      {std::string(kMxActivationScales), DType::kUInt8, {},
       "per tile: m*ceil(k/block) activation E8M0 scales, row-major [m][block]"},
      {std::string(kMxWeightCodes), DType::kUInt8, {}, "per tile: n*k weight element codes, row-major [n][k]"},
      {std::string(kMxWeightScales), DType::kUInt8, {},
       "per tile: n*ceil(k/block) weight E8M0 scales, row-major [n][block]"},
  };
}

traces::DataflowSpec mx_block_pair_dataflow() {
  return {std::string(kMxBlockPairs),
          "the dot unit takes one block pair per cycle, for i = 0..m-1, c = 0..n-1, j = 0..kb-1: "
          "(scale_a[i][j], codes_a[i][j*block..], scale_b[c][j], codes_b[c][j*block..]); activations on "
          "port A, weights on port B; a short last block is padded with zero codes"};
}

std::vector<MxTile> mx_output_tiles(std::size_t m, std::size_t n, const MxTileShape& shape) {
  std::vector<MxTile> tiles;
  for (std::size_t m0 = 0; m0 < m; m0 += shape.rows) {
    for (std::size_t n0 = 0; n0 < n; n0 += shape.cols) {
      tiles.push_back({m0, std::min(shape.rows, m - m0), n0, std::min(shape.cols, n - n0)});
    }
  }
  return tiles;
}

MxTraceRecorder::MxTraceRecorder(TraceOptions options, std::string network, MxTileShape shape)
    : options_(std::move(options)), network_(std::move(network)), shape_(shape), state_(std::make_shared<State>()) {
  if (shape_.rows == 0 || shape_.cols == 0) {
    throw ConfigError("mx trace tile shape: expected at least 1 row and 1 column, got " + std::to_string(shape_.rows) +
                      " x " + std::to_string(shape_.cols));
  }
  layer_regex_ = prepare_trace_options(options_);
}

bool MxTraceRecorder::selects(const std::string& layer) const { return std::regex_search(layer, layer_regex_); }

namespace {

// Rows [first, first + count) of a quantized operand: their codes and their scales.
void append_rows(traces::TraceWriter& writer, const mx::QuantizedRows& q, std::size_t first, std::size_t count,
                 std::string_view codes_array, std::string_view scales_array) {
  writer.append(codes_array, q.codes.data() + first * q.columns, count * q.columns);
  writer.append(scales_array, q.scales.data() + first * q.blocks_per_row, count * q.blocks_per_row);
}

}  // namespace

units::MxOperandTap MxTraceRecorder::mx_tap(const units::EmulatedOp& op, std::size_t layer_index) {
  const std::string path = (fs::path(options_.directory) / trace_file_name(layer_index, op.node().name)).string();
  auto done = std::make_shared<bool>(false);
  return [this, &op, path, done, state = state_](const units::MxGemmOperands& gemm) {
    if (*done) return;
    *done = true;
    const mx::QuantizedRows& a = *gemm.activations;
    const mx::QuantizedRows& b = *gemm.weights;
    if (a.columns != b.columns || a.block_size != b.block_size) {
      throw StateError("node '" + op.node().name + "' (mx): operands disagree on K or the block size");
    }
    const std::vector<MxTile> tiles = mx_output_tiles(a.rows, b.rows, shape_);
    const std::uint64_t layer_seed = tile_draw_seed(options_.seed, op.node().name);
    traces::TraceHeader header =
        layer_trace_header("mx", op, network_, options_.seed, mx_block_pair_dataflow(), mx_block_pair_arrays());
    header.meta = {{"tile_draw_seed", layer_seed},
                   {"tile_rows", shape_.rows},
                   {"tile_cols", shape_.cols},
                   {"format_a", std::string(mx::element_format_name(a.format))},
                   {"format_b", std::string(mx::element_format_name(b.format))},
                   {"block_size", a.block_size},
                   {"gemm", {{"m", a.rows}, {"k", a.columns}, {"n", b.rows}, {"tiles", tiles.size()}}}};
    traces::TraceWriter writer(path, std::move(header));
    WrittenTrace written;
    written.layer = op.node().name;
    written.path = path;
    written.tiles_in_gemm = tiles.size();
    for (const std::size_t index : pick_tiles(tiles.size(), options_.tiles_per_layer, layer_seed)) {
      const MxTile& tile = tiles[index];
      const std::int32_t dims[3] = {static_cast<std::int32_t>(tile.m), static_cast<std::int32_t>(tile.n),
                                    static_cast<std::int32_t>(a.columns)};
      const std::int64_t origin[2] = {static_cast<std::int64_t>(tile.m0), static_cast<std::int64_t>(tile.n0)};
      writer.append(kMxTiles, dims, 1);
      writer.append(kMxTileOrigin, origin, 1);
      append_rows(writer, a, tile.m0, tile.m, kMxActivationCodes, kMxActivationScales);
      append_rows(writer, b, tile.n0, tile.n, kMxWeightCodes, kMxWeightScales);
      ++written.tiles_recorded;
      written.macs_recorded += tile.m * tile.n * a.columns;
    }
    writer.finish();
    state->written.push_back(written);
  };
}

}  // namespace tessera::tracing
