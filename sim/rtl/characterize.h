#pragma once
// Characterising a user's 8x8 signed multiplier circuit given as Verilog: its 256x256 table
// (by simulating all 65,536 operand pairs with Verilator) and its size (Yosys `synth; stat -tech
// cmos`), next to the same figures for tessera's exact multiplier (hw/approx/tessera_mul8s_exact.sv).
//
// Needs `yosys` and `verilator` (with a C++ compiler and make) at run time: on PATH, or named by
// the environment variables TESSERA_YOSYS and TESSERA_VERILATOR.
//
// Errors: tessera::InputError for anything wrong with the design, quoting the tool's message:
// a missing file, a syntax error, an unknown top, a missing port, a port of the wrong width or
// direction, an extra input, a flip-flop or latch (the circuit must be combinational).
// tessera::Error when a tool is missing or fails for a reason that is not the design's.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "golden/approx/table.h"

namespace tessera::rtl {

// What to characterise. The circuit computes O = A * B (approximately) on two's-complement
// operands: A is port A (the activation), B port B (the weight), O the 16-bit product.
struct RtlMultiplierSpec {
  std::vector<std::filesystem::path> sources;  // Verilog / SystemVerilog files (read with -sv)
  std::string top;                             // the multiplier module
  std::string port_a = "A";                    // input, 8 bits
  std::string port_b = "B";                    // input, 8 bits
  std::string port_o = "O";                    // output, 16 bits
  // Where the tools work. Empty: a fresh directory under the system temp dir, removed afterwards.
  // Given: used (created if needed) and kept, with the tools' logs in it.
  std::filesystem::path work_dir;
};

// Yosys figures of one synthesised design (`synth -flatten -top M; stat -tech cmos`): generic
// gate cells, and the CMOS transistor estimate (Yosys' per-gate transistor counts) as the area.
struct SynthesisFigures {
  std::int64_t cells = 0;
  std::int64_t transistors = 0;                        // area estimate, transistors
  std::map<std::string, std::int64_t> cells_by_type;   // e.g. "$_AND_" -> 47
};

struct RtlCharacterization {
  std::string top;
  std::vector<std::int16_t> products;  // 65,536 entries, index (uint8(a) << 8) | uint8(b)
  SynthesisFigures circuit;            // the user's circuit
  SynthesisFigures exact_reference;    // tessera_mul8s_exact through the same flow
  double cell_ratio() const;           // circuit.cells / exact_reference.cells
  double transistor_ratio() const;     // circuit.transistors / exact_reference.transistors
  // The products as a golden table, named `name` (default: the top module's name).
  approx::MultiplierTable table(std::string name = {}) const;
};

// The whole flow: check the interface, simulate every pair, synthesise the circuit and the exact
// reference.
RtlCharacterization characterize_rtl_multiplier(const RtlMultiplierSpec& spec);

// The steps, for callers that need only one. Each uses spec.work_dir like the whole flow.
// Checks ports, widths, directions and combinational-ness with Yosys; throws InputError.
void check_rtl_multiplier_interface(const RtlMultiplierSpec& spec);
// Verilates the design with a generated harness and returns the 65,536 products.
std::vector<std::int16_t> simulate_rtl_multiplier(const RtlMultiplierSpec& spec);
// `synth -flatten -top top; stat -tech cmos` on the given sources. When `netlist_out` is given,
// the synthesised gate netlist is also written there (`write_verilog -noattr`), e.g. to simulate
// it and confirm that synthesis kept the function.
SynthesisFigures synthesize_rtl(const std::vector<std::filesystem::path>& sources, const std::string& top,
                                const std::filesystem::path& work_dir = {},
                                const std::filesystem::path& netlist_out = {});
// The exact reference's figures (computed once per process).
const SynthesisFigures& exact_reference_figures();

}  // namespace tessera::rtl
