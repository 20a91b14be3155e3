#include "sim/tracing/optical_trace_reader.h"

#include "golden/common/error.h"
#include "sim/tracing/optical_trace.h"
#include "traces/format/dtype.h"
#include "traces/format/list_traces.h"
#include "traces/format/reader.h"

namespace tessera::tracing {
namespace {

// The header's arrays must be exactly the periphery_elements layout: a trace written by another
// layout would be misread silently otherwise.
void check_arrays(const traces::TraceHeader& header, const std::string& where) {
  const std::vector<traces::ArraySpec> expected = optical_periphery_arrays();
  if (header.arrays.size() != expected.size()) {
    throw InputError(where + ": arrays: expected the " + std::to_string(expected.size()) +
                     " periphery_elements arrays of traces/FORMAT.md (optical), got " +
                     std::to_string(header.arrays.size()));
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const traces::ArraySpec& got = header.arrays[i];
    if (got.name != expected[i].name || got.dtype != expected[i].dtype || got.record_shape != expected[i].record_shape) {
      throw InputError(where + ": arrays[" + std::to_string(i) + "]: expected '" + expected[i].name + "' (" +
                       std::string(traces::dtype_name(expected[i].dtype)) +
                       ", as in traces/FORMAT.md optical periphery_elements), got '" + got.name + "' (" +
                       std::string(traces::dtype_name(got.dtype)) + ")");
    }
  }
}

// The next `count` elements of an array, or which tile ran out.
template <typename T>
std::vector<T> take(const std::vector<T>& all, std::size_t& at, std::size_t count, const std::string& where,
                    std::string_view array, std::size_t tile) {
  if (all.size() - at < count) {
    throw InputError(where + ": tiles[" + std::to_string(tile) + "]: the " + std::string(array) +
                     " array ends before this tile's " + std::to_string(count) + " elements");
  }
  std::vector<T> out(all.begin() + static_cast<std::ptrdiff_t>(at), all.begin() + static_cast<std::ptrdiff_t>(at + count));
  at += count;
  return out;
}

template <typename T>
void check_consumed(const std::vector<T>& all, std::size_t at, const std::string& where, std::string_view array) {
  if (at != all.size()) {
    throw InputError(where + ": " + std::string(array) + ": " + std::to_string(all.size() - at) +
                     " elements left after the last tile (the tiles' m, n, k say " + std::to_string(at) + ")");
  }
}

optical::QuantizerParams quantizer(const std::vector<float>& records, std::size_t index, const std::string& where) {
  const float* q = &records[index * 4];
  const float levels = q[2];
  if (!(levels >= 2.0f) || levels > static_cast<float>(optical::kMaxLevels) || levels != static_cast<float>(
                                                                                   static_cast<std::uint32_t>(levels))) {
    throw InputError(where + ": quantizers[" + std::to_string(index) + "].levels: expected an integer in [2, 2^24], got " +
                     std::to_string(levels));
  }
  try {
    return optical::make_quantizer(static_cast<std::int64_t>(levels), q[0], q[1], q[3],
                                   where + ": quantizers[" + std::to_string(index) + "]");
  } catch (const ConfigError& e) {
    throw InputError(e.what());
  }
}

}  // namespace

std::uint64_t OpticalLayerTrace::macs() const {
  std::uint64_t total = 0;
  for (const OpticalTraceTile& tile : tiles) total += tile.m * tile.n * tile.k;
  return total;
}

bool is_optical_trace(const std::filesystem::path& path) {
  return traces::TraceReader(path.string()).header().unit.family == "optical";
}

OpticalLayerTrace read_optical_trace(const std::filesystem::path& path) {
  traces::TraceReader reader(path.string());
  const std::string where = path.string();
  OpticalLayerTrace trace;
  trace.path = where;
  trace.header = reader.header();
  if (trace.header.unit.family != "optical") {
    throw InputError(where + ": unit.family: expected \"optical\", got \"" + trace.header.unit.family + "\"");
  }
  if (trace.header.dataflow.name != kOpticalPeripheryElements) {
    throw InputError(where + ": dataflow.name: expected \"periphery_elements\", got \"" + trace.header.dataflow.name +
                     "\"");
  }
  check_arrays(trace.header, where);
  const nlohmann::json& meta = trace.header.meta;
  for (const char* field : {"m", "k", "n"}) {
    if (!meta.contains("gemm") || !meta["gemm"].is_object() || !meta["gemm"].contains(field) ||
        !meta["gemm"][field].is_number_unsigned() || meta["gemm"][field].get<std::uint64_t>() == 0) {
      throw InputError(where + ": meta.gemm." + field + ": expected the recorded GEMM's size (a positive integer)");
    }
  }
  trace.gemm_m = meta["gemm"]["m"].get<std::uint64_t>();
  trace.gemm_k = meta["gemm"]["k"].get<std::uint64_t>();
  trace.gemm_n = meta["gemm"]["n"].get<std::uint64_t>();
  const std::vector<float> quantizers = reader.read_all<float>(kOpticalQuantizers);
  const std::size_t records = quantizers.size() / 4;
  if (records != 3 && records != 4) {
    throw InputError(where + ": quantizers: expected 3 records (input DAC, weight DAC, ADC) or 4 (split: + the negative "
                             "pass's ADC), got " + std::to_string(records));
  }
  trace.input = quantizer(quantizers, kOpticalInputQuantizer, where);
  trace.weight = quantizer(quantizers, kOpticalWeightQuantizer, where);
  trace.adc = quantizer(quantizers, kOpticalAdcQuantizer, where);
  trace.split_signs = records == 4;
  if (trace.split_signs) trace.negative_adc = quantizer(quantizers, kOpticalNegativeAdcQuantizer, where);
  if (trace.input.lut_min != 0.0f || trace.adc.lut_min != 0.0f || trace.negative_adc.lut_min != 0.0f) {
    throw InputError(where + ": quantizers: only the weight DAC (record 1) may have lut_min > 0");
  }

  const std::vector<std::int64_t> tiles = reader.read_all<std::int64_t>(kOpticalTiles);
  const auto input_x = reader.read_all<float>(kOpticalInputDac);
  const auto weight_x = reader.read_all<float>(kOpticalWeightDac);
  const auto adc_y = reader.read_all<float>(kOpticalAdcInput);
  const auto adc_rand24 = reader.read_all<std::uint32_t>(kOpticalAdcRand24);
  const auto psum_qa = reader.read_all<std::uint32_t>(kOpticalPsumQa);
  const auto psum_qw = reader.read_all<std::uint32_t>(kOpticalPsumQw);
  const auto psum_fs = reader.read_all<std::int8_t>(kOpticalPsumFloorSign);
  std::size_t at_x = 0, at_w = 0, at_y = 0, at_r = 0, at_qa = 0, at_qw = 0, at_fs = 0;
  for (std::size_t t = 0; t < tiles.size() / 5; ++t) {
    const std::int64_t* r = &tiles[t * 5];
    for (int f = 0; f < 5; ++f) {
      if (r[f] < 0 || (f != 0 && f != 2 && r[f] == 0) || r[f] > (std::int64_t{1} << 32)) {
        throw InputError(where + ": tiles[" + std::to_string(t) + "]: m0, m, n0, n, k must be in range with m, n, k > 0");
      }
    }
    OpticalTraceTile tile;
    tile.m0 = static_cast<std::uint64_t>(r[0]);
    tile.m = static_cast<std::uint64_t>(r[1]);
    tile.n0 = static_cast<std::uint64_t>(r[2]);
    tile.n = static_cast<std::uint64_t>(r[3]);
    tile.k = static_cast<std::uint64_t>(r[4]);
    const std::size_t outputs = tile.m * tile.n, pairs = outputs * tile.k;
    tile.input_x = take(input_x, at_x, tile.m * tile.k, where, kOpticalInputDac, t);
    tile.weight_x = take(weight_x, at_w, tile.n * tile.k, where, kOpticalWeightDac, t);
    tile.adc_y = take(adc_y, at_y, outputs * trace.passes(), where, kOpticalAdcInput, t);
    tile.adc_rand24 = take(adc_rand24, at_r, outputs * trace.passes(), where, kOpticalAdcRand24, t);
    tile.psum_qa = take(psum_qa, at_qa, pairs, where, kOpticalPsumQa, t);
    tile.psum_qw = take(psum_qw, at_qw, pairs, where, kOpticalPsumQw, t);
    tile.psum_floor_sign = take(psum_fs, at_fs, pairs, where, kOpticalPsumFloorSign, t);
    for (const float v : tile.input_x) {
      if (v != v) throw InputError(where + ": tiles[" + std::to_string(t) + "]: an input DAC element is NaN");
    }
    for (const float v : tile.weight_x) {
      if (v != v) throw InputError(where + ": tiles[" + std::to_string(t) + "]: a weight DAC element is NaN");
    }
    for (const float v : tile.adc_y) {
      if (v != v) throw InputError(where + ": tiles[" + std::to_string(t) + "]: an ADC input is NaN");
    }
    for (const std::uint32_t u : tile.adc_rand24) {
      if (u >> 24) throw InputError(where + ": tiles[" + std::to_string(t) + "]: adc_rand24 holds more than 24 bits");
    }
    for (std::size_t i = 0; i < pairs; ++i) {
      if (tile.psum_qa[i] >= trace.input.levels || tile.psum_qw[i] >= trace.weight.levels ||
          tile.psum_floor_sign[i] < -1 || tile.psum_floor_sign[i] > 1) {
        throw InputError(where + ": tiles[" + std::to_string(t) + "]: psum pair " + std::to_string(i) +
                         ": codes must be below their quantizer's levels and floor signs in {-1, 0, 1}");
      }
    }
    trace.tiles.push_back(std::move(tile));
  }
  check_consumed(input_x, at_x, where, kOpticalInputDac);
  check_consumed(weight_x, at_w, where, kOpticalWeightDac);
  check_consumed(adc_y, at_y, where, kOpticalAdcInput);
  check_consumed(adc_rand24, at_r, where, kOpticalAdcRand24);
  check_consumed(psum_qa, at_qa, where, kOpticalPsumQa);
  check_consumed(psum_qw, at_qw, where, kOpticalPsumQw);
  check_consumed(psum_fs, at_fs, where, kOpticalPsumFloorSign);
  return trace;
}

std::vector<OpticalLayerTrace> read_optical_traces(const std::filesystem::path& directory) {
  std::vector<OpticalLayerTrace> layers;
  for (const std::filesystem::path& path : traces::list_traces(directory)) {
    if (is_optical_trace(path)) layers.push_back(read_optical_trace(path));
  }
  if (layers.empty()) {
    throw InputError(directory.string() + ": no optical .ttrace files (record some with tessera run --trace DIR on a "
                                          "network with optical layers)");
  }
  return layers;
}

}  // namespace tessera::tracing
