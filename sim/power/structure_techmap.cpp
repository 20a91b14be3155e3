#include "sim/power/structure_techmap.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <optional>
#include <tuple>

#include "golden/common/error.h"
#include "traces/liberty/boolean_function.h"

namespace tessera::power {
namespace {

using traces::liberty::BooleanFunction;
using traces::liberty::Cell;
using traces::liberty::Library;
using traces::liberty::PinDirection;

// A Yosys simple gate: its input port names and its truth table (bit r = output for the input
// assignment whose bit i is input i).
struct GateDefinition {
  const char* type;
  std::vector<std::string> inputs;
  std::function<bool(const std::vector<bool>&)> output;
};

const std::vector<GateDefinition>& yosys_simple_gates() {
  using V = std::vector<bool>;
  static const std::vector<GateDefinition> gates = {
      {"$_BUF_", {"A"}, [](const V& x) { return x[0]; }},
      {"$_NOT_", {"A"}, [](const V& x) { return !x[0]; }},
      {"$_AND_", {"A", "B"}, [](const V& x) { return x[0] && x[1]; }},
      {"$_NAND_", {"A", "B"}, [](const V& x) { return !(x[0] && x[1]); }},
      {"$_OR_", {"A", "B"}, [](const V& x) { return x[0] || x[1]; }},
      {"$_NOR_", {"A", "B"}, [](const V& x) { return !(x[0] || x[1]); }},
      {"$_XOR_", {"A", "B"}, [](const V& x) { return x[0] != x[1]; }},
      {"$_XNOR_", {"A", "B"}, [](const V& x) { return x[0] == x[1]; }},
      {"$_ANDNOT_", {"A", "B"}, [](const V& x) { return x[0] && !x[1]; }},
      {"$_ORNOT_", {"A", "B"}, [](const V& x) { return x[0] || !x[1]; }},
      {"$_MUX_", {"A", "B", "S"}, [](const V& x) { return x[2] ? x[1] : x[0]; }},
      {"$_NMUX_", {"A", "B", "S"}, [](const V& x) { return !(x[2] ? x[1] : x[0]); }},
      {"$_AOI3_", {"A", "B", "C"}, [](const V& x) { return !((x[0] && x[1]) || x[2]); }},
      {"$_OAI3_", {"A", "B", "C"}, [](const V& x) { return !((x[0] || x[1]) && x[2]); }},
      {"$_AOI4_", {"A", "B", "C", "D"}, [](const V& x) { return !((x[0] && x[1]) || (x[2] && x[3])); }},
      {"$_OAI4_", {"A", "B", "C", "D"}, [](const V& x) { return !((x[0] || x[1]) && (x[2] || x[3])); }},
  };
  return gates;
}

std::uint64_t rows_mask(std::size_t inputs) { return (std::uint64_t{1} << (std::size_t{1} << inputs)) - 1; }

// Lane r carries the assignment r: input i is bit i of r.
std::uint64_t input_pattern(std::size_t input) {
  std::uint64_t word = 0;
  for (std::uint64_t r = 0; r < 64; ++r) word |= ((r >> input) & 1u) << r;
  return word;
}

std::uint64_t gate_truth_table(const GateDefinition& gate) {
  const std::size_t n = gate.inputs.size();
  std::uint64_t table = 0;
  for (std::uint64_t r = 0; r < (std::uint64_t{1} << n); ++r) {
    std::vector<bool> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = (r >> i) & 1u;
    if (gate.output(x)) table |= std::uint64_t{1} << r;
  }
  return table;
}

// The cell's inputs and its single logic output, or nothing when it is not a plain gate.
struct PlainGate {
  std::vector<std::string> inputs;
  std::string output;
  BooleanFunction function;
};

std::optional<PlainGate> plain_gate(const Cell& cell) {
  if (cell.dont_use || cell.is_flop() || cell.latch) return std::nullopt;
  PlainGate gate;
  int outputs = 0;
  std::string expression;
  for (const auto& pin : cell.pins) {
    if (pin.direction == PinDirection::input) {
      if (pin.clock) return std::nullopt;
      gate.inputs.push_back(pin.name);
    } else if (pin.direction == PinDirection::output) {
      if (pin.function.empty() || !pin.three_state.empty()) return std::nullopt;
      gate.output = pin.name;
      expression = pin.function;
      ++outputs;
    } else {
      return std::nullopt;
    }
  }
  if (outputs != 1 || gate.inputs.empty() || gate.inputs.size() > 4) return std::nullopt;
  gate.function = BooleanFunction::compile(expression, cell.name, gate.output);
  for (const auto& v : gate.function.variables()) {
    if (std::find(gate.inputs.begin(), gate.inputs.end(), v) == gate.inputs.end()) return std::nullopt;
  }
  return gate;
}

// The cell pin order (gate input i -> cell pin) that makes `cell` compute `gate`, if any.
std::optional<std::vector<std::string>> matching_pins(const PlainGate& cell, const GateDefinition& gate,
                                                      std::uint64_t truth_table) {
  if (cell.inputs.size() != gate.inputs.size()) return std::nullopt;
  std::vector<std::size_t> order(cell.inputs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const std::uint64_t mask = rows_mask(gate.inputs.size());
  do {
    // order[i]: the cell input that gate input i drives.
    std::vector<std::uint64_t> words;
    for (const auto& variable : cell.function.variables()) {
      const auto pin = std::find(cell.inputs.begin(), cell.inputs.end(), variable) - cell.inputs.begin();
      const auto input = std::find(order.begin(), order.end(), static_cast<std::size_t>(pin)) - order.begin();
      words.push_back(input_pattern(static_cast<std::size_t>(input)));
    }
    if ((cell.function.evaluate(words.data()) & mask) == truth_table) {
      std::vector<std::string> pins;
      for (std::size_t i = 0; i < order.size(); ++i) pins.push_back(cell.inputs[order[i]]);
      return pins;
    }
  } while (std::next_permutation(order.begin(), order.end()));
  return std::nullopt;
}

// The drive strength written in a cell's name: its last number (sky130 "nand2_1" -> 1, OSU
// "NAND2X1" -> 1); libraries give no drive attribute, and equal-area cells differ only in it.
int drive_in_name(const std::string& name) {
  const auto end = name.find_last_of("0123456789");
  if (end == std::string::npos) return 0;
  auto begin = end;
  while (begin > 0 && std::isdigit(static_cast<unsigned char>(name[begin - 1])) != 0) --begin;
  return std::stoi(name.substr(begin, end - begin + 1));
}

// Smaller is better: a non-clock cell (clock cells are for clock trees), then area, then the
// weakest drive (sky130 inv_1 and inv_2, OSU AND2X1 and AND2X2 have equal areas), leakage, name.
auto preference(const Cell& cell) {
  const bool clock_cell = cell.name.find("clk") != std::string::npos || cell.name.find("CLK") != std::string::npos;
  return std::make_tuple(clock_cell, cell.area_um2, drive_in_name(cell.name), cell.leakage_power_nw, cell.name);
}

std::optional<GateCell> best_cell(const Library& library, const GateDefinition& gate) {
  const std::uint64_t table = gate_truth_table(gate);
  std::optional<GateCell> best;
  const Cell* best_cell = nullptr;
  for (const Cell& cell : library.cells) {
    const auto plain = plain_gate(cell);
    if (!plain) continue;
    const auto pins = matching_pins(*plain, gate, table);
    if (!pins) continue;
    if (best_cell != nullptr && !(preference(cell) < preference(*best_cell))) continue;
    best_cell = &cell;
    best = GateCell{gate.type, cell.name, *pins, plain->output};
  }
  return best;
}

}  // namespace

std::vector<GateCell> gate_cells(const Library& library) {
  std::vector<GateCell> out;
  for (const auto& gate : yosys_simple_gates()) {
    if (auto cell = best_cell(library, gate)) out.push_back(std::move(*cell));
  }
  return out;
}

BufferCell smallest_buffer(const Library& library) {
  const auto buffer = best_cell(library, yosys_simple_gates().front());
  if (!buffer) throw ConfigError("cell library '" + library.name + "' has no buffer cell (function equal to its input)");
  return {buffer->cell, buffer->input_pins.front(), buffer->output_pin};
}

std::string structure_techmap_verilog(const Library& library) {
  std::string out = "// Generated by tessera (sim/power/structure_techmap.cpp): Yosys simple gates onto\n"
                    "// single cells of " + library.name + ", one cell per gate.\n";
  for (const auto& gate_cell : gate_cells(library)) {
    const auto& definition = *std::find_if(yosys_simple_gates().begin(), yosys_simple_gates().end(),
                                           [&](const GateDefinition& g) { return gate_cell.gate == g.type; });
    std::string ports, connections;
    for (std::size_t i = 0; i < definition.inputs.size(); ++i) {
      ports += definition.inputs[i] + ", ";
      connections += "." + gate_cell.input_pins[i] + "(" + definition.inputs[i] + "), ";
    }
    out += "module \\" + gate_cell.gate + " (" + ports + "Y);\n";
    for (const auto& input : definition.inputs) out += "  input " + input + ";\n";
    out += "  output Y;\n  \\" + gate_cell.cell + " _TECHMAP_REPLACE_ (" + connections + "." + gate_cell.output_pin +
           "(Y));\nendmodule\n";
  }
  return out;
}

}  // namespace tessera::power
