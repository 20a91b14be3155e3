#pragma once
// Zero-delay, cycle-based, bit-parallel replay of a gate netlist with Liberty toggle energy.
//
// One input vector per clock cycle. The sequence of N vectors is cut into 64 contiguous
// segments; lane L of every 64-bit word simulates segment L. Before its segment each lane is
// primed with the vector just before it (lane 0 with vector 0), uncounted, from an all-zero flop
// state (see ReplayOptions::priming_vectors for more than one). So for combinational designs the toggle counts equal those of one sequential run over
// the whole sequence whose first vector is applied twice (cycle 0 toggles nothing). For
// sequential designs each lane starts from the state the priming cycle leaves: exact when the
// state depends only on the previous vector (one register stage), an approximation otherwise.
//
// Energy of a net toggle: switching ½·C·V² (C = fan-out load, V = nominal voltage), plus the
// driving pin's internal_power at (input transition, C), each arc's energy the mean of its
// rise_power and fall_power, arcs averaged over the related pins that toggled in the same cycle
// and lane (all arcs when none did; flip-flop outputs use their clock arcs), plus the passive
// internal power of every input pin the net drives. Clock: each flip-flop's clock-pin internal
// power on both edges of every cycle (the clock port is not a simulated net). Leakage: Σ cell
// leakage × cycles × period. Under zero delay (the default) glitches are not seen.
//
// DelayModel::unit also charges glitches: after the inputs and flop outputs change, every
// combinational cell switches one unit after its inputs (all cells step together, transport
// delay) until the network settles, and every transition of every net is charged, a driver's
// arcs chosen by the related pins that toggled one step earlier. The settled values (outputs,
// flop inputs) equal zero delay's. Equal delays are a coarse stand-in for the library's: the
// research note (research/power.md §3.3) measured 1.25-1.9x with OSU018 path delays in Icarus.
//
// DelayModel::liberty times the same glitches with the library's own delays (README.md): each
// arc (cell output, input pin) is late by the mean of its cell_rise and cell_fall tables at the
// replay's input transition and the output net's load, rounded to whole picoseconds (at least
// one), so all 64 lanes share one event schedule. The inputs change at t = 0, flop outputs at
// their clock-to-output delay. A net changing at t schedules each cell output it feeds for
// t + the arc delay, which then computes its value from the nets as they are at that time; every
// change is charged, its driver arcs chosen by the inputs whose changes scheduled it. So an input
// pulse shorter than the arc delay is over before the cell looks and does not pass (as with an
// inertial delay); a longer one passes whole. No slew propagation (one input transition for all
// cells) and no wire delay. The settled values equal zero delay's.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "traces/gate/netlist.h"

namespace tessera::traces::gate {

enum class DelayModel { zero, unit, liberty };

// "zero", "unit", "liberty": the names the CLI and the JSON reports use.
std::string to_string(DelayModel delays);
// The model of that name; InputError "<where>: --delays '<name>': expected zero, unit or liberty".
DelayModel delay_model_named(const std::string& name, const std::string& where);

struct ReplayOptions {
  DelayModel delays = DelayModel::zero;
  double clock_period_ns = 10.0;
  // Slew at every cell input. Unset: default_input_transition_ns(netlist).
  std::optional<double> input_transition_ns;
  bool per_cycle_energy = false;
  std::string clock_port = "clk_i";  // ignored when the design has no such port
  std::string reset_port;            // optional; held inactive during the whole replay
  bool reset_active_low = true;      // lowRISC rst_ni
  // Uncounted vectors each lane replays before its segment (those just before it; lane 0
  // repeats vector 0). 1 is exact for combinational designs; a design whose state is a
  // pipeline of d register stages fed by the inputs needs d + 1 to be exact (the flop outputs
  // settled before the segment must also be right).
  std::size_t priming_vectors = 1;
};

struct EnergyBreakdown {
  double switching_pj = 0.0;
  double internal_pj = 0.0;
  double clock_pj = 0.0;
  double leakage_pj = 0.0;
  double total_pj() const { return switching_pj + internal_pj + clock_pj + leakage_pj; }
};

struct ReplayResult {
  std::uint64_t cycles = 0;
  EnergyBreakdown energy;
  std::uint64_t net_toggles = 0;
  // When per_cycle_energy: dynamic energy (switching + internal + clock) of each input vector.
  std::vector<double> energy_per_cycle_pj;
  std::vector<std::uint64_t> toggles_per_net;      // indexed by NetId
  std::vector<std::uint64_t> high_cycles_per_net;  // cycles each net settled at 1
  // Top output values per cycle (the low 64 bits of each port), in input order.
  std::map<std::string, std::vector<std::uint64_t>> outputs;
};

// The smallest input-transition breakpoint >= 0.05 ns among the output internal-power tables
// of the netlist's cells (sky130 hd: 0.0531 ns; OSU018: 0.06 ns), or 0.05 ns when none is.
// A realistic slew for a driver with a light load, and a grid point, so no interpolation error.
double default_input_transition_ns(const GateNetlist& netlist);

// `inputs_per_port` gives, for every input port except the clock and reset, one value per cycle
// (the low bits of each value, LSB = bit 0 of the port). Throws InputError naming the port when
// one is missing, unknown, or the sequences differ in length.
ReplayResult replay(const GateNetlist& netlist,
                    const std::map<std::string, std::vector<std::uint64_t>>& inputs_per_port,
                    const ReplayOptions& options = {});

}  // namespace tessera::traces::gate
