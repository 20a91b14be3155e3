#pragma once
// Reading back what `tessera run --trace` recorded for approx layers (the weight_stationary stream
// layout of traces/FORMAT.md): the tiles, their per-PE operand streams and their activity.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "golden/approx/table.h"
#include "traces/activity/features.h"
#include "traces/activity/weight_stationary.h"
#include "traces/format/header.h"

namespace tessera::tracing {

struct ApproxTraceTile {
  std::uint64_t m = 0, k = 0, n = 0;     // activation rows streamed, array rows and columns used
  std::uint64_t m0 = 0, k0 = 0, n0 = 0;  // offset in the layer's GEMM
  std::vector<std::int8_t> weights;      // k x n, row-major: w[r][c]
  std::vector<std::int8_t> activations;  // m x k, row-major: x[t][r]
  traces::activity::WeightStationaryTile view() const;
};

struct ApproxLayerTrace {
  std::string path;
  traces::TraceHeader header;
  std::string multiplier;  // the unit config's multiplier (name or .lut path)
  std::vector<ApproxTraceTile> tiles;
  std::uint64_t macs() const;  // multiplications in the recorded tiles
};

// Reads and checks one trace: unit family "approx", dataflow "weight_stationary", the four arrays
// with consistent record counts and tile sizes. InputError naming the file and what is wrong.
ApproxLayerTrace read_approx_trace(const std::filesystem::path& path);
// Whether a file is a trace of an approx unit (its header's unit.family); InputError for a file that
// is not a valid trace.
bool is_approx_trace(const std::filesystem::path& path);
// Every approx .ttrace of a directory, in file-name order (traces of other units are skipped);
// InputError when there is none.
std::vector<ApproxLayerTrace> read_approx_traces(const std::filesystem::path& directory);

// The multiplier table the trace's unit used (golden/approx/catalog.h).
approx::MultiplierTable trace_multiplier(const ApproxLayerTrace& trace);

// Operand streams of every PE of every recorded tile (PE(r, c) of tile i), for gate-level replay.
std::vector<traces::activity::PeStream> trace_pe_streams(const ApproxLayerTrace& trace,
                                                         const approx::MultiplierTable& table);
// Summed activity features of every PE of every recorded tile.
traces::activity::ActivityCounts trace_activity(const ApproxLayerTrace& trace, const approx::MultiplierTable& table);

}  // namespace tessera::tracing
