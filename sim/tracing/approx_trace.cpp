#include "sim/tracing/approx_trace.h"

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <numeric>
#include <random>
#include <sstream>
#include <system_error>

#include "golden/common/error.h"
#include "models/approx/approx_array.h"
#include "sim/units/unit_config.h"
#include "traces/format/unit_streams.h"
#include "traces/format/writer.h"

namespace tessera::tracing {
namespace fs = std::filesystem;

std::vector<std::size_t> pick_tiles(std::size_t tile_count, std::size_t wanted, std::uint64_t seed) {
  std::vector<std::size_t> order(tile_count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  const std::size_t picked = std::min(wanted, tile_count);
  std::mt19937_64 engine(seed);
  for (std::size_t i = 0; i < picked; ++i) {
    // Modulo bias is below 2^-40 for any realistic tile count; the draw stays portable.
    const std::size_t j = i + static_cast<std::size_t>(engine() % (tile_count - i));
    std::swap(order[i], order[j]);
  }
  order.resize(picked);
  std::sort(order.begin(), order.end());
  return order;
}

std::string trace_file_name(std::size_t layer_index, const std::string& layer) {
  std::ostringstream name;
  name << std::setw(2) << std::setfill('0') << layer_index << '_';
  for (const char c : layer) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    name << (keep ? c : '_');
  }
  name << ".ttrace";
  return name.str();
}

std::regex prepare_trace_options(const TraceOptions& options) {
  if (options.tiles_per_layer == 0) throw ConfigError("--trace-tiles: expected at least 1 tile per layer, got 0");
  std::regex layer_regex;
  try {
    layer_regex = std::regex(options.layer_regex, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw ConfigError("--trace-layers '" + options.layer_regex + "': not a valid regular expression (" + e.what() +
                      ")");
  }
  std::error_code ec;
  fs::create_directories(options.directory, ec);
  if (ec || !fs::is_directory(options.directory)) {
    throw InputError(options.directory + ": cannot create the trace directory (" + ec.message() + ")");
  }
  return layer_regex;
}

TraceRecorder::TraceRecorder(TraceOptions options, std::string network)
    : options_(std::move(options)),
      network_(std::move(network)),
      layer_regex_(prepare_trace_options(options_)),
      state_(std::make_shared<State>()) {}

bool TraceRecorder::selects(const std::string& layer) const { return std::regex_search(layer, layer_regex_); }

std::uint64_t tile_draw_seed(std::uint64_t seed, const std::string& layer) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a
  for (const char c : layer) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return seed ^ h;
}

traces::TraceHeader layer_trace_header(const std::string& family, const units::EmulatedOp& op,
                                       const std::string& network, std::uint64_t seed, traces::DataflowSpec dataflow,
                                       std::vector<traces::ArraySpec> arrays) {
  traces::TraceHeader header;
  header.producer = "tessera run --trace (sim/tracing, " + family + ")";
  header.network = network;
  header.layer = op.node().name;
  header.unit.family = family;
  header.unit.config = units::unit_config_to_json(op.config());
  header.dataflow = std::move(dataflow);
  header.seed = seed;
  header.arrays = std::move(arrays);
  return header;
}

std::vector<models::ApproxTile> controller_tiles(const models::AcceleratorConfig& accelerator,
                                                 const units::ApproxGemmOperands& gemm) {
  const models::GemmShape shape{gemm.m, gemm.k, gemm.n};
  return models::approx_tiles(accelerator.approx, shape, models::controller_m_tile(accelerator, shape));
}

void copy_tile(const units::ApproxGemmOperands& gemm, const models::ApproxTile& tile,
               std::vector<std::int8_t>& weights, std::vector<std::int8_t>& activations) {
  weights.assign(tile.k * tile.n, 0);
  for (std::uint64_t r = 0; r < tile.k; ++r) {
    for (std::uint64_t c = 0; c < tile.n; ++c) weights[r * tile.n + c] = gemm.weights[(tile.n0 + c) * gemm.k + tile.k0 + r];
  }
  activations.assign(tile.m * tile.k, 0);
  for (std::uint64_t t = 0; t < tile.m; ++t) {
    std::copy_n(gemm.activations + (tile.m0 + t) * gemm.k + tile.k0, tile.k, activations.data() + t * tile.k);
  }
}

namespace {

traces::TraceHeader approx_header(const units::EmulatedOp& op, const models::AcceleratorConfig& accelerator,
                                  const std::string& network, std::uint64_t seed) {
  traces::TraceHeader header = layer_trace_header("approx", op, network, seed, traces::approx_weight_stationary_dataflow(),
                                                  traces::approx_weight_stationary_arrays());
  header.meta = {{"array_rows", accelerator.approx.rows},
                 {"array_cols", accelerator.approx.cols},
                 {"multiplier", op.config().approx.multiplier},
                 {"clock_ghz", accelerator.approx.clock_ghz}};
  return header;
}

}  // namespace

units::ApproxOperandTap TraceRecorder::approx_tap(const units::EmulatedOp& op,
                                                  const models::AcceleratorConfig& accelerator,
                                                  std::size_t layer_index) {
  const std::string path = (fs::path(options_.directory) / trace_file_name(layer_index, op.node().name)).string();
  auto done = std::make_shared<bool>(false);
  return [this, &op, accelerator, path, done, state = state_](const units::ApproxGemmOperands& gemm) {
    if (*done) return;
    *done = true;
    const std::vector<models::ApproxTile> tiles = controller_tiles(accelerator, gemm);
    const std::uint64_t layer_seed = tile_draw_seed(options_.seed, op.node().name);
    traces::TraceHeader header = approx_header(op, accelerator, network_, options_.seed);
    header.meta["tile_draw_seed"] = layer_seed;
    header.meta["gemm"] = {{"m", gemm.m}, {"k", gemm.k}, {"n", gemm.n}, {"tiles", tiles.size()}};
    traces::TraceWriter writer(path, std::move(header));
    WrittenTrace written;
    written.layer = op.node().name;
    written.path = path;
    written.tiles_in_gemm = tiles.size();
    std::vector<std::int8_t> weights, activations;
    for (const std::size_t index : pick_tiles(tiles.size(), options_.tiles_per_layer, layer_seed)) {
      const models::ApproxTile& tile = tiles[index];
      const std::int32_t dims[3] = {static_cast<std::int32_t>(tile.m), static_cast<std::int32_t>(tile.k),
                                    static_cast<std::int32_t>(tile.n)};
      const std::int64_t origin[3] = {static_cast<std::int64_t>(tile.m0), static_cast<std::int64_t>(tile.k0),
                                      static_cast<std::int64_t>(tile.n0)};
      writer.append(traces::kApproxTiles, dims, 1);
      writer.append(traces::kApproxTileOrigin, origin, 1);
      copy_tile(gemm, tile, weights, activations);
      writer.append(traces::kApproxWeights, weights.data(), weights.size());
      writer.append(traces::kApproxActivations, activations.data(), activations.size());
      ++written.tiles_recorded;
      written.macs_recorded += tile.m * tile.k * tile.n;
    }
    writer.finish();
    state->written.push_back(written);
  };
}

}  // namespace tessera::tracing
