#pragma once
// Synthesis of RTL onto a real standard-cell library with Yosys, producing the gate netlist that
// traces/gate replays (JSON) and OpenSTA reads (Verilog), with Yosys' cell count and area.
//
// Flow: read_verilog -sv; hierarchy -top (with chparam); synth -flatten; dfflibmap; then either
// abc -liberty (Structure::restructure) or a one-to-one techmap of Yosys' simple gates onto library
// cells (Structure::keep, see structure_techmap.h); then splitnets, insbuf, rename -enumerate,
// stat -liberty, write_json, write_verilog (OpenSTA-2019-readable: no concatenated assigns).
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "traces/liberty/reader.h"

namespace tessera::power {

// How logic reaches library cells. `keep` maps each gate of Yosys' structural netlist to one cell
// (the RTL's adder/array structure survives); `restructure` lets abc re-synthesise the logic.
enum class Structure { keep, restructure };
std::string to_string(Structure structure);
// "keep" or "restructure"; anything else throws ConfigError listing both.
Structure parse_structure(std::string_view name);

struct SynthesisSpec {
  std::vector<std::filesystem::path> sources;                 // Verilog / SystemVerilog, read with -sv
  std::string top;                                            // top module
  std::vector<std::pair<std::string, std::string>> parameters;  // top-level parameter overrides
  std::filesystem::path liberty_file;                         // a plain .lib Yosys can read
  Structure structure = Structure::keep;
  // Yosys `share` (merging mutually exclusive arithmetic). Off (`synth -noshare`) for the optical
  // periphery: on its FP32 chains the SAT-based pass runs for many minutes, and each RTL operator
  // keeps its own cells, which is what `keep` is about.
  bool resource_sharing = true;
  std::filesystem::path work_dir;                             // required: the netlists are written here
};

struct SynthesisResult {
  std::filesystem::path netlist_json;     // Yosys write_json of the flattened, mapped design
  std::filesystem::path netlist_verilog;  // write_verilog -noattr -noexpr -nohex -nodec
  std::int64_t cells = 0;
  double area_um2 = 0.0;                  // Yosys `stat -liberty`
  std::map<std::string, std::int64_t> cells_by_type;
  std::string log;                        // Yosys' log
};

// Runs the flow. `library` is `liberty_file` parsed (to pick the buffer and, for keep, the cells
// each gate maps to). Throws InputError when Yosys rejects the design, Error when a tool is missing.
SynthesisResult synthesize_to_liberty(const SynthesisSpec& spec, const traces::liberty::Library& library);

}  // namespace tessera::power
