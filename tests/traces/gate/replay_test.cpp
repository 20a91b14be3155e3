#include "traces/gate/replay.h"

#include <gtest/gtest.h>

#include <iostream>
#include <random>

#include "golden/io/atomic_file.h"
#include "traces/gate/energy_report.h"
#include "traces/liberty/reader.h"
#include "tests/support/scratch_dir.h"
#include "tests/traces/gate/designs.h"
#include "tests/traces/gate/yosys_netlist.h"

namespace tessera::traces::gate {
namespace {

const liberty::Library& osu018() {
  static const liberty::Library library = liberty::read_liberty(test::osu018_library());
  return library;
}

GateNetlist load_text(const std::string& text, const std::string& top, NetlistOptions options = {}) {
  test::ScratchDir scratch;
  std::string path = scratch.file("netlist.json");
  io::write_file_atomically(path, text);
  return load_yosys_netlist(path, top, osu018(), options);
}

// A plain sequential simulation, one vector at a time, written independently of the lanes:
// all-zero flop state, primed with vector 0, then every vector counted.
struct ScalarRun {
  std::vector<std::uint64_t> toggles, high;
  std::vector<std::vector<std::uint64_t>> outputs;  // per output port, per cycle
};

ScalarRun scalar_sequential(const GateNetlist& netlist, const std::map<std::string, std::vector<std::uint64_t>>& inputs,
                            std::size_t cycles, const std::string& clock_port, std::size_t priming) {
  std::vector<std::uint64_t> value(netlist.net_count(), 0), settled;
  for (NetId net = 0; net < netlist.net_count(); ++net) {
    if (auto constant = netlist.net_constant(net)) value[net] = *constant;
  }
  std::vector<std::uint64_t> state(netlist.flops().size(), 0);
  auto pin_words = [&](const liberty::BooleanFunction& function, const CellInstance& instance, const CellType& type,
                       std::uint64_t flop_state) {
    std::vector<std::uint64_t> words;
    for (const std::string& variable : function.variables()) {
      if (type.cell.ff && variable == type.cell.ff->state) {
        words.push_back(flop_state);
      } else if (type.cell.ff && variable == type.cell.ff->state_inverted) {
        words.push_back(flop_state ^ 1);
      } else {
        words.push_back(value[instance.pin_nets.at(variable)]);
      }
    }
    return words;
  };
  auto cycle = [&](std::size_t index) {
    for (std::size_t f = 0; f < netlist.flops().size(); ++f) {
      const CellInstance& instance = netlist.cells()[netlist.flops()[f]];
      const CellType& type = netlist.type_of(instance);
      for (std::size_t k = 0; k < type.output_pins.size(); ++k) {
        auto words = pin_words(type.output_functions[k], instance, type, state[f]);
        value[instance.pin_nets.at(type.cell.pins[type.output_pins[k]].name)] = type.output_functions[k].evaluate(words.data()) & 1;
      }
    }
    for (const Port& port : netlist.inputs()) {
      if (port.name == clock_port) continue;
      for (std::size_t bit = 0; bit < port.bits.size(); ++bit) value[port.bits[bit]] = inputs.at(port.name)[index] >> bit & 1;
    }
    for (std::size_t cell : netlist.combinational_order()) {
      const CellInstance& instance = netlist.cells()[cell];
      const CellType& type = netlist.type_of(instance);
      for (std::size_t k = 0; k < type.output_pins.size(); ++k) {
        auto words = pin_words(type.output_functions[k], instance, type, 0);
        value[instance.pin_nets.at(type.cell.pins[type.output_pins[k]].name)] = type.output_functions[k].evaluate(words.data()) & 1;
      }
    }
  };
  auto capture = [&]() {
    std::vector<std::uint64_t> next(state.size());
    for (std::size_t f = 0; f < netlist.flops().size(); ++f) {
      const CellInstance& instance = netlist.cells()[netlist.flops()[f]];
      const CellType& type = netlist.type_of(instance);
      auto words = pin_words(*type.next_state, instance, type, state[f]);
      next[f] = type.next_state->evaluate(words.data()) & 1;
    }
    state = next;
  };
  ScalarRun run;
  run.toggles.assign(netlist.net_count(), 0);
  run.high.assign(netlist.net_count(), 0);
  run.outputs.assign(netlist.outputs().size(), {});
  for (std::size_t p = 0; p < priming; ++p) {
    cycle(0);
    settled = value;
    capture();
  }
  for (std::size_t t = 0; t < cycles; ++t) {
    cycle(t);
    for (NetId net = 0; net < netlist.net_count(); ++net) {
      run.toggles[net] += value[net] != settled[net];
      run.high[net] += value[net];
    }
    for (std::size_t p = 0; p < netlist.outputs().size(); ++p) {
      std::uint64_t word = 0;
      for (std::size_t bit = 0; bit < netlist.outputs()[p].bits.size(); ++bit) word |= value[netlist.outputs()[p].bits[bit]] << bit;
      run.outputs[p].push_back(word);
    }
    settled = value;
    capture();
  }
  return run;
}

std::map<std::string, std::vector<std::uint64_t>> random_operands(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> a(count), b(count);
  for (std::size_t i = 0; i < count; ++i) {
    a[i] = rng() & 0xff;
    b[i] = rng() & 0xff;
  }
  return {{"a", a}, {"b", b}};
}

void expect_lanes_match_scalar(const char* verilog, const std::string& top, std::size_t priming) {
  auto json = test::yosys_netlist(verilog, top, test::osu018_library());
  if (!json) GTEST_SKIP() << "yosys is not on PATH";
  GateNetlist netlist = load_yosys_netlist(*json, top, osu018());
  // 1003 vectors: segments of 16 and 15 vectors, so the ragged end is exercised.
  auto inputs = random_operands(1003, 7);
  ReplayOptions options;
  options.priming_vectors = priming;
  ReplayResult lanes = replay(netlist, inputs, options);
  ScalarRun scalar = scalar_sequential(netlist, inputs, 1003, "clk_i", priming);
  EXPECT_EQ(lanes.cycles, 1003u);
  EXPECT_EQ(lanes.toggles_per_net, scalar.toggles);
  EXPECT_EQ(lanes.high_cycles_per_net, scalar.high);
  for (std::size_t p = 0; p < netlist.outputs().size(); ++p) {
    EXPECT_EQ(lanes.outputs.at(netlist.outputs()[p].name), scalar.outputs[p]);
  }
  std::uint64_t total = 0;
  for (std::uint64_t toggles : scalar.toggles) total += toggles;
  EXPECT_EQ(lanes.net_toggles, total);
  EXPECT_GT(total, 1003u * 20);  // random operands toggle many nets
}

TEST(Replay, LanesEqualScalarSequentialCombinational) {
  expect_lanes_match_scalar(test::kMultiplierVerilog, "mul8s", 1);
}

// One register stage: two priming vectors leave each lane with exactly the flop state and the
// settled flop outputs a full sequential run has there, so the counts agree exactly.
TEST(Replay, LanesEqualScalarSequentialRegistered) {
  expect_lanes_match_scalar(test::kRegisteredMultiplierVerilog, "mul8s_reg", 2);
}

TEST(Replay, RegisteredOutputIsOneCycleLateWithClockEnergy) {
  auto json = test::yosys_netlist(test::kRegisteredMultiplierVerilog, "mul8s_reg", test::osu018_library());
  if (!json) GTEST_SKIP() << "yosys is not on PATH";
  GateNetlist netlist = load_yosys_netlist(*json, "mul8s_reg", osu018());
  ASSERT_EQ(netlist.flops().size(), 16u);
  auto inputs = random_operands(500, 3);
  ReplayResult result = replay(netlist, inputs, {});
  for (std::size_t t = 1; t < 500; ++t) {
    int product = static_cast<std::int8_t>(inputs["a"][t - 1]) * static_cast<std::int8_t>(inputs["b"][t - 1]);
    ASSERT_EQ(result.outputs["p"][t], static_cast<std::uint16_t>(product)) << t;
  }
  // Clock: 16 flops × (rise + fall) of the DFFPOSX1 CLK pin power at the default slew, per cycle.
  const liberty::InternalPower& clock = osu018().find_cell("DFFPOSX1")->find_pin("CLK")->internal_power.at(0);
  double slew = default_input_transition_ns(netlist);
  EXPECT_DOUBLE_EQ(slew, 0.06);
  EXPECT_NEAR(result.energy.clock_pj, 500 * 16 * 2 * clock.mean_energy_pj(slew, 0.0), 1e-9);
}

// Energy of an inverter chain from the library numbers: every net toggles on every cycle
// after the first, so each net contributes 10 × (½·C·V² + driver arc energy at (slew, C)).
TEST(Replay, InverterChainEnergyFromLibraryNumbers) {
  GateNetlist netlist = load_text(R"({"modules": {"chain": {
    "ports": {"a": {"direction": "input", "bits": [2]}, "y": {"direction": "output", "bits": [5]}},
    "cells": {"u1": {"type": "INVX1", "connections": {"A": [2], "Y": [3]}},
              "u2": {"type": "INVX1", "connections": {"A": [3], "Y": [4]}},
              "u3": {"type": "INVX1", "connections": {"A": [4], "Y": [5]}}}}}})",
                                  "chain", NetlistOptions{0.02});
  const liberty::Cell& inverter = *osu018().find_cell("INVX1");
  const double c_in = inverter.find_pin("A")->capacitance_pf;  // 0.00932456 pF
  const double v = 1.8, slew = 0.06;
  const liberty::InternalPower& arc = inverter.find_pin("Y")->internal_power.at(0);
  ASSERT_TRUE(inverter.find_pin("A")->internal_power.empty());  // no passive input power in OSU018
  std::vector<std::uint64_t> a;
  for (int t = 0; t < 11; ++t) a.push_back(t & 1);
  ReplayOptions options;
  options.input_transition_ns = slew;
  options.per_cycle_energy = true;
  ReplayResult result = replay(netlist, {{"a", a}}, options);
  EXPECT_EQ(result.net_toggles, 40u);
  double switching = 10 * 0.5 * v * v * (3 * c_in + 0.02);
  double internal = 10 * (2 * arc.mean_energy_pj(slew, c_in) + arc.mean_energy_pj(slew, 0.02));
  EXPECT_NEAR(result.energy.switching_pj, switching, 1e-12);
  EXPECT_NEAR(result.energy.internal_pj, internal, 1e-12);
  EXPECT_EQ(result.energy.clock_pj, 0.0);
  // nW × ns × 1e-6 = pJ
  EXPECT_NEAR(result.energy.leakage_pj, 3 * inverter.leakage_power_nw * 11 * 10.0 * 1e-6, 1e-15);
  ASSERT_EQ(result.energy_per_cycle_pj.size(), 11u);
  EXPECT_EQ(result.energy_per_cycle_pj[0], 0.0);
  for (int t = 1; t < 11; ++t) EXPECT_NEAR(result.energy_per_cycle_pj[t], (switching + internal) / 10, 1e-12);
  EXPECT_EQ(result.outputs["y"][4], 1u);  // y = !a
  nlohmann::json report = to_json(result.energy, 11);
  EXPECT_NEAR(report["energy_pj_per_op"].get<double>(), result.energy.total_pj() / 11, 1e-15);
  EXPECT_NEAR(report["switching_pj_per_op"].get<double>(), switching / 11, 1e-15);
}

// Arc weighting: a NAND2 output toggle takes the arc of the input that toggled, the mean of
// both when both did.
TEST(Replay, ArcEnergyFollowsTheToggledInputs) {
  GateNetlist netlist = load_text(R"({"modules": {"n": {
    "ports": {"a": {"direction": "input", "bits": [2]}, "b": {"direction": "input", "bits": [3]},
              "y": {"direction": "output", "bits": [4]}},
    "cells": {"g": {"type": "NAND2X1", "connections": {"A": [2], "B": [3], "Y": [4]}}}}}})",
                                  "n", NetlistOptions{0.03});
  const liberty::Pin& y = *osu018().find_cell("NAND2X1")->find_pin("Y");
  const double slew = 0.18;
  double arc_a = y.internal_power.at(0).mean_energy_pj(slew, 0.03);
  double arc_b = y.internal_power.at(1).mean_energy_pj(slew, 0.03);
  ASSERT_EQ(y.internal_power.at(1).related_pin, "B");
  ASSERT_NE(arc_a, arc_b);
  // (a,b): 11 -> 01 (A) -> 11 (A) -> 00 (both) -> 11 (both) -> 10 (B); y toggles every cycle.
  ReplayOptions options;
  options.input_transition_ns = slew;
  options.per_cycle_energy = true;
  ReplayResult result = replay(netlist, {{"a", {1, 0, 1, 0, 1, 1}}, {"b", {1, 1, 1, 0, 1, 0}}}, options);
  EXPECT_EQ(result.toggles_per_net[netlist.outputs()[0].bits[0]], 5u);
  EXPECT_NEAR(result.energy.internal_pj, 3 * arc_a + 2 * arc_b, 1e-12);
  // Cycle 5 (b alone) against cycle 1 (a alone): same y toggle, different input net and arc.
  const liberty::Cell& nand = *osu018().find_cell("NAND2X1");
  double input_switching_difference =
      0.5 * 1.8 * 1.8 * (nand.find_pin("B")->capacitance_pf - nand.find_pin("A")->capacitance_pf);
  EXPECT_NEAR(result.energy_per_cycle_pj[5] - result.energy_per_cycle_pj[1],
              input_switching_difference + arc_b - arc_a, 1e-12);
}

// The figures the research note reports: uniform random int8 operands through the exact 8×8
// signed multiplier, zero delay, 10 ns clock (note: sky130 abc-mapped ≈ 2.15 pJ/op, OSU018
// abc-restructured ≈ 18.9 pJ/op; the sky130 cell subset here differs from the note's).
void report_energy_per_op(const std::filesystem::path& liberty_path, double low_pj, double high_pj) {
  auto json = test::yosys_netlist(test::kMultiplierVerilog, "mul8s", liberty_path);
  if (!json) GTEST_SKIP() << "yosys is not on PATH";
  liberty::Library library = liberty::read_liberty(liberty_path);
  GateNetlist netlist = load_yosys_netlist(*json, "mul8s", library);
  const std::size_t ops = 200000;
  ReplayOptions options;
  options.per_cycle_energy = true;
  ReplayResult result = replay(netlist, random_operands(ops, 11), options);
  nlohmann::json report = to_json(result.energy, ops);
  report["cells"] = stats(netlist).cells;
  report["area_um2"] = stats(netlist).area_um2;
  report["toggles_per_op"] = static_cast<double>(result.net_toggles) / ops;
  std::cout << library.name << ": " << report.dump() << "\n";
  double per_op = report["energy_pj_per_op"].get<double>();
  EXPECT_GT(per_op, low_pj);
  EXPECT_LT(per_op, high_pj);
  double per_cycle_sum = 0.0;
  for (double energy : result.energy_per_cycle_pj) per_cycle_sum += energy;
  double dynamic = result.energy.switching_pj + result.energy.internal_pj + result.energy.clock_pj;
  EXPECT_NEAR(per_cycle_sum, dynamic, 1e-9 * dynamic);
}

// Layers replayed together: each gets the dynamic components in proportion to its own dynamic
// energy and leakage for its own cycles, so the parts add up to the whole.
TEST(Replay, ShareOfAReplayAddsUpToItsTotal) {
  ReplayResult replayed;
  replayed.cycles = 10;
  replayed.energy = {6.0, 3.0, 1.0, 2.0};  // switching, internal, clock, leakage: dynamic 10 pJ
  const EnergyBreakdown first = share_of(replayed, 7.5, 4), second = share_of(replayed, 2.5, 6);
  EXPECT_DOUBLE_EQ(first.switching_pj, 4.5);
  EXPECT_DOUBLE_EQ(first.internal_pj, 2.25);
  EXPECT_DOUBLE_EQ(first.clock_pj, 0.75);
  EXPECT_DOUBLE_EQ(first.leakage_pj, 0.8);
  EXPECT_DOUBLE_EQ(first.total_pj() + second.total_pj(), replayed.energy.total_pj());
  EXPECT_DOUBLE_EQ(share_of(ReplayResult{}, 1.0, 3).total_pj(), 0.0);  // nothing replayed
}

// y = a XOR not(not(a)): constant 0 once settled, so zero delay sees no toggle on y; under unit
// delay a reaches the XOR two steps before its inverted copy does, and y pulses on every edge of a.
TEST(Replay, UnitDelayChargesTheGlitchZeroDelayCannotSee) {
  GateNetlist netlist = load_text(R"({"modules": {"glitch": {
    "ports": {"a": {"direction": "input", "bits": [2]}, "y": {"direction": "output", "bits": [5]}},
    "cells": {"u1": {"type": "INVX1", "connections": {"A": [2], "Y": [3]}},
              "u2": {"type": "INVX1", "connections": {"A": [3], "Y": [4]}},
              "u3": {"type": "XOR2X1", "connections": {"A": [2], "B": [4], "Y": [5]}}}}}})",
                                  "glitch");
  std::vector<std::uint64_t> a;
  for (int t = 0; t < 11; ++t) a.push_back(t & 1);
  ReplayOptions options;
  options.per_cycle_energy = true;
  const ReplayResult zero = replay(netlist, {{"a", a}}, options);
  options.delays = DelayModel::unit;
  const ReplayResult unit = replay(netlist, {{"a", a}}, options);
  EXPECT_EQ(zero.net_toggles, 30u);       // a, !a, a: 10 edges each
  EXPECT_EQ(unit.net_toggles, 30u + 20u);  // + y up and down on each of the 10 edges
  const NetId y = netlist.outputs().at(0).bits.at(0);
  EXPECT_EQ(zero.toggles_per_net[y], 0u);
  EXPECT_EQ(unit.toggles_per_net[y], 20u);
  EXPECT_EQ(unit.outputs.at("y"), zero.outputs.at("y"));  // settled values are zero delay's
  EXPECT_EQ(unit.high_cycles_per_net, zero.high_cycles_per_net);
  EXPECT_GT(unit.energy.switching_pj, zero.energy.switching_pj);
  EXPECT_GT(unit.energy.internal_pj, zero.energy.internal_pj);
  double per_cycle_sum = 0.0;
  for (double e : unit.energy_per_cycle_pj) per_cycle_sum += e;
  EXPECT_NEAR(per_cycle_sum, unit.energy.switching_pj + unit.energy.internal_pj + unit.energy.clock_pj, 1e-12);
}

// Without reconvergent paths there is nothing to glitch: unit delay charges what zero delay does.
TEST(Replay, UnitDelayEqualsZeroDelayOnAChain) {
  GateNetlist netlist = load_text(R"({"modules": {"chain": {
    "ports": {"a": {"direction": "input", "bits": [2]}, "y": {"direction": "output", "bits": [5]}},
    "cells": {"u1": {"type": "INVX1", "connections": {"A": [2], "Y": [3]}},
              "u2": {"type": "INVX1", "connections": {"A": [3], "Y": [4]}},
              "u3": {"type": "INVX1", "connections": {"A": [4], "Y": [5]}}}}}})",
                                  "chain");
  const std::vector<std::uint64_t> a = {0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0};
  ReplayOptions options;
  const ReplayResult zero = replay(netlist, {{"a", a}}, options);
  options.delays = DelayModel::unit;
  const ReplayResult unit = replay(netlist, {{"a", a}}, options);
  EXPECT_EQ(unit.toggles_per_net, zero.toggles_per_net);
  EXPECT_NEAR(unit.energy.switching_pj, zero.energy.switching_pj, 1e-12);
  EXPECT_NEAR(unit.energy.internal_pj, zero.energy.internal_pj, 1e-12);
}

// Two inputs meeting after unequal paths do glitch: NAND(!a, b) sees b a step before !a.
TEST(Replay, UnitDelaySeesUnequalArrivalAtAGate) {
  GateNetlist netlist = load_text(R"({"modules": {"meet": {
    "ports": {"a": {"direction": "input", "bits": [2]}, "b": {"direction": "input", "bits": [6]},
              "y": {"direction": "output", "bits": [4]}},
    "cells": {"u1": {"type": "INVX1", "connections": {"A": [2], "Y": [3]}},
              "u2": {"type": "NAND2X1", "connections": {"A": [3], "B": [6], "Y": [4]}}}}}})",
                                  "meet");
  // a = b: when both rise, the NAND sees b = 1 a step before !a falls, so y dips for one step;
  // when both fall, b = 0 already holds y at 1 while !a rises.
  const std::vector<std::uint64_t> a = {0, 1, 0, 1, 0, 1}, b = {0, 1, 0, 1, 0, 1};
  ReplayOptions options;
  const ReplayResult zero = replay(netlist, {{"a", a}, {"b", b}}, options);
  options.delays = DelayModel::unit;
  const ReplayResult unit = replay(netlist, {{"a", a}, {"b", b}}, options);
  const NetId y = netlist.outputs().at(0).bits.at(0);
  EXPECT_EQ(zero.toggles_per_net[y], 0u);  // y = !(!a & a) = 1 throughout once settled
  EXPECT_EQ(unit.toggles_per_net[y], 2u * 3u);  // a pulse on each of the three rising edges
  EXPECT_EQ(unit.outputs.at("y"), zero.outputs.at("y"));
}

// The exact multiplier under unit delay: the same products, more energy (its array glitches; the
// research note measured 1.25-1.9x with real path delays on EvoApprox designs).
TEST(Replay, UnitDelayMultiplierGlitchesAndKeepsItsProducts) {
  auto json = test::yosys_netlist(test::kMultiplierVerilog, "mul8s", test::osu018_library());
  if (!json) GTEST_SKIP() << "yosys is not on PATH";
  GateNetlist netlist = load_yosys_netlist(*json, "mul8s", osu018());
  const auto inputs = random_operands(3000, 13);
  ReplayOptions options;
  const ReplayResult zero = replay(netlist, inputs, options);
  options.delays = DelayModel::unit;
  const ReplayResult unit = replay(netlist, inputs, options);
  EXPECT_EQ(unit.outputs.at("p"), zero.outputs.at("p"));
  const double glitch_factor = (unit.energy.switching_pj + unit.energy.internal_pj) /
                               (zero.energy.switching_pj + zero.energy.internal_pj);
  std::printf("exact 8x8 multiplier, OSU018, unit delay: %.3f x the zero-delay dynamic energy, %.2f x the toggles\n",
              glitch_factor, static_cast<double>(unit.net_toggles) / static_cast<double>(zero.net_toggles));
  EXPECT_GT(glitch_factor, 1.2);
  EXPECT_LT(glitch_factor, 4.0);
  for (std::size_t net = 0; net < netlist.net_count(); ++net) {
    EXPECT_GE(unit.toggles_per_net[net], zero.toggles_per_net[net]) << "net " << net;  // glitches only add
  }
}

// Settled values under liberty delays are zero delay's; glitches only add toggles (a net whose
// settled value changed toggles an odd number of times, one that did not an even number).
void expect_settles_like_zero_delay(const ReplayResult& liberty, const ReplayResult& zero) {
  EXPECT_EQ(liberty.outputs, zero.outputs);
  EXPECT_EQ(liberty.high_cycles_per_net, zero.high_cycles_per_net);
  for (std::size_t net = 0; net < zero.toggles_per_net.size(); ++net) {
    EXPECT_GE(liberty.toggles_per_net[net], zero.toggles_per_net[net]) << "net " << net;
    EXPECT_EQ((liberty.toggles_per_net[net] - zero.toggles_per_net[net]) % 2, 0u) << "net " << net;
  }
}

ReplayResult replay_with(const GateNetlist& netlist, const std::map<std::string, std::vector<std::uint64_t>>& inputs,
                         DelayModel delays) {
  ReplayOptions options;
  options.delays = delays;
  options.per_cycle_energy = true;
  return replay(netlist, inputs, options);
}

// y = a XOR buf(buf(a)): a reaches the XOR about 200 ps before its buffered copy, longer than the
// XOR's own ~90 ps, so y pulses on every edge of a; zero delay sees y constant.
TEST(Replay, LibertyDelayChargesTheGlitchOfADelayedCopy) {
  GateNetlist netlist = load_text(R"({"modules": {"glitch": {
    "ports": {"a": {"direction": "input", "bits": [2]}, "y": {"direction": "output", "bits": [5]}},
    "cells": {"u1": {"type": "BUFX2", "connections": {"A": [2], "Y": [3]}},
              "u2": {"type": "BUFX2", "connections": {"A": [3], "Y": [4]}},
              "u3": {"type": "XOR2X1", "connections": {"A": [2], "B": [4], "Y": [5]}}}}}})",
                                  "glitch");
  std::vector<std::uint64_t> a;
  for (int t = 0; t < 11; ++t) a.push_back(t & 1);
  const ReplayResult zero = replay_with(netlist, {{"a", a}}, DelayModel::zero);
  const ReplayResult liberty = replay_with(netlist, {{"a", a}}, DelayModel::liberty);
  const NetId y = netlist.outputs().at(0).bits.at(0);
  EXPECT_EQ(zero.toggles_per_net[y], 0u);
  EXPECT_EQ(liberty.toggles_per_net[y], 20u);  // up and down on each of the 10 edges
  EXPECT_EQ(liberty.net_toggles, zero.net_toggles + 20u);
  expect_settles_like_zero_delay(liberty, zero);
  EXPECT_GT(liberty.energy.switching_pj, zero.energy.switching_pj);
  EXPECT_GT(liberty.energy.internal_pj, zero.energy.internal_pj);
  double per_cycle_sum = 0.0;
  for (double e : liberty.energy_per_cycle_pj) per_cycle_sum += e;
  EXPECT_NEAR(per_cycle_sum, liberty.energy.switching_pj + liberty.energy.internal_pj + liberty.energy.clock_pj,
              1e-12);
}

// y = buf(a) XOR buf(a): the copies arrive a few ps apart (the XOR's B pin is a little heavier),
// far less than the XOR's delay, so when it looks both have changed: no glitch.
TEST(Replay, LibertyDelayInputsMeetingTogetherDoNotGlitch) {
  GateNetlist netlist = load_text(R"({"modules": {"meet": {
    "ports": {"a": {"direction": "input", "bits": [2]}, "y": {"direction": "output", "bits": [5]}},
    "cells": {"u1": {"type": "BUFX2", "connections": {"A": [2], "Y": [3]}},
              "u2": {"type": "BUFX2", "connections": {"A": [2], "Y": [4]}},
              "u3": {"type": "XOR2X1", "connections": {"A": [3], "B": [4], "Y": [5]}}}}}})",
                                  "meet");
  const std::vector<std::uint64_t> a = {0, 1, 0, 1, 1, 0, 1};
  const ReplayResult zero = replay_with(netlist, {{"a", a}}, DelayModel::zero);
  const ReplayResult liberty = replay_with(netlist, {{"a", a}}, DelayModel::liberty);
  EXPECT_EQ(liberty.toggles_per_net, zero.toggles_per_net);
  EXPECT_NEAR(liberty.energy.total_pj(), zero.energy.total_pj(), 1e-12);
}

// y = NAND(not(not(not(a))), b) with b = a: the library's delays, not the depth, decide which edge
// glitches. b direct: on a rising edge b = 1 reaches the NAND ~120 ps before !a falls, y dips.
// b through three buffers (~250 ps) instead: now !a (three ~40 ps inverters) is first, and the dip
// comes on falling edges, where !a rises while b is still 1. Unit delay, seeing equal depths,
// glitches on neither in the second circuit.
GateNetlist nand_of_inverted_and_delayed(const char* b_cells, int b_net) {
  const std::string text = std::string(R"({"modules": {"race": {
    "ports": {"a": {"direction": "input", "bits": [2]}, "b": {"direction": "input", "bits": [10]},
              "y": {"direction": "output", "bits": [6]}},
    "cells": {"i1": {"type": "INVX1", "connections": {"A": [2], "Y": [3]}},
              "i2": {"type": "INVX1", "connections": {"A": [3], "Y": [4]}},
              "i3": {"type": "INVX1", "connections": {"A": [4], "Y": [5]}},)") +
                           b_cells + R"(
              "n": {"type": "NAND2X1", "connections": {"A": [5], "B": [)" + std::to_string(b_net) +
                           R"(], "Y": [6]}}}}}})";
  return load_text(text, "race");
}

TEST(Replay, LibertyDelaysDecideWhichEdgeGlitches) {
  const std::vector<std::uint64_t> a = {0, 1, 0, 1, 0, 1};  // three rising edges, two falling
  const std::map<std::string, std::vector<std::uint64_t>> inputs = {{"a", a}, {"b", a}};
  const GateNetlist b_direct = nand_of_inverted_and_delayed("", 10);
  const GateNetlist b_buffered = nand_of_inverted_and_delayed(R"(
              "b1": {"type": "BUFX2", "connections": {"A": [10], "Y": [11]}},
              "b2": {"type": "BUFX2", "connections": {"A": [11], "Y": [12]}},
              "b3": {"type": "BUFX2", "connections": {"A": [12], "Y": [13]}},)",
                                                              13);
  const NetId y = b_direct.outputs().at(0).bits.at(0);
  for (const GateNetlist* netlist : {&b_direct, &b_buffered}) {
    const ReplayResult zero = replay_with(*netlist, inputs, DelayModel::zero);
    EXPECT_EQ(zero.toggles_per_net[y], 0u);  // y = !(!a & a) = 1 once settled
    expect_settles_like_zero_delay(replay_with(*netlist, inputs, DelayModel::liberty), zero);
  }
  EXPECT_EQ(replay_with(b_direct, inputs, DelayModel::liberty).toggles_per_net[y], 2u * 3u);
  EXPECT_EQ(replay_with(b_buffered, inputs, DelayModel::liberty).toggles_per_net[y], 2u * 2u);
  EXPECT_EQ(replay_with(b_buffered, inputs, DelayModel::unit).toggles_per_net[y], 0u);
}

// The exact multiplier under liberty delays: the same products and settled nets, more energy, and
// a glitch factor below unit delay's (real delays are unequal, but pulses shorter than a gate's
// delay do not pass). The registered one too, its flops launching at their clock-to-Q delay.
TEST(Replay, LibertyDelayMultiplierGlitchesAndKeepsItsProducts) {
  auto json = test::yosys_netlist(test::kMultiplierVerilog, "mul8s", test::osu018_library());
  if (!json) GTEST_SKIP() << "yosys is not on PATH";
  GateNetlist netlist = load_yosys_netlist(*json, "mul8s", osu018());
  const auto inputs = random_operands(3000, 13);
  const ReplayResult zero = replay_with(netlist, inputs, DelayModel::zero);
  const ReplayResult liberty = replay_with(netlist, inputs, DelayModel::liberty);
  const ReplayResult unit = replay_with(netlist, inputs, DelayModel::unit);
  expect_settles_like_zero_delay(liberty, zero);
  auto dynamic = [](const ReplayResult& r) { return r.energy.switching_pj + r.energy.internal_pj; };
  const double glitch_factor = dynamic(liberty) / dynamic(zero);
  std::printf("exact 8x8 multiplier, OSU018, liberty delays: %.3f x the zero-delay dynamic energy (unit: %.3f)\n",
              glitch_factor, dynamic(unit) / dynamic(zero));
  EXPECT_GT(glitch_factor, 1.0);
  EXPECT_LT(glitch_factor, 4.0);

  auto registered = test::yosys_netlist(test::kRegisteredMultiplierVerilog, "mul8s_reg", test::osu018_library());
  ASSERT_TRUE(registered);
  GateNetlist flops = load_yosys_netlist(*registered, "mul8s_reg", osu018());
  ReplayOptions options;
  options.priming_vectors = 2;
  const ReplayResult flops_zero = replay(flops, inputs, options);
  options.delays = DelayModel::liberty;
  const ReplayResult flops_liberty = replay(flops, inputs, options);
  expect_settles_like_zero_delay(flops_liberty, flops_zero);
  EXPECT_DOUBLE_EQ(flops_liberty.energy.clock_pj, flops_zero.energy.clock_pj);
  EXPECT_GT(flops_liberty.energy.switching_pj, flops_zero.energy.switching_pj);
}

TEST(Replay, EnergyPerOpOsu018) { report_energy_per_op(test::osu018_library(), 12.0, 26.0); }
TEST(Replay, EnergyPerOpSky130) { report_energy_per_op(test::sky130_synthesis_library(), 1.5, 3.5); }

}  // namespace
}  // namespace tessera::traces::gate
