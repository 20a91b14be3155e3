#pragma once
// Gate-level power characterisation of an 8x8 signed multiplier: synthesise it onto a real
// standard-cell library (synthesis.h), check that the gate netlist still computes the circuit's
// function, replay operand vectors through it bit-parallel (traces/gate) and report energy per
// operation by component (switching, internal, clock, leakage), zero-delay (no glitches) unless
// PowerSpec::delays asks for unit or liberty delays.
//
// Circuits: any combinational multiplier with ports A, B (8-bit inputs, A the activation) and
// O (16-bit output), names configurable, interface rules as sim/rtl/characterize.h; or tessera's
// own units (hw/approx/tessera_mul8s*.sv) with their parameters. tessera_hw_pkg, which the units
// import, is generated from hw/common/hw_params.def and added automatically when a source uses it.
//
// Functional check: the gate netlist's outputs must equal the circuit's products on every vector
// (from golden for tessera_mul8s, from a Verilator simulation of the RTL otherwise); a netlist that
// disagrees is an Error (synthesis broke the function).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/power/opensta_crosscheck.h"
#include "sim/power/synthesis.h"
#include "sim/power/trace_streams.h"
#include "traces/gate/replay.h"

namespace tessera::power {

struct PowerSpec {
  std::vector<std::filesystem::path> sources;
  std::string top;
  std::vector<std::pair<std::string, std::string>> parameters;  // NAME, VALUE (chparam on the top)
  std::string port_a = "A", port_b = "B", port_o = "O";
  std::string library = "sky130";                               // cell_libraries.h names
  Structure structure = Structure::keep;
  // Vectors: `streams` when given, else `uniform_ops` seeded uniform random int8 pairs.
  std::vector<OperandStream> streams;
  std::size_t uniform_ops = 20000;
  std::uint64_t seed = 1;
  double clock_period_ns = 10.0;
  bool per_op_energy = false;  // keep each operation's dynamic energy (for model fitting)
  bool opensta = false;        // also run the OpenSTA cross-check (opensta_crosscheck.h)
  // unit, liberty: charge glitches too (traces/gate/replay.h), and replay zero delay beside it for
  // the ratio.
  traces::gate::DelayModel delays = traces::gate::DelayModel::zero;
  // Where the tools work; empty: a temporary directory, removed afterwards.
  std::filesystem::path work_dir;
};

struct PowerCharacterization {
  std::string top, library;
  Structure structure = Structure::keep;
  std::int64_t cells = 0;
  double area_um2 = 0.0;
  std::uint64_t ops = 0;
  std::string vectors;  // "uniform" or "streams"
  double clock_period_ns = 0.0;
  traces::gate::EnergyBreakdown energy;  // totals over all ops
  std::uint64_t net_toggles = 0;
  std::vector<double> per_op_energy_pj;  // when asked: dynamic energy of each op, in input order
  std::optional<OpenStaComparison> opensta;
  traces::gate::DelayModel delays = traces::gate::DelayModel::zero;
  double zero_delay_dynamic_pj = 0.0;  // unit/liberty delays: switching + internal of the zero-delay replay

  double energy_pj_per_op() const;
  double toggles_per_op() const;
  // One object: top, library, structure, cells, area_um2, ops, energy_pj_per_op and its components,
  // toggles_per_op, clock_period_ns, vectors, delays; per_op_energy_pj when kept; opensta when run;
  // under unit or liberty delays also zero_delay_dynamic_pj_per_op and glitch_factor (the ratio of
  // dynamic switching + internal energy, with delays / zero delay).
  nlohmann::json to_json() const;
};

PowerCharacterization characterize_power(const PowerSpec& spec);

// Seeded uniform random int8 operand pairs (one stream of `ops` pairs).
OperandStream uniform_operands(std::size_t ops, std::uint64_t seed);

}  // namespace tessera::power
