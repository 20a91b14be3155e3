#include "tests/sim/power/power_test_support.h"

#include "golden/common/data_path.h"
#include "sim/rtl/tools.h"

namespace tessera::power::test {

std::vector<std::filesystem::path> tessera_mul8s_sources() {
  std::vector<std::filesystem::path> out;
  for (const char* file : {"tessera_approx_pkg.sv", "tessera_mul8s_bw.sv", "tessera_mul8s_exact.sv",
                           "tessera_mul8s_trunc.sv", "tessera_mul8s_bam.sv", "tessera_drum_operand.sv",
                           "tessera_mul8s_drum.sv", "tessera_mul8s_mitchell.sv", "tessera_mul8s.sv"}) {
    out.push_back(data_path(std::string("hw/approx/") + file));
  }
  return out;
}

PowerSpec tessera_mul8s_spec(const std::string& library, Structure structure, std::size_t ops) {
  PowerSpec spec;
  spec.sources = tessera_mul8s_sources();
  spec.top = "tessera_mul8s";
  spec.port_a = "a_i";
  spec.port_b = "b_i";
  spec.port_o = "p_o";
  spec.library = library;
  spec.structure = structure;
  spec.uniform_ops = ops;
  return spec;
}

bool yosys_available() { return rtl::tool_available(rtl::yosys_tool()); }

}  // namespace tessera::power::test
