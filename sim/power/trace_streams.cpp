#include "sim/power/trace_streams.h"

#include "sim/tracing/approx_trace_reader.h"

namespace tessera::power {

std::vector<OperandStream> operand_streams_from_traces(const std::filesystem::path& dir) {
  std::vector<OperandStream> streams;
  for (const tracing::ApproxLayerTrace& trace : tracing::read_approx_traces(dir)) {
    const approx::MultiplierTable table = tracing::trace_multiplier(trace);
    for (traces::activity::PeStream& pe : tracing::trace_pe_streams(trace, table)) {
      streams.emplace_back(std::move(pe.a), std::move(pe.b));
    }
  }
  return streams;
}

}  // namespace tessera::power
