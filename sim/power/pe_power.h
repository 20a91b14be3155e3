#pragma once
// Gate-level power of tessera's clocked processing element (hw/approx/tessera_approx_pe.sv): the
// stationary weight register, the approximate multiplier, the accumulate adder and the act/psum
// output registers, synthesised together onto a standard-cell library and fed weight-stationary PE
// streams cycle by cycle, so that register, adder and clock energy are counted with the multiplier's.
//
// Cycle schedule of one stream (as tessera_approx_array drives a PE: weights are loaded while no
// vector is in flight, because the multiplier reads the weight *register*):
//   load cycle:  w_load_i = 1, w_i = the stream's weight; act_i and psum_i hold their last values
//   op cycle t:  w_load_i = 0, w_i still the weight, act_i = a[t], psum_i = psum_in[t]
// Energy per op = all cycles' energy (load cycles included) / multiply-accumulates.
//
// Functional check: on every cycle whose weight register is known from the vectors, the netlist's
// psum_o one cycle later must equal psum_i + sign_extend(table(act_i, w_q)) mod 2^AccWidth and
// act_o must equal act_i delayed by one cycle (table: golden/approx/catalog.h); any difference is
// an Error (synthesis broke the function).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "golden/approx/table.h"
#include "sim/power/characterize.h"
#include "sim/power/synthesis.h"
#include "traces/activity/weight_stationary.h"

namespace tessera::power {

struct PePowerSpec {
  std::string multiplier = "exact";  // a name tessera has RTL for (trace_power.h: tessera_circuit_for)
  int acc_width = 32;                // AccWidth; the RTL default is hw_params ApproxAccWidth (32)
  std::string library = "sky130";
  Structure structure = Structure::keep;
  // Vectors: `streams` when given (each with a constant weight b and psum_in per op), else
  // uniform_pe_streams(uniform_ops, seed, the multiplier's table).
  std::vector<traces::activity::PeStream> streams;
  std::size_t uniform_ops = 20000;
  std::uint64_t seed = 1;
  double clock_period_ns = 10.0;
  std::filesystem::path work_dir;  // empty: a temporary directory, removed afterwards
};

struct PePowerCharacterization {
  PowerCharacterization power;  // ops = multiply-accumulates; energy over every cycle
  std::string multiplier;
  int acc_width = 0;
  std::uint64_t cycles = 0;        // ops + weight-load cycles
  std::uint64_t weight_loads = 0;  // streams
  std::size_t flops = 0;
  std::uint64_t checked_cycles = 0;  // cycles whose psum_o/act_o matched golden
  // power.to_json() plus unit "pe", multiplier, acc_width, cycles, weight_loads, flops,
  // checked_cycles.
  nlohmann::json to_json() const;
};

PePowerCharacterization characterize_pe_power(const PePowerSpec& spec);

// Seeded uniform vectors with realistic partial sums: uniform random int8 tiles of 64 activation
// rows through one column of the default 8-row array (hw_params ApproxArrayRows), so each stream is
// one PE(r, 0): a uniform random weight held for 64 ops, uniform random activations, and psum_in the
// sum of the r products of the PEs above it (r uniform over the rows: 0 to 7 products of uniform
// operands, |psum_in| up to about 7 * 2^14). Streams in tile order; the last one is cut to `ops`.
std::vector<traces::activity::PeStream> uniform_pe_streams(std::size_t ops, std::uint64_t seed,
                                                           const approx::MultiplierTable& table);

// The PE streams of every approx trace of a directory (`tessera run --trace DIR`), with psum_in
// recomputed through `table` (the PE's multiplier: the partial sums an array of such PEs would
// pass down). InputError for a missing or bad trace, or traces without operations.
std::vector<traces::activity::PeStream> pe_streams_from_traces(const std::filesystem::path& dir,
                                                               const approx::MultiplierTable& table);

}  // namespace tessera::power
