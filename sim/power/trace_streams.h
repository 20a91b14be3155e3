#pragma once
// Operand streams taken from recorded traces (traces/format), for characterising a multiplier on the
// operands a real network gives it rather than on uniform random ones.
#include <cstdint>
#include <filesystem>
#include <utility>
#include <vector>

namespace tessera::power {

// One stream of operand pairs in the order a unit sees them: a[i] drives port A (the activation),
// b[i] port B (the weight). Both vectors have the same length.
using OperandStream = std::pair<std::vector<std::int8_t>, std::vector<std::int8_t>>;

// The operand streams recorded in a trace directory (`tessera run --trace DIR`).
// One stream per PE of every recorded tile of every approx layer, in file and tile order
// (sim/tracing/approx_trace_reader.h). InputError for a missing or bad trace.
std::vector<OperandStream> operand_streams_from_traces(const std::filesystem::path& dir);

}  // namespace tessera::power
