// sim/power: the cell libraries, the structure-preserving techmap, the generated tessera_hw_pkg
// and Yosys synthesis onto a real library.
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/power/cell_libraries.h"
#include "sim/power/hw_package.h"
#include "sim/power/structure_techmap.h"
#include "sim/power/synthesis.h"
#include "traces/liberty/subset.h"
#include "tests/sim/power/power_test_support.h"
#include "tests/support/scratch_dir.h"

namespace tessera::power {
namespace {

const GateCell* find_gate(const std::vector<GateCell>& cells, const std::string& gate) {
  const auto it = std::find_if(cells.begin(), cells.end(), [&](const GateCell& c) { return c.gate == gate; });
  return it == cells.end() ? nullptr : &*it;
}

TEST(CellLibraries, UnknownNameListsTheAcceptedOnes) {
  test::expect_error<ConfigError>([] { cell_library_file("tsmc7"); }, {"tsmc7", "sky130", "osu018"});
}

TEST(CellLibraries, MissingOsu018SaysHowToInstallIt) {
  ::setenv("TESSERA_OSU018_LIB", "/nonexistent/osu018_stdcells.lib", 1);
  test::expect_error<Error>([] { cell_library_file("osu018"); }, {"/nonexistent/osu018_stdcells.lib", "scripts/setup"});
  ::unsetenv("TESSERA_OSU018_LIB");
}

TEST(CellLibraries, Sky130SubsetKeepsOnlySynthesisCells) {
  const CellLibrary sky130 = cell_library("sky130");
  ASSERT_NE(sky130.library->find_cell("sky130_fd_sc_hd__nand2_1"), nullptr);
  for (const auto& cell : sky130.library->cells) {
    EXPECT_EQ(cell.name.find("lpflow"), std::string::npos) << cell.name;
    EXPECT_EQ(cell.name.find("dlygate"), std::string::npos) << cell.name;
    EXPECT_TRUE(traces::liberty::sky130_cell_is_usable_for_synthesis(cell.name)) << cell.name;
  }
  EXPECT_LT(sky130.library->cells.size(), 428u);  // the shipped library has 428 cells
  // Cached: a second request returns the same file.
  EXPECT_EQ(cell_library_file("sky130"), sky130.liberty_file);
}

// The OSU018 functions (osu018_stdcells.lib): AND2X1 "(A B)", XOR2X1 "(A^B)", INVX1 "(!A)",
// AOI21X1 "(!((A B)+C))", MUX2X1 "(!((S A) + (!S B)))" (inverting, so only $_NMUX_ maps to it,
// with the gate's B (selected by S=1) on the cell's A). X1 cells are the smallest of each kind.
TEST(StructureTechmap, Osu018GatesMapToTheSmallestCellOfTheSameFunction) {
  const auto cells = gate_cells(*cell_library("osu018").library);
  ASSERT_NE(find_gate(cells, "$_AND_"), nullptr);
  EXPECT_EQ(find_gate(cells, "$_AND_")->cell, "AND2X1");
  EXPECT_EQ(find_gate(cells, "$_XOR_")->cell, "XOR2X1");
  EXPECT_EQ(find_gate(cells, "$_NOT_")->cell, "INVX1");
  EXPECT_EQ(find_gate(cells, "$_AOI3_")->cell, "AOI21X1");
  EXPECT_EQ(find_gate(cells, "$_AOI3_")->input_pins, (std::vector<std::string>{"A", "B", "C"}));
  const GateCell* nmux = find_gate(cells, "$_NMUX_");
  ASSERT_NE(nmux, nullptr);
  EXPECT_EQ(nmux->cell, "MUX2X1");
  EXPECT_EQ(nmux->input_pins, (std::vector<std::string>{"B", "A", "S"}));
  EXPECT_EQ(find_gate(cells, "$_MUX_"), nullptr);  // no non-inverting mux in OSU018: abc maps it
  EXPECT_EQ(smallest_buffer(*cell_library("osu018").library).cell, "BUFX2");
}

// sky130: $_ANDNOT_ (A & !B) is nor2b (Y = !(A | !B_N)), the gate's B on the inverted input B_N.
TEST(StructureTechmap, Sky130PicksPlainCellsWithPinsPermuted) {
  const auto cells = gate_cells(*cell_library("sky130").library);
  const GateCell* not_gate = find_gate(cells, "$_NOT_");
  ASSERT_NE(not_gate, nullptr);
  EXPECT_EQ(not_gate->cell, "sky130_fd_sc_hd__inv_1");
  const GateCell* andnot = find_gate(cells, "$_ANDNOT_");
  ASSERT_NE(andnot, nullptr);
  EXPECT_EQ(andnot->cell, "sky130_fd_sc_hd__nor2b_1");
  EXPECT_EQ(andnot->input_pins, (std::vector<std::string>{"B_N", "A"}));
  const GateCell* mux = find_gate(cells, "$_MUX_");
  ASSERT_NE(mux, nullptr);
  EXPECT_EQ(mux->input_pins, (std::vector<std::string>{"A0", "A1", "S"}));
}

TEST(HwPackage, GeneratedFromTheParameterFile) {
  const std::string package = tessera_hw_package_source();
  EXPECT_NE(package.find("package tessera_hw_pkg;"), std::string::npos);
  EXPECT_NE(package.find("localparam int unsigned MulKindTrunc = 1;"), std::string::npos);
  EXPECT_NE(package.find("localparam int unsigned ApproxAccWidth = 32;"), std::string::npos);
  tessera::test::ScratchDir dir;
  const auto sources = with_tessera_hw_package(test::tessera_mul8s_sources(), dir.path());
  ASSERT_EQ(sources.size(), test::tessera_mul8s_sources().size() + 1);
  EXPECT_EQ(sources.front().filename(), "tessera_hw_pkg.sv");
}

TEST(Synthesis, RejectsBadStructureAndParameters) {
  test::expect_error<ConfigError>([] { parse_structure("flatten"); }, {"flatten", "keep", "restructure"});
  tessera::test::ScratchDir dir;
  SynthesisSpec spec;
  spec.sources = test::tessera_mul8s_sources();
  spec.top = "tessera_mul8s";
  spec.parameters = {{"MulKind", "1; exec rm"}};
  spec.liberty_file = cell_library_file("osu018");
  spec.work_dir = dir.path();
  test::expect_error<InputError>([&] { synthesize_to_liberty(spec, *cell_library("osu018").library); },
                                 {"MulKind=1; exec rm", "NAME=VALUE"});
}

// Both structures on the exact multiplier: the netlist has only library cells and Yosys' area.
TEST(Synthesis, ExactMultiplierOnOsu018BothStructures) {
  TESSERA_SKIP_WITHOUT_YOSYS();
  tessera::test::ScratchDir dir;
  const CellLibrary osu = cell_library("osu018");
  for (const Structure structure : {Structure::keep, Structure::restructure}) {
    SynthesisSpec spec;
    spec.sources = with_tessera_hw_package(test::tessera_mul8s_sources(), dir.path());
    spec.top = "tessera_mul8s";
    spec.liberty_file = osu.liberty_file;
    spec.structure = structure;
    spec.work_dir = dir.path() / to_string(structure);
    const SynthesisResult result = synthesize_to_liberty(spec, *osu.library);
    EXPECT_GT(result.cells, 100) << to_string(structure);
    std::int64_t by_type = 0;
    double area_um2 = 0.0;
    for (const auto& [type, n] : result.cells_by_type) {
      const auto* cell = osu.library->find_cell(type);
      ASSERT_NE(cell, nullptr) << type << " is not an OSU018 cell";
      by_type += n;
      area_um2 += cell->area_um2 * static_cast<double>(n);
    }
    EXPECT_EQ(by_type, result.cells);
    EXPECT_NEAR(result.area_um2, area_um2, 1e-6 * area_um2);  // Yosys' area = Σ cell areas
    EXPECT_TRUE(std::filesystem::is_regular_file(result.netlist_json));
    EXPECT_TRUE(std::filesystem::is_regular_file(result.netlist_verilog));
    if (structure == Structure::keep) {
      // One cell per Baugh-Wooley gate: the array's XOR gates survive as XOR2X1/XNOR2X1 cells.
      EXPECT_GT(result.cells_by_type.count("XOR2X1"), 0u);
    }
  }
}

}  // namespace
}  // namespace tessera::power
