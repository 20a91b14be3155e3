#pragma once
// The cells that Yosys' simple gates ($_NOT_, $_AND_, $_XOR_, $_MUX_, ...) map to one-to-one in a
// given library, found by the cells' Liberty functions (truth tables), for Structure::keep.
#include <string>
#include <vector>

#include "traces/liberty/reader.h"

namespace tessera::power {

// A library cell standing in for one gate: `input_pins[i]` takes the gate's i-th input.
struct GateCell {
  std::string gate;                     // Yosys type, e.g. "$_AND_"
  std::string cell;                     // library cell, e.g. "AND2X1"
  std::vector<std::string> input_pins;  // in the gate's input order (A, B, S / C, D)
  std::string output_pin;
};

struct BufferCell {
  std::string cell, input_pin, output_pin;
};

// For each Yosys simple gate, the smallest combinational single-output cell of `library` (a non-clock
// cell first, then by area, then the weakest drive) whose function equals the gate's under some
// assignment of its input pins. Gates with no such cell are left out (abc maps them later).
std::vector<GateCell> gate_cells(const traces::liberty::Library& library);

// The smallest non-inverting buffer (for insbuf). Throws ConfigError when the library has none.
BufferCell smallest_buffer(const traces::liberty::Library& library);

// A Yosys techmap file replacing each gate of gate_cells(library) by its cell.
std::string structure_techmap_verilog(const traces::liberty::Library& library);

}  // namespace tessera::power
