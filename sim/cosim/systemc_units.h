#pragma once
// The RTL this build verilated a second time with --sc (sim/cosim/CMakeLists.txt), for
// `tessera cosim --kernel systemc`: the verilated SC_MODULE is clocked by a SystemC testbench
// thread while the TLM model runs the same tiles in the same sc_start. Empty without Verilator.
//
// SystemC elaborates once per process and the TLM models share one process-wide system
// (models/tlm/tlm_system.h), so every testbench below is built before the first TLM run of the
// process; calling these entries after any other TLM run in the same process throws Error.
#include <vector>

#include "sim/cosim/verilated_units.h"

namespace tessera::cosim {

const std::vector<VerilatedApproxArray>& systemc_approx_arrays();
const std::vector<VerilatedMxChain>& systemc_mx_chains();
const std::vector<VerilatedOpticalPeriphery>& systemc_optical_peripheries();

}  // namespace tessera::cosim
