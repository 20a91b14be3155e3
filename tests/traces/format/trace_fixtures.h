#pragma once
// Shared helpers for the trace format tests: a valid header, file byte access and a check that
// a damaged file is rejected with a message naming it.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "golden/common/error.h"
#include "traces/format/reader.h"
#include "traces/format/unit_streams.h"
#include "traces/format/writer.h"

namespace tessera::traces::test {

// The approx weight-stationary layout of traces/FORMAT.md.
inline TraceHeader approx_header() {
  TraceHeader header;
  header.producer = "tests/traces/format";
  header.network = "lenet5";
  header.layer = "conv2";
  header.unit.family = "approx";
  header.unit.config = {{"multiplier", "mul8s_1L2H"}, {"rows", 8}, {"columns", 8}};
  header.dataflow = approx_weight_stationary_dataflow();
  header.seed = 42;
  header.arrays = approx_weight_stationary_arrays();
  header.meta = {{"note", "test"}};
  return header;
}

inline std::vector<unsigned char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  // Remove rather than truncate: ext4 flushes a file truncated and rewritten in place on close
  // (auto_da_alloc), which made the bit-flip tests 100 times slower.
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// Opens and fully reads a trace; returns the InputError's message, or "" when the file was
// accepted (callers assert on it).
inline std::string rejection_of(const std::string& path) {
  try {
    TraceReader reader(path);
    reader.verify();
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

// Writes a small approx trace of two tiles in chunks of `chunk_bytes`.
inline void write_small_trace(const std::string& path, std::size_t chunk_bytes = 16) {
  TraceWriter writer(path, approx_header(), TraceWriterOptions{chunk_bytes});
  for (std::int32_t tile = 0; tile < 2; ++tile) {
    const std::int32_t shape[3] = {5, 4, 3};
    writer.append("tiles", shape, 1);
    const std::int64_t origin[3] = {0, 0, 3 * tile};
    writer.append("tile_origin", origin, 1);
    std::vector<std::int8_t> weights(12);
    std::vector<std::int8_t> activations(20);
    for (std::size_t i = 0; i < weights.size(); ++i)
      weights[i] = static_cast<std::int8_t>(i * 7 - 40 + tile);
    for (std::size_t i = 0; i < activations.size(); ++i)
      activations[i] = static_cast<std::int8_t>(100 - i * 9);
    writer.append("weights", weights);
    writer.append("activations", activations);
  }
  writer.finish();
}

}  // namespace tessera::traces::test
