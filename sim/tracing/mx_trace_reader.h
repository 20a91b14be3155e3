#pragma once
// Reading back what `tessera run --trace` recorded for mx layers (the "block_pairs" stream layout
// of traces/FORMAT.md): the tiles, the block pairs the dot unit consumes and their activity.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "golden/mx/element_format.h"
#include "traces/activity/mx_features.h"
#include "traces/format/header.h"

namespace tessera::tracing {

struct MxTraceTile {
  std::uint64_t m = 0, n = 0, k = 0;   // rows of A, rows of B, elements per row
  std::uint64_t m0 = 0, n0 = 0;        // offset in the layer's M x N output
  std::vector<std::uint8_t> a_codes;   // m x k
  std::vector<std::uint8_t> a_scales;  // m x kb
  std::vector<std::uint8_t> b_codes;   // n x k
  std::vector<std::uint8_t> b_scales;  // n x kb
};

struct MxLayerTrace {
  std::string path;
  traces::TraceHeader header;
  mx::ElementFormat format_a = mx::ElementFormat::fp8_e4m3;  // unit.config.activation_format
  mx::ElementFormat format_b = mx::ElementFormat::fp8_e4m3;  // unit.config.weight_format
  std::size_t block_size = 32;                               // unit.config.block
  std::vector<MxTraceTile> tiles;
  std::uint64_t macs() const;         // element products in the recorded tiles (m * n * k)
  std::uint64_t block_pairs() const;  // dot-unit cycles: m * n * ceil(k / block) per tile
};

// Whether a trace file's header says unit family "mx" (reads the header only).
bool is_mx_trace(const std::filesystem::path& path);
// Reads and checks one trace: family "mx", dataflow "block_pairs", the unit config's formats and
// block, the six arrays with consistent record counts and sizes, codes within their format's
// width. InputError naming the file and what is wrong.
MxLayerTrace read_mx_trace(const std::filesystem::path& path);
// Every mx .ttrace of a directory (other families are skipped), in file-name order; InputError
// when there is none.
std::vector<MxLayerTrace> read_mx_traces(const std::filesystem::path& directory);

// The block pairs of every recorded tile in the dot unit's order (traces/FORMAT.md).
traces::activity::MxBlockPairs trace_block_pairs(const MxLayerTrace& trace);

}  // namespace tessera::tracing
