#include "sim/tracing/mx_trace_reader.h"

#include "golden/common/error.h"
#include "sim/tracing/mx_trace.h"
#include "traces/format/dtype.h"
#include "traces/format/list_traces.h"
#include "traces/format/reader.h"

namespace tessera::tracing {
namespace {

std::string config_string(const nlohmann::json& config, const std::string& key, const std::string& where) {
  if (!config.is_object() || !config.contains(key) || !config[key].is_string()) {
    throw InputError(where + ": unit.config." + key + ": expected an element format name (a string)");
  }
  return config[key].get<std::string>();
}

mx::ElementFormat config_format(const nlohmann::json& config, const std::string& key, const std::string& where) {
  const std::string name = config_string(config, key, where);
  try {
    return mx::parse_element_format(name, key);
  } catch (const Error& e) {
    throw InputError(where + ": unit.config." + key + ": " + e.what());
  }
}

// The header's arrays must be exactly the block_pairs layout: a trace written by another layout
// would be misread silently otherwise.
void check_arrays(const traces::TraceHeader& header, const std::string& where) {
  const std::vector<traces::ArraySpec> expected = mx_block_pair_arrays();
  if (header.arrays.size() != expected.size()) {
    throw InputError(where + ": arrays: expected the " + std::to_string(expected.size()) +
                     " block_pairs arrays (tiles, tile_origin, a_codes, a_scales, b_codes, b_scales), got " +
                     std::to_string(header.arrays.size()));
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const traces::ArraySpec& got = header.arrays[i];
    if (got.name != expected[i].name || got.dtype != expected[i].dtype || got.record_shape != expected[i].record_shape) {
      throw InputError(where + ": arrays[" + std::to_string(i) + "]: expected '" + expected[i].name + "' (" +
                       std::string(traces::dtype_name(expected[i].dtype)) + ", as in traces/FORMAT.md mx block_pairs), got '" +
                       got.name + "' (" + std::string(traces::dtype_name(got.dtype)) + ")");
    }
  }
}

// Takes the next `count` elements of an array, or says which tile ran out.
std::vector<std::uint8_t> take(const std::vector<std::uint8_t>& all, std::size_t& at, std::size_t count,
                               const std::string& where, const char* array, std::size_t tile) {
  if (all.size() - at < count) {
    throw InputError(where + ": tiles[" + std::to_string(tile) + "]: the " + array + " array ends before this tile's " +
                     std::to_string(count) + " bytes");
  }
  std::vector<std::uint8_t> out(all.begin() + static_cast<std::ptrdiff_t>(at),
                                all.begin() + static_cast<std::ptrdiff_t>(at + count));
  at += count;
  return out;
}

void check_codes(const std::vector<std::uint8_t>& codes, mx::ElementFormat format, const std::string& where,
                 const char* array, std::size_t tile) {
  const int bits = mx::element_spec(format).bits;
  if (bits >= 8) return;
  for (const std::uint8_t code : codes) {
    if (code >> bits) {
      throw InputError(where + ": tiles[" + std::to_string(tile) + "]: " + array + " holds code " +
                       std::to_string(code) + ", wider than " + std::string(mx::element_format_name(format)) + "'s " +
                       std::to_string(bits) + " bits");
    }
  }
}

}  // namespace

std::uint64_t MxLayerTrace::macs() const {
  std::uint64_t total = 0;
  for (const MxTraceTile& tile : tiles) total += tile.m * tile.n * tile.k;
  return total;
}

std::uint64_t MxLayerTrace::block_pairs() const {
  std::uint64_t total = 0;
  for (const MxTraceTile& tile : tiles) total += tile.m * tile.n * ((tile.k + block_size - 1) / block_size);
  return total;
}

bool is_mx_trace(const std::filesystem::path& path) {
  return traces::TraceReader(path.string()).header().unit.family == "mx";
}

MxLayerTrace read_mx_trace(const std::filesystem::path& path) {
  traces::TraceReader reader(path.string());
  const std::string where = path.string();
  MxLayerTrace trace;
  trace.path = where;
  trace.header = reader.header();
  if (trace.header.unit.family != "mx") {
    throw InputError(where + ": unit.family: expected \"mx\", got \"" + trace.header.unit.family + "\"");
  }
  if (trace.header.dataflow.name != kMxBlockPairs) {
    throw InputError(where + ": dataflow.name: expected \"block_pairs\", got \"" + trace.header.dataflow.name + "\"");
  }
  const nlohmann::json& config = trace.header.unit.config;
  trace.format_a = config_format(config, "activation_format", where);
  trace.format_b = config_format(config, "weight_format", where);
  if (!config.contains("block") || !config["block"].is_number_unsigned() || config["block"].get<std::uint64_t>() == 0) {
    throw InputError(where + ": unit.config.block: expected the block size (a positive integer)");
  }
  trace.block_size = config["block"].get<std::size_t>();
  check_arrays(trace.header, where);

  const std::vector<std::int32_t> dims = reader.read_all<std::int32_t>(kMxTiles);
  const std::vector<std::int64_t> origins = reader.read_all<std::int64_t>(kMxTileOrigin);
  const std::vector<std::uint8_t> a_codes = reader.read_all<std::uint8_t>(kMxActivationCodes);
  const std::vector<std::uint8_t> a_scales = reader.read_all<std::uint8_t>(kMxActivationScales);
  const std::vector<std::uint8_t> b_codes = reader.read_all<std::uint8_t>(kMxWeightCodes);
  const std::vector<std::uint8_t> b_scales = reader.read_all<std::uint8_t>(kMxWeightScales);
  if (origins.size() / 2 != dims.size() / 3) {
    throw InputError(where + ": tile_origin: expected one record per tile (" + std::to_string(dims.size() / 3) +
                     "), got " + std::to_string(origins.size() / 2));
  }
  std::size_t at[4] = {0, 0, 0, 0};
  for (std::size_t t = 0; t < dims.size() / 3; ++t) {
    const std::int32_t* d = dims.data() + 3 * t;
    if (d[0] <= 0 || d[1] <= 0 || d[2] <= 0) {
      throw InputError(where + ": tiles[" + std::to_string(t) + "]: expected positive m, n, k, got " +
                       std::to_string(d[0]) + ", " + std::to_string(d[1]) + ", " + std::to_string(d[2]));
    }
    if (origins[2 * t] < 0 || origins[2 * t + 1] < 0) {
      throw InputError(where + ": tile_origin[" + std::to_string(t) + "]: expected non-negative m0, n0");
    }
    MxTraceTile tile;
    tile.m = static_cast<std::uint64_t>(d[0]);
    tile.n = static_cast<std::uint64_t>(d[1]);
    tile.k = static_cast<std::uint64_t>(d[2]);
    tile.m0 = static_cast<std::uint64_t>(origins[2 * t]);
    tile.n0 = static_cast<std::uint64_t>(origins[2 * t + 1]);
    const std::size_t kb = (tile.k + trace.block_size - 1) / trace.block_size;
    tile.a_codes = take(a_codes, at[0], tile.m * tile.k, where, "a_codes", t);
    tile.a_scales = take(a_scales, at[1], tile.m * kb, where, "a_scales", t);
    tile.b_codes = take(b_codes, at[2], tile.n * tile.k, where, "b_codes", t);
    tile.b_scales = take(b_scales, at[3], tile.n * kb, where, "b_scales", t);
    check_codes(tile.a_codes, trace.format_a, where, "a_codes", t);
    check_codes(tile.b_codes, trace.format_b, where, "b_codes", t);
    trace.tiles.push_back(std::move(tile));
  }
  if (at[0] != a_codes.size() || at[1] != a_scales.size() || at[2] != b_codes.size() || at[3] != b_scales.size()) {
    throw InputError(where + ": a_codes/a_scales/b_codes/b_scales: bytes beyond the last tile (" +
                     std::to_string(a_codes.size() - at[0]) + "/" + std::to_string(a_scales.size() - at[1]) + "/" +
                     std::to_string(b_codes.size() - at[2]) + "/" + std::to_string(b_scales.size() - at[3]) + ")");
  }
  return trace;
}

std::vector<MxLayerTrace> read_mx_traces(const std::filesystem::path& directory) {
  std::vector<MxLayerTrace> layers;
  for (const std::filesystem::path& path : traces::list_traces(directory)) {
    if (is_mx_trace(path)) layers.push_back(read_mx_trace(path));
  }
  if (layers.empty()) {
    throw InputError(directory.string() + ": no mx .ttrace files (record some with tessera run --trace DIR on a network "
                                          "with mx layers)");
  }
  return layers;
}

traces::activity::MxBlockPairs trace_block_pairs(const MxLayerTrace& trace) {
  traces::activity::MxBlockPairs pairs;
  pairs.format_a = trace.format_a;
  pairs.format_b = trace.format_b;
  const std::size_t bs = trace.block_size;
  pairs.block_size = bs;
  for (const MxTraceTile& tile : trace.tiles) {
    const std::size_t kb = (tile.k + bs - 1) / bs;
    for (std::size_t i = 0; i < tile.m; ++i) {
      for (std::size_t c = 0; c < tile.n; ++c) {
        for (std::size_t j = 0; j < kb; ++j) {
          const std::size_t count = std::min(bs, tile.k - j * bs);
          pairs.append(tile.a_scales[i * kb + j], tile.a_codes.data() + i * tile.k + j * bs, tile.b_scales[c * kb + j],
                       tile.b_codes.data() + c * tile.k + j * bs, count);
        }
      }
    }
  }
  return pairs;
}

}  // namespace tessera::tracing
