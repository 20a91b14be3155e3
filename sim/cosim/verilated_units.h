#pragma once
// The RTL this build verilated for co-simulation (sim/cosim/CMakeLists.txt lists it): Verilator
// fixes array size, multiplier and formats at build time, so these are the only combinations
// `tessera cosim` can run. Empty when the build had no Verilator.
#include <cstdint>
#include <string>
#include <vector>

#include "models/approx/approx_array.h"
#include "models/mx/mx_unit.h"
#include "models/optical/optical_array.h"
#include "sim/cosim/cosim_result.h"

namespace tessera::cosim {

struct VerilatedApproxArray {
  std::string multiplier;  // golden catalog name the MulKind/MulP0/MulP1 parameters implement
  std::uint64_t rows = 0, cols = 0;
  CosimResult (*cosim)(const models::ApproxArrayConfig& config, const models::GemmShape& shape,
                       std::uint64_t m_tile, std::uint64_t seed) = nullptr;
};

struct VerilatedMxChain {
  std::string format_a, format_b;  // golden element format names
  CosimResult (*cosim)(const models::MxUnitConfig& config, const models::GemmShape& shape,
                       std::uint64_t seed) = nullptr;
};

// The optical array's digital periphery (hw/optical/tessera_optical_periphery.sv) at one array
// size; the analog core between its DACs and ADCs is C++ (sim/cosim/optical_cosim.h).
struct VerilatedOpticalPeriphery {
  std::uint64_t rows = 0, cols = 0, wavelengths = 0;
  CosimResult (*cosim)(const models::OpticalArrayConfig& config, const models::GemmShape& shape,
                       std::uint64_t seed) = nullptr;
};

const std::vector<VerilatedApproxArray>& verilated_approx_arrays();
const std::vector<VerilatedMxChain>& verilated_mx_chains();
const std::vector<VerilatedOpticalPeriphery>& verilated_optical_peripheries();

}  // namespace tessera::cosim
