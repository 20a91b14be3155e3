#pragma once
// Gate netlists for the tests, made by Yosys from tiny Verilog and cached between test processes.
#include <filesystem>
#include <optional>
#include <string>

namespace tessera::test {

// Synthesizes `verilog` (module `top`) onto `liberty` with the research note's script
// (synth -flatten, dfflibmap, abc -liberty, splitnets, rename -enumerate) and returns the JSON
// netlist; the Yosys `stat -liberty` report lies beside it with extension .stat. Nothing when
// yosys is not on PATH.
std::optional<std::filesystem::path> yosys_netlist(const std::string& verilog, const std::string& top,
                                                   const std::filesystem::path& liberty);

// The SKY130 library restricted to sky130_synthesis_cells (cached).
std::filesystem::path sky130_synthesis_library();
std::filesystem::path osu018_library();

// "Chip area" from a Yosys stat report.
double yosys_chip_area(const std::filesystem::path& stat_report);

}  // namespace tessera::test
