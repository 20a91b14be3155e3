// sim/power on circuits tessera did not write: the reference products come from Verilator, the
// netlist is checked against them, and broken designs give clear InputErrors.
#include <gtest/gtest.h>

#include <fstream>

#include "golden/common/data_path.h"
#include "golden/common/error.h"
#include "sim/power/characterize.h"
#include "sim/rtl/tools.h"
#include "tests/sim/power/power_test_support.h"
#include "tests/support/scratch_dir.h"

namespace tessera::power {
namespace {

std::string write(const tessera::test::ScratchDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.file(name);
  std::ofstream(path) << text;
  return path;
}

// A behavioural multiplier: Yosys builds its own (Booth-free) array from `*`.
const char* kBehavioural = R"(
module behavioural_mul(input [7:0] A, input [7:0] B, output [15:0] O);
  assign O = $signed(A) * $signed(B);
endmodule
)";

// Shift-and-add with other port names: sign-extended rows, the last (negatively weighted) row
// subtracted; a parameter that must reach it (SHIFT = 0 keeps it exact).
const char* kShiftAdd = R"(
module shift_add_mul #(parameter SHIFT = 1) (input [7:0] x, input [7:0] y, output [15:0] p);
  wire [15:0] xs = {{8{x[7]}}, x};
  reg [15:0] acc;
  integer i;
  always @* begin
    acc = 16'd0;
    for (i = 0; i < 7; i = i + 1) if (y[i]) acc = acc + (xs << i);
    if (y[7]) acc = acc - (xs << 7);
  end
  assign p = acc << SHIFT;
endmodule
)";

class ForeignCircuit : public ::testing::Test {
 protected:
  void SetUp() override {
    TESSERA_SKIP_WITHOUT_YOSYS();
    if (!rtl::tool_available(rtl::verilator_tool())) GTEST_SKIP() << "verilator is not installed";
  }
  tessera::test::ScratchDir dir_;
};

TEST_F(ForeignCircuit, BehaviouralAndShiftAddMultipliersCharacterise) {
  PowerSpec behavioural;
  behavioural.sources = {write(dir_, "behavioural.v", kBehavioural)};
  behavioural.top = "behavioural_mul";
  behavioural.library = "sky130";
  behavioural.uniform_ops = 5000;
  const PowerCharacterization a = characterize_power(behavioural);
  EXPECT_GT(a.cells, 50);
  EXPECT_GT(a.energy.switching_pj, 0.0);

  PowerSpec shift_add = behavioural;
  shift_add.sources = {write(dir_, "shift_add.v", kShiftAdd)};
  shift_add.top = "shift_add_mul";
  shift_add.parameters = {{"SHIFT", "0"}};
  shift_add.port_a = "x";
  shift_add.port_b = "y";
  shift_add.port_o = "p";
  const PowerCharacterization b = characterize_power(shift_add);
  EXPECT_GT(b.cells, 50);
  EXPECT_GT(b.energy_pj_per_op(), 0.0);
  // Same function, same operands: every output bit toggles identically, so the port-level
  // activity is shared; the designs differ only inside. Both must be plausible sky130 multipliers.
  EXPECT_GT(b.energy_pj_per_op(), 0.3 * a.energy_pj_per_op());
  EXPECT_LT(b.energy_pj_per_op(), 3.0 * a.energy_pj_per_op());
}

TEST_F(ForeignCircuit, BrokenDesignsGiveClearInputErrors) {
  PowerSpec spec;
  spec.library = "sky130";
  spec.uniform_ops = 100;
  spec.sources = {write(dir_, "broken.v", "module broken(input [7:0] A, input [7:0] B, output [15:0] O);\n"
                                          "  assign O = A * ;\nendmodule\n")};
  spec.top = "broken";
  test::expect_error<InputError>([&] { characterize_power(spec); }, {"broken.v", "Yosys cannot read"});
  spec.sources = {write(dir_, "narrow.v", "module narrow(input [7:0] A, input [3:0] B, output [15:0] O);\n"
                                          "  assign O = A * B;\nendmodule\n")};
  spec.top = "narrow";
  test::expect_error<InputError>([&] { characterize_power(spec); }, {"port 'B'", "8 bits"});
  spec.sources = {write(dir_, "missing.v", "")};
  spec.sources = {dir_.path() / "does_not_exist.v"};
  test::expect_error<InputError>([&] { characterize_power(spec); }, {"does_not_exist.v"});
}

// Circuits from another project (EvoApprox8b, MIT, tests/data/evoapprox8b/README.md): a published
// gate-level unsigned array multiplier inside a sign-magnitude wrapper characterises on both
// libraries, and the published approximate circuit that instantiates an undefined module is refused
// with the module named.
TEST_F(ForeignCircuit, EvoApproxArrayMultiplierCharacterisesOnBothLibraries) {
  for (const char* library : {"sky130", "osu018"}) {
    PowerSpec spec;
    spec.sources = {data_path("tests/data/evoapprox8b/signed_wrapper.v"),
                    data_path("tests/data/evoapprox8b/mul8_RippleCarryArrayMultiplier.v")};
    spec.top = "signed_rcam";
    spec.library = library;
    spec.uniform_ops = 4000;
    const PowerCharacterization result = characterize_power(spec);  // netlist checked against Verilator
    EXPECT_GT(result.cells, 100) << library;
    EXPECT_GT(result.energy.switching_pj, 0.0) << library;
    EXPECT_GT(result.energy.internal_pj, 0.0) << library;
    EXPECT_GT(result.energy.leakage_pj, 0.0) << library;
    EXPECT_EQ(result.ops, 4000u);
  }
}

TEST_F(ForeignCircuit, PublishedCircuitWithAnUndefinedModuleIsRefused) {
  PowerSpec spec;
  spec.sources = {data_path("tests/data/evoapprox8b/mul8_001.v")};
  spec.top = "mul8_001";
  spec.uniform_ops = 100;
  try {
    characterize_power(spec);
    ADD_FAILURE() << "characterised a design that instantiates an undefined module";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("NPDKGEPDKGENNAND2X1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tessera::power
