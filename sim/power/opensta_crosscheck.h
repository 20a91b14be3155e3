#pragma once
// Cross-check of our gate-level switching and leakage power against OpenSTA (Debian `opensta`,
// 2.0.17 / 2019; TESSERA_STA names another binary) on the same simulated activities.
//
// OpenSTA 2.0.17 reads neither VCD nor SAIF, its `set_power_activity -pins` is broken, and per-pin
// activities set before the first `report_power` are overwritten by its own propagation. The
// generated script therefore (research note power.md §1.3): reads the library and netlist, makes a
// clock, runs report_power once, then sets every input port bit (`set_power_activity
// -input_ports`) and every cell pin (`sta::set_power_pin_activity`) to the simulated activity
// (toggles per cycle) and duty (cycles high / cycles) of its net, and runs `report_power -digits 6`.
// Internal power is reported too but not comparable: 2.0.17 sums the arcs of multi-input cells
// (~2x) and reports 0 for sky130.
//
// Measured with Debian's 2.0.17 on our netlists (README.md): the per-pin annotation has NO effect
// (activities 0.3 and 3.0 on every pin give identical reports), so the annotated switching power is
// OpenSTA's own propagation from the annotated input ports, not our activities. The script therefore
// also asks for a second report with one activity (0.5 per cycle) on every net, which our model is
// evaluated at too: that compares the switching model (loads, voltage, units) like for like.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/power/cell_libraries.h"
#include "traces/gate/netlist.h"

namespace tessera::power {

// Simulated activity of every net of a netlist over `cycles` cycles, with our own energies.
struct NetActivity {
  std::uint64_t cycles = 0;
  std::vector<std::uint64_t> toggles_per_net;      // indexed by net
  std::vector<std::uint64_t> high_cycles_per_net;  // indexed by net
  double switching_pj = 0.0, internal_pj = 0.0, leakage_pj = 0.0;
};

struct OpenStaComparison {
  // Average power over the run, mW (pJ / ns).
  double sta_switching_mw = 0.0, sta_internal_mw = 0.0, sta_leakage_mw = 0.0;
  double own_switching_mw = 0.0, own_internal_mw = 0.0, own_leakage_mw = 0.0;
  // Our switching power counted as OpenSTA counts it: nets driven by cells only (input-port nets
  // have no driving instance there) and no load on output ports.
  double own_switching_cell_driven_mw = 0.0;
  double switching_relative_difference() const;  // (sta - own_cell_driven) / own_cell_driven
  // Both at activity 0.5 on every cell-driven net (second report).
  double sta_uniform_switching_mw = 0.0, own_uniform_switching_mw = 0.0;
  double uniform_switching_relative_difference() const;
  double leakage_relative_difference() const;    // (sta - own) / own
  std::size_t annotated_pins = 0;
  std::string script;  // path of the Tcl script, kept in the work dir
  nlohmann::json to_json() const;
};

// The Tcl script (see above). `netlist_verilog` is what synthesis wrote; `top` its module.
std::string opensta_power_script(const traces::gate::GateNetlist& netlist, const NetActivity& activity,
                                 const std::filesystem::path& liberty_file,
                                 const std::filesystem::path& netlist_verilog, const std::string& top,
                                 double clock_period_ns);

// Writes the script into `work_dir`, runs OpenSTA and parses its totals. Throws Error when `sta`
// is missing or fails (the message quotes it).
OpenStaComparison opensta_crosscheck(const traces::gate::GateNetlist& netlist, const NetActivity& activity,
                                     const CellLibrary& library, const std::filesystem::path& netlist_verilog,
                                     const std::string& top, double clock_period_ns,
                                     const std::filesystem::path& work_dir);

// True when the OpenSTA binary can be run (for callers that skip the cross-check without it).
bool opensta_available();

}  // namespace tessera::power
