#include "sim/tracing/approx_trace_reader.h"

#include "golden/approx/catalog.h"
#include "golden/common/error.h"
#include "traces/format/list_traces.h"
#include "traces/format/reader.h"
#include "traces/format/unit_streams.h"

namespace tessera::tracing {

traces::activity::WeightStationaryTile ApproxTraceTile::view() const {
  return {activations.data(), weights.data(), static_cast<std::size_t>(m), static_cast<std::size_t>(k),
          static_cast<std::size_t>(n)};
}

std::uint64_t ApproxLayerTrace::macs() const {
  std::uint64_t total = 0;
  for (const ApproxTraceTile& tile : tiles) total += tile.m * tile.k * tile.n;
  return total;
}

ApproxLayerTrace read_approx_trace(const std::filesystem::path& path) {
  traces::TraceReader reader(path.string());
  const std::string where = path.string();
  ApproxLayerTrace trace;
  trace.path = where;
  trace.header = reader.header();
  if (trace.header.unit.family != "approx") {
    throw InputError(where + ": unit.family: expected \"approx\", got \"" + trace.header.unit.family + "\"");
  }
  if (trace.header.dataflow.name != traces::kWeightStationary) {
    throw InputError(where + ": dataflow.name: expected \"weight_stationary\", got \"" +
                     trace.header.dataflow.name + "\"");
  }
  const nlohmann::json& config = trace.header.unit.config;
  if (!config.is_object() || !config.contains("multiplier") || !config["multiplier"].is_string()) {
    throw InputError(where + ": unit.config.multiplier: expected the multiplier's name (a string)");
  }
  trace.multiplier = config["multiplier"].get<std::string>();
  const std::vector<std::int32_t> dims = reader.read_all<std::int32_t>(traces::kApproxTiles);
  const std::vector<std::int64_t> origins = reader.read_all<std::int64_t>(traces::kApproxTileOrigin);
  const std::vector<std::int8_t> weights = reader.read_all<std::int8_t>(traces::kApproxWeights);
  const std::vector<std::int8_t> activations = reader.read_all<std::int8_t>(traces::kApproxActivations);
  if (origins.size() != dims.size()) {
    throw InputError(where + ": tile_origin: expected one record per tile (" + std::to_string(dims.size() / 3) +
                     "), got " + std::to_string(origins.size() / 3));
  }
  std::size_t w_at = 0, x_at = 0;
  for (std::size_t i = 0; i + 2 < dims.size(); i += 3) {
    if (dims[i] <= 0 || dims[i + 1] <= 0 || dims[i + 2] <= 0) {
      throw InputError(where + ": tiles[" + std::to_string(i / 3) + "]: expected positive m, k, n");
    }
    ApproxTraceTile tile;
    tile.m = static_cast<std::uint64_t>(dims[i]);
    tile.k = static_cast<std::uint64_t>(dims[i + 1]);
    tile.n = static_cast<std::uint64_t>(dims[i + 2]);
    tile.m0 = static_cast<std::uint64_t>(origins[i]);
    tile.k0 = static_cast<std::uint64_t>(origins[i + 1]);
    tile.n0 = static_cast<std::uint64_t>(origins[i + 2]);
    const std::size_t w_count = tile.k * tile.n, x_count = tile.m * tile.k;
    if (weights.size() - w_at < w_count || activations.size() - x_at < x_count) {
      throw InputError(where + ": tiles[" + std::to_string(i / 3) +
                       "]: the weights/activations arrays end before this tile's k*n / m*k codes");
    }
    tile.weights.assign(weights.begin() + static_cast<std::ptrdiff_t>(w_at),
                        weights.begin() + static_cast<std::ptrdiff_t>(w_at + w_count));
    tile.activations.assign(activations.begin() + static_cast<std::ptrdiff_t>(x_at),
                            activations.begin() + static_cast<std::ptrdiff_t>(x_at + x_count));
    w_at += w_count;
    x_at += x_count;
    trace.tiles.push_back(std::move(tile));
  }
  if (w_at != weights.size() || x_at != activations.size()) {
    throw InputError(where + ": weights/activations: " + std::to_string(weights.size() - w_at) + " / " +
                     std::to_string(activations.size() - x_at) + " codes beyond the last tile");
  }
  return trace;
}

bool is_approx_trace(const std::filesystem::path& path) {
  return traces::TraceReader(path.string()).header().unit.family == "approx";
}

std::vector<ApproxLayerTrace> read_approx_traces(const std::filesystem::path& directory) {
  std::vector<ApproxLayerTrace> layers;
  for (const std::filesystem::path& path : traces::list_traces(directory)) {
    if (is_approx_trace(path)) layers.push_back(read_approx_trace(path));
  }
  if (layers.empty()) {
    throw InputError(directory.string() +
                     ": no approx .ttrace files (record some with tessera run --trace DIR; mx traces are priced by "
                     "tessera power mx)");
  }
  return layers;
}

approx::MultiplierTable trace_multiplier(const ApproxLayerTrace& trace) {
  try {
    return approx::load_multiplier(trace.multiplier);
  } catch (const Error& e) {
    throw InputError(trace.path + ": unit.config.multiplier: " + e.what());
  }
}

std::vector<traces::activity::PeStream> trace_pe_streams(const ApproxLayerTrace& trace,
                                                         const approx::MultiplierTable& table) {
  std::vector<traces::activity::PeStream> streams;
  for (const ApproxTraceTile& tile : trace.tiles) {
    std::vector<traces::activity::PeStream> tile_streams =
        traces::activity::weight_stationary_pe_streams(tile.view(), table);
    for (auto& stream : tile_streams) streams.push_back(std::move(stream));
  }
  return streams;
}

traces::activity::ActivityCounts trace_activity(const ApproxLayerTrace& trace, const approx::MultiplierTable& table) {
  traces::activity::ActivityCounts counts;
  for (const ApproxTraceTile& tile : trace.tiles) counts += traces::activity::weight_stationary_activity(tile.view(), table);
  return counts;
}

}  // namespace tessera::tracing
