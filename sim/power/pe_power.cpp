#include "sim/power/pe_power.h"

#include <algorithm>
#include <map>
#include <optional>
#include <random>

#include "golden/approx/catalog.h"
#include "golden/common/data_path.h"
#include "golden/common/error.h"
#include "hw/common/hw_params.h"
#include "sim/power/cell_libraries.h"
#include "sim/power/hw_package.h"
#include "sim/power/trace_power.h"
#include "sim/rtl/tools.h"
#include "sim/tracing/approx_trace_reader.h"
#include "traces/gate/netlist.h"

namespace tessera::power {
namespace fs = std::filesystem;
using traces::activity::PeStream;

static_assert(hw::kApproxAccWidth == 32, "PePowerSpec::acc_width's default mirrors hw_params ApproxAccWidth");

namespace {

constexpr const char* kTop = "tessera_approx_pe";

// The per-cycle port values of the replay and what the check needs to know about each cycle.
struct PeVectors {
  std::vector<std::uint64_t> w_load, w, act, psum;
  std::uint64_t ops = 0, loads = 0;
  std::size_t longest_stream = 0;
};

std::uint64_t acc_mask(int acc_width) {
  return acc_width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << acc_width) - 1;
}

PeVectors schedule(const std::vector<PeStream>& streams, int acc_width) {
  PeVectors v;
  const std::uint64_t mask = acc_mask(acc_width);
  std::uint64_t act = 0, psum = 0;  // what the input buses hold between streams (reset: 0)
  for (std::size_t s = 0; s < streams.size(); ++s) {
    const PeStream& stream = streams[s];
    const std::size_t n = stream.a.size();
    if (n == 0 || stream.b.size() != n || stream.psum_in.size() != n) {
      throw InputError("PE stream " + std::to_string(s) + ": a, b and psum_in must be non-empty and of equal length (" +
                       std::to_string(n) + ", " + std::to_string(stream.b.size()) + ", " +
                       std::to_string(stream.psum_in.size()) + ")");
    }
    const auto weight = static_cast<std::uint8_t>(stream.b.front());
    if (std::any_of(stream.b.begin(), stream.b.end(), [&](std::int8_t b) { return static_cast<std::uint8_t>(b) != weight; })) {
      throw InputError("PE stream " + std::to_string(s) + ": the weight (b) must be the same on every op of a " +
                       "weight-stationary stream");
    }
    v.w_load.push_back(1);
    v.w.push_back(weight);
    v.act.push_back(act);
    v.psum.push_back(psum);
    for (std::size_t t = 0; t < n; ++t) {
      act = static_cast<std::uint8_t>(stream.a[t]);
      psum = static_cast<std::uint64_t>(static_cast<std::int64_t>(stream.psum_in[t])) & mask;
      v.w_load.push_back(0);
      v.w.push_back(weight);
      v.act.push_back(act);
      v.psum.push_back(psum);
    }
    v.ops += n;
    ++v.loads;
    v.longest_stream = std::max(v.longest_stream, n);
  }
  return v;
}

// Compares the netlist's registered outputs with golden on every cycle; returns the cycles checked.
std::uint64_t check_function(const traces::gate::ReplayResult& replay, const PeVectors& v,
                             const approx::MultiplierTable& table, const PePowerSpec& spec) {
  const auto psum_o = replay.outputs.find("psum_o");
  const auto act_o = replay.outputs.find("act_o");
  if (psum_o == replay.outputs.end() || act_o == replay.outputs.end() || psum_o->second.size() != v.act.size() ||
      act_o->second.size() != v.act.size()) {
    throw Error("gate-level replay of " + std::string(kTop) + " returned no values for psum_o/act_o");
  }
  const std::uint64_t mask = acc_mask(spec.acc_width);
  std::optional<std::uint8_t> weight_register;  // unknown until the first load has been clocked in
  std::uint64_t checked = 0, mismatches = 0;
  std::string first;
  for (std::size_t i = 0; i + 1 < v.act.size(); ++i) {
    if (weight_register) {
      const auto a = static_cast<std::int8_t>(v.act[i]);
      const auto product = static_cast<std::int64_t>(table(a, static_cast<std::int8_t>(*weight_register)));
      const std::uint64_t expected_psum = (v.psum[i] + static_cast<std::uint64_t>(product)) & mask;
      const std::uint64_t got_psum = psum_o->second[i + 1] & mask;
      const std::uint64_t got_act = act_o->second[i + 1] & 0xFFu;
      if (got_psum != expected_psum || got_act != v.act[i]) {
        if (mismatches++ == 0) {
          first = "cycle " + std::to_string(i) + " (act " + std::to_string(a) + ", weight " +
                  std::to_string(static_cast<std::int8_t>(*weight_register)) + ", psum_i " + std::to_string(v.psum[i]) +
                  "): netlist psum_o " + std::to_string(got_psum) + " act_o " + std::to_string(got_act) +
                  ", golden " + std::to_string(expected_psum) + " and " + std::to_string(v.act[i]);
        }
      } else {
        ++checked;
      }
    }
    if (v.w_load[i]) weight_register = static_cast<std::uint8_t>(v.w[i]);
  }
  if (mismatches > 0) {
    throw Error("synthesis broke the function of " + std::string(kTop) + " (" + spec.multiplier + ", " + spec.library +
                ", " + to_string(spec.structure) + "): the gate netlist disagrees with golden on " +
                std::to_string(mismatches) + " of " + std::to_string(mismatches + checked) + " cycles, first " + first);
  }
  return checked;
}

}  // namespace

std::vector<PeStream> uniform_pe_streams(std::size_t ops, std::uint64_t seed, const approx::MultiplierTable& table) {
  constexpr std::size_t kRows = hw::kApproxArrayRows;
  constexpr std::size_t kSteps = 64;
  // Raw engine bytes, not a distribution (implementation-defined), so every platform gets the same.
  std::mt19937_64 engine(seed);
  std::vector<PeStream> out;
  std::size_t made = 0;
  while (made < ops) {
    std::vector<std::int8_t> weights(kRows), activations(kSteps * kRows);
    for (auto& w : weights) w = static_cast<std::int8_t>(engine() & 0xFF);
    for (auto& x : activations) x = static_cast<std::int8_t>(engine() & 0xFF);
    traces::activity::WeightStationaryTile tile;
    tile.activations = activations.data();
    tile.weights = weights.data();
    tile.rows_m = kSteps;
    tile.depth_k = kRows;
    tile.cols_n = 1;
    for (PeStream& stream : traces::activity::weight_stationary_pe_streams(tile, table)) {
      if (made == ops) break;
      const std::size_t keep = std::min(stream.a.size(), ops - made);
      stream.a.resize(keep);
      stream.b.resize(keep);
      stream.psum_in.resize(keep);
      made += keep;
      out.push_back(std::move(stream));
    }
  }
  return out;
}

std::vector<PeStream> pe_streams_from_traces(const fs::path& dir, const approx::MultiplierTable& table) {
  std::vector<PeStream> out;
  for (const tracing::ApproxLayerTrace& trace : tracing::read_approx_traces(dir)) {
    for (PeStream& stream : tracing::trace_pe_streams(trace, table)) {
      if (!stream.a.empty()) out.push_back(std::move(stream));
    }
  }
  // An empty list would make characterize_pe_power fall back to uniform vectors unasked.
  if (out.empty()) throw InputError(dir.string() + ": the approx traces hold no operations");
  return out;
}

nlohmann::json PePowerCharacterization::to_json() const {
  nlohmann::json out = power.to_json();
  out["unit"] = "pe";
  out["multiplier"] = multiplier;
  out["acc_width"] = acc_width;
  out["cycles"] = cycles;
  out["weight_loads"] = weight_loads;
  out["flops"] = flops;
  out["checked_cycles"] = checked_cycles;
  return out;
}

PePowerCharacterization characterize_pe_power(const PePowerSpec& spec) {
  const std::optional<MultiplierCircuit> circuit = tessera_circuit_for(spec.multiplier);
  if (!circuit) {
    throw ConfigError("power characterize --unit pe: tessera has no PE circuit for multiplier '" + spec.multiplier +
                      "' (expected exact, trunc<k>, bam_h<h>_v<v>, drum<k>, mitchell, mul8s_1KV8, mul8s_1KVA or "
                      "mul8s_1KVB)");
  }
  if (spec.acc_width < 17 || spec.acc_width > 64) {
    throw ConfigError("power characterize --unit pe: acc_width " + std::to_string(spec.acc_width) +
                      " must hold a 16-bit product and fit the replay's 64-bit ports (17..64)");
  }
  const approx::MultiplierTable table = approx::load_multiplier(spec.multiplier);
  std::vector<PeStream> streams = spec.streams;
  if (streams.empty()) {
    if (spec.uniform_ops == 0) throw ConfigError("power characterize --unit pe: --ops must be at least 1");
    streams = uniform_pe_streams(spec.uniform_ops, spec.seed, table);
  }
  const PeVectors vectors = schedule(streams, spec.acc_width);

  const CellLibrary library = cell_library(spec.library);
  const rtl::WorkDir work(spec.work_dir, "power_pe");
  SynthesisSpec synthesis;
  synthesis.sources = circuit->sources;
  synthesis.sources.push_back(data_path("hw/approx/tessera_approx_pe.sv"));
  synthesis.sources = with_tessera_hw_package(synthesis.sources, work.path());
  synthesis.top = kTop;
  synthesis.parameters = circuit->parameters;
  synthesis.parameters.emplace_back("AccWidth", std::to_string(spec.acc_width));
  synthesis.liberty_file = library.liberty_file;
  synthesis.structure = spec.structure;
  synthesis.work_dir = work.path() / ("synth_" + spec.library + "_" + to_string(spec.structure));
  const SynthesisResult synthesized = synthesize_to_liberty(synthesis, *library.library);
  const traces::gate::GateNetlist netlist = traces::gate::load_yosys_netlist(synthesized.netlist_json, kTop, *library.library);

  traces::gate::ReplayOptions options;
  options.clock_period_ns = spec.clock_period_ns;
  options.clock_port = "clk_i";
  options.reset_port = "rst_ni";
  options.reset_active_low = true;
  // Each lane replays, uncounted, at least one whole stream plus its load cycle before its segment,
  // so its weight register and output registers hold what a sequential run would have left there.
  options.priming_vectors = vectors.longest_stream + 2;
  const traces::gate::ReplayResult replay = traces::gate::replay(
      netlist, {{"w_load_i", vectors.w_load}, {"w_i", vectors.w}, {"act_i", vectors.act}, {"psum_i", vectors.psum}},
      options);

  PePowerCharacterization out;
  out.checked_cycles = check_function(replay, vectors, table, spec);
  out.multiplier = spec.multiplier;
  out.acc_width = spec.acc_width;
  out.cycles = replay.cycles;
  out.weight_loads = vectors.loads;
  out.flops = netlist.flops().size();
  PowerCharacterization& p = out.power;
  p.top = kTop;
  p.library = library.name;
  p.structure = spec.structure;
  p.cells = synthesized.cells;
  p.area_um2 = synthesized.area_um2;
  p.ops = vectors.ops;
  p.vectors = spec.streams.empty() ? "uniform" : "streams";
  p.clock_period_ns = spec.clock_period_ns;
  p.energy = replay.energy;
  p.net_toggles = replay.net_toggles;
  return out;
}

}  // namespace tessera::power
