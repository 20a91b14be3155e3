#include "sim/tracing/optical_trace.h"

#include <filesystem>

#include "golden/common/error.h"
#include "sim/tracing/optical_elements.h"
#include "sim/units/unit_config.h"
#include "traces/format/writer.h"

namespace tessera::tracing {
namespace fs = std::filesystem;

std::vector<traces::ArraySpec> optical_periphery_arrays() {
  using traces::DType;
  return {
      {std::string(kOpticalQuantizers), DType::kFloat32, {4},
       "min, max, levels, lut_min of: 0 the input DAC, 1 the weight DAC (modulator), 2 the ADC (split: of the "
       "positive pass), 3 split only: the negative pass's ADC"},
      {std::string(kOpticalTiles), DType::kInt64, {5}, "per tile: m0, m, n0, n, k (rows of x, rows of w, depth)"},
      {std::string(kOpticalInputDac), DType::kFloat32, {}, "per tile: m*k input DAC elements x[m0+i][k], row-major"},
      {std::string(kOpticalWeightDac), DType::kFloat32, {}, "per tile: n*k weight DAC elements w[n0+j][k], row-major"},
      {std::string(kOpticalAdcInput), DType::kFloat32, {},
       "per tile, per pass (split: 0 then 1): m*n ADC inputs (golden adc_input), outputs row-major"},
      {std::string(kOpticalAdcRand24), DType::kUInt32, {}, "the uniform of each ADC input: u = rand24 / 2^24"},
      {std::string(kOpticalPsumQa), DType::kUInt32, {}, "per tile, per output (i, j) row-major, its k activation codes"},
      {std::string(kOpticalPsumQw), DType::kUInt32, {}, "the k weight codes of each output, same order"},
      {std::string(kOpticalPsumFloorSign), DType::kInt8, {}, "the weight codes' floor signs (+1, -1, 0), same order"},
  };
}

traces::DataflowSpec optical_periphery_dataflow() {
  return {std::string(kOpticalPeripheryElements),
          "each converter takes one element per cycle with its configuration held: the input DAC the tile's x rows, "
          "the weight DAC its w rows, the ADC the tile's outputs per pass with their uniforms, the partial-sum unit "
          "each output's k code pairs (first_i on the first)"};
}

OpticalTraceRecorder::OpticalTraceRecorder(TraceOptions options, std::string network, OpticalTileShape shape)
    : options_(std::move(options)), network_(std::move(network)), shape_(shape), state_(std::make_shared<State>()) {
  if (shape_.rows == 0 || shape_.cols == 0) {
    throw ConfigError("optical trace tile shape: expected at least 1 row and 1 column, got " +
                      std::to_string(shape_.rows) + " x " + std::to_string(shape_.cols));
  }
  layer_regex_ = prepare_trace_options(options_);
}

bool OpticalTraceRecorder::selects(const std::string& layer) const { return std::regex_search(layer, layer_regex_); }

namespace {

void append_quantizer(traces::TraceWriter& writer, const optical::QuantizerParams& p) {
  const float record[4] = {p.min, p.max, static_cast<float>(p.levels), p.lut_min};
  writer.append(kOpticalQuantizers, record, 1);
}

}  // namespace

units::OpticalOperandTap OpticalTraceRecorder::optical_tap(const units::EmulatedOp& op, std::size_t layer_index) {
  const std::string path = (fs::path(options_.directory) / trace_file_name(layer_index, op.node().name)).string();
  auto done = std::make_shared<bool>(false);
  return [this, &op, path, done, state = state_](const units::OpticalGemmOperands& gemm) {
    if (*done) return;
    *done = true;
    const optical::OpticalGemmSpec& spec = *gemm.spec;
    const std::vector<OpticalTile> tiles = optical_output_tiles(gemm.m, gemm.n, shape_.rows, shape_.cols);
    const std::uint64_t layer_seed = tile_draw_seed(options_.seed, op.node().name);
    traces::TraceHeader header =
        layer_trace_header("optical", op, network_, options_.seed, optical_periphery_dataflow(), optical_periphery_arrays());
    header.meta = {{"tile_draw_seed", layer_seed},
                   {"tile_rows", shape_.rows},
                   {"tile_cols", shape_.cols},
                   {"split_signs", spec.split_signs},
                   {"call", {{"seed", gemm.key.seed}, {"unit", gemm.key.unit}, {"call", gemm.key.call}}},
                   {"gemm", {{"m", gemm.m}, {"k", gemm.k}, {"n", gemm.n}, {"tiles", tiles.size()}}}};
    traces::TraceWriter writer(path, std::move(header));
    append_quantizer(writer, spec.input);
    append_quantizer(writer, spec.weight);
    append_quantizer(writer, spec.output.adc);
    if (spec.split_signs) append_quantizer(writer, spec.negative_output.adc);
    WrittenTrace written;
    written.layer = op.node().name;
    written.path = path;
    written.tiles_in_gemm = tiles.size();
    for (const std::size_t index : pick_tiles(tiles.size(), options_.tiles_per_layer, layer_seed)) {
      const OpticalTile& tile = tiles[index];
      const OpticalTileElements e = optical_tile_elements(gemm, tile);
      const std::int64_t record[5] = {static_cast<std::int64_t>(tile.m0), static_cast<std::int64_t>(tile.m),
                                      static_cast<std::int64_t>(tile.n0), static_cast<std::int64_t>(tile.n),
                                      static_cast<std::int64_t>(gemm.k)};
      writer.append(kOpticalTiles, record, 1);
      writer.append(kOpticalInputDac, e.input_x.data(), e.input_x.size());
      writer.append(kOpticalWeightDac, e.weight_x.data(), e.weight_x.size());
      writer.append(kOpticalAdcInput, e.adc_y.data(), e.adc_y.size());
      writer.append(kOpticalAdcRand24, e.adc_rand24.data(), e.adc_rand24.size());
      writer.append(kOpticalPsumQa, e.psum_qa.data(), e.psum_qa.size());
      writer.append(kOpticalPsumQw, e.psum_qw.data(), e.psum_qw.size());
      writer.append(kOpticalPsumFloorSign, e.psum_floor_sign.data(), e.psum_floor_sign.size());
      ++written.tiles_recorded;
      written.macs_recorded += tile.m * tile.n * gemm.k;
    }
    writer.finish();
    state->written.push_back(written);
  };
}

}  // namespace tessera::tracing
