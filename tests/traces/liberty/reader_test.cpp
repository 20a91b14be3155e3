#include "traces/liberty/reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "tests/support/scratch_dir.h"
#include "tests/traces/liberty/library_paths.h"

namespace tessera::traces::liberty {
namespace {

const Library& sky130() {
  static const Library library = read_liberty(test::sky130_library_path());
  return library;
}

const Library& osu018() {
  static const Library library = read_liberty(test::osu018_library_path());
  return library;
}

// Cell counts checked by hand: `zcat sky130_fd_sc_hd__tt_025C_1v80.lib.gz | grep -c '^    cell ('`
// gives 428 (cells are the only groups indented by four spaces named `cell`), and
// `grep -c '^cell (' osu018_stdcells.lib` gives 32.
TEST(Reader, Sky130CellsUnitsAndVoltage) {
  const Library& library = sky130();
  EXPECT_EQ(library.name, "sky130_fd_sc_hd__tt_025C_1v80");
  EXPECT_EQ(library.cells.size(), 428u);
  EXPECT_DOUBLE_EQ(library.units.time_ns, 1.0);        // time_unit : "1ns"
  EXPECT_DOUBLE_EQ(library.units.capacitance_pf, 1.0);  // capacitive_load_unit(1.0, "pf")
  EXPECT_DOUBLE_EQ(library.units.leakage_power_nw, 1.0);
  EXPECT_DOUBLE_EQ(library.units.energy_pj, 1.0);
  EXPECT_DOUBLE_EQ(library.nom_voltage_v, 1.8);
  EXPECT_DOUBLE_EQ(library.default_max_transition_ns, 1.5);
  ASSERT_TRUE(library.templates.count("power_outputs_1"));
  EXPECT_EQ(library.templates.at("power_outputs_1").variable_2, "total_output_net_capacitance");
}

TEST(Reader, Sky130InverterFields) {
  const Cell* inverter = sky130().find_cell("sky130_fd_sc_hd__inv_1");
  ASSERT_NE(inverter, nullptr);
  EXPECT_DOUBLE_EQ(inverter->area_um2, 3.7536);
  EXPECT_DOUBLE_EQ(inverter->leakage_power_nw, 0.005326682);
  const Pin* a = inverter->find_pin("A");
  const Pin* y = inverter->find_pin("Y");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(a->direction, PinDirection::input);
  EXPECT_DOUBLE_EQ(a->capacitance_pf, 0.002302);
  EXPECT_FALSE(a->clock);
  EXPECT_EQ(y->direction, PinDirection::output);
  EXPECT_EQ(y->function, "(!A)");
  ASSERT_EQ(y->internal_power.size(), 1u);
  EXPECT_EQ(y->internal_power[0].related_pin, "A");
  ASSERT_TRUE(y->internal_power[0].rise_power && y->internal_power[0].fall_power);
  EXPECT_EQ(y->internal_power[0].rise_power->input_transition_ns.size(), 7u);
  EXPECT_EQ(y->internal_power[0].rise_power->load_pf.size(), 7u);
}

TEST(Reader, Sky130FlipFlopGroup) {
  const Cell* flop = sky130().find_cell("sky130_fd_sc_hd__dfxtp_1");
  ASSERT_NE(flop, nullptr);
  ASSERT_TRUE(flop->ff);
  EXPECT_EQ(flop->ff->state, "IQ");
  EXPECT_EQ(flop->ff->state_inverted, "IQ_N");
  EXPECT_EQ(flop->ff->next_state, "D");
  EXPECT_EQ(flop->ff->clocked_on, "CLK");
  EXPECT_TRUE(flop->find_pin("CLK")->clock);
  EXPECT_EQ(flop->find_pin("CLK")->internal_power.size(), 1u);
  EXPECT_TRUE(flop->find_pin("CLK")->internal_power[0].related_pin.empty());
  const Cell* latch = sky130().find_cell("sky130_fd_sc_hd__dlxtp_1");
  ASSERT_NE(latch, nullptr);
  EXPECT_TRUE(latch->latch);
  EXPECT_FALSE(latch->ff);
}

// sky130 inv_1 Y rise_power, first two rows (transition 0.01 and 0.0230505800 ns) and
// first two columns (load 0.0005 and 0.0013351650 pF): 0.0077341 0.0092285 / 0.0075137 0.0089827.
TEST(Reader, TableLookupGridPointAndBilinear) {
  const Table& rise = *sky130().find_cell("sky130_fd_sc_hd__inv_1")->find_pin("Y")->internal_power[0].rise_power;
  EXPECT_DOUBLE_EQ(rise.lookup(0.01, 0.0005), 0.0077341);
  EXPECT_DOUBLE_EQ(rise.lookup(0.0230505800, 0.0013351650), 0.0089827);
  // A quarter along the transition axis, three quarters along the load axis:
  //   row 0: 0.25·0.0077341 + 0.75·0.0092285 = 0.0088549
  //   row 1: 0.25·0.0075137 + 0.75·0.0089827 = 0.00861545
  //   0.75·0.0088549 + 0.25·0.00861545 = 0.0087950375
  double transition = 0.01 + 0.25 * (0.0230505800 - 0.01);
  double load = 0.0005 + 0.75 * (0.0013351650 - 0.0005);
  EXPECT_NEAR(rise.lookup(transition, load), 0.0087950375, 1e-12);
  // Below the grid the first segment is extended linearly: one step left of 0.0005 pF gives
  // 2·0.0077341 − 0.0092285 at the first transition.
  EXPECT_NEAR(rise.lookup(0.01, 0.0005 - (0.0013351650 - 0.0005)), 2 * 0.0077341 - 0.0092285, 1e-12);
}

// OSU018's energy templates put the load on variable_1: the reader must transpose them.
// NAND2X1 Y fall_power related to A, file row load 0.0125 pF, column transition 0.18 ns: 0.006717;
// row 0.15 pF, column 0.06 ns: 0.007774.
TEST(Reader, Osu018TransposedTemplateAndCounts) {
  const Library& library = osu018();
  EXPECT_EQ(library.cells.size(), 32u);
  EXPECT_DOUBLE_EQ(library.nom_voltage_v, 1.8);
  const Pin* y = library.find_cell("NAND2X1")->find_pin("Y");
  EXPECT_EQ(y->function, "(!(A B))");
  ASSERT_EQ(y->internal_power.size(), 2u);
  const Table& fall = *y->internal_power[0].fall_power;
  EXPECT_EQ(y->internal_power[0].related_pin, "A");
  EXPECT_EQ(fall.input_transition_ns.front(), 0.06);
  EXPECT_EQ(fall.load_pf.front(), 0.005);
  EXPECT_DOUBLE_EQ(fall.lookup(0.18, 0.0125), 0.006717);
  EXPECT_DOUBLE_EQ(fall.lookup(0.06, 0.15), 0.007774);
  const Cell* flop = library.find_cell("DFFPOSX1");
  ASSERT_TRUE(flop->ff);
  EXPECT_EQ(flop->ff->state, "DS0000");
  EXPECT_EQ(flop->find_pin("Q")->function, "DS0000");
  // 1-D passive table on the clock pin, indexed by transition.
  const InternalPower& clock_power = flop->find_pin("CLK")->internal_power.at(0);
  EXPECT_TRUE(clock_power.rise_power->load_pf.empty());
  EXPECT_EQ(clock_power.rise_power->input_transition_ns.size(), 6u);
}

// Timing arcs: OSU018 puts the load on variable_1 of its delay templates too. INVX1 Y from A,
// file row load 0.005 pF, column transition 0.06 ns: cell_rise 0.037639, cell_fall 0.030906;
// row 0.0125 pF, column 0.18 ns: cell_fall 0.057551. NAND2X1 Y from A, row 0.025, column 0.42:
// cell_fall 0.077906.
TEST(Reader, Osu018TimingArcsAtGridPoints) {
  const Pin* y = osu018().find_cell("INVX1")->find_pin("Y");
  ASSERT_EQ(y->timing.size(), 1u);
  const TimingArc& arc = y->timing[0];
  EXPECT_EQ(arc.related_pin, "A");
  EXPECT_EQ(arc.type, TimingType::combinational);  // no timing_type: combinational
  ASSERT_TRUE(arc.cell_rise && arc.cell_fall);
  EXPECT_DOUBLE_EQ(arc.cell_rise->lookup(0.06, 0.005), 0.037639);
  EXPECT_DOUBLE_EQ(arc.cell_fall->lookup(0.06, 0.005), 0.030906);
  EXPECT_DOUBLE_EQ(arc.cell_fall->lookup(0.18, 0.0125), 0.057551);
  EXPECT_DOUBLE_EQ(arc.mean_delay_ns(0.06, 0.005), (0.037639 + 0.030906) / 2);
  const Pin* nand = osu018().find_cell("NAND2X1")->find_pin("Y");
  ASSERT_EQ(nand->timing.size(), 2u);
  EXPECT_EQ(nand->timing[0].related_pin, "A");
  EXPECT_EQ(nand->timing[1].related_pin, "B");
  EXPECT_DOUBLE_EQ(nand->timing[0].cell_fall->lookup(0.42, 0.025), 0.077906);
  // A flop keeps its clock-to-Q arc; the setup and hold arcs on D are constraints, not read.
  const Cell* flop = osu018().find_cell("DFFPOSX1");
  ASSERT_EQ(flop->find_pin("Q")->timing.size(), 1u);
  EXPECT_EQ(flop->find_pin("Q")->timing[0].type, TimingType::rising_edge);
  EXPECT_EQ(flop->find_pin("Q")->timing[0].related_pin, "CLK");
  EXPECT_TRUE(flop->find_pin("D")->timing.empty());
}

// SKY130 inv_1 Y from A (del_1_7_7: transition on variable_1), transition 0.01 ns, load 0.0005 pF:
// cell_rise 0.0203433, cell_fall 0.0143656; transition 0.0230506, load 0.00133517: cell_fall 0.021991.
TEST(Reader, Sky130TimingArcsAtGridPoints) {
  const Pin* y = sky130().find_cell("sky130_fd_sc_hd__inv_1")->find_pin("Y");
  ASSERT_EQ(y->timing.size(), 1u);
  EXPECT_EQ(y->timing[0].type, TimingType::combinational);
  EXPECT_DOUBLE_EQ(y->timing[0].cell_rise->lookup(0.01, 0.0005), 0.0203433);
  EXPECT_DOUBLE_EQ(y->timing[0].cell_fall->lookup(0.01, 0.0005), 0.0143656);
  EXPECT_DOUBLE_EQ(y->timing[0].cell_fall->lookup(0.0230506, 0.00133517), 0.021991);
  const Cell* flop = sky130().find_cell("sky130_fd_sc_hd__dfxtp_1");
  ASSERT_EQ(flop->find_pin("Q")->timing.size(), 1u);
  EXPECT_EQ(flop->find_pin("Q")->timing[0].type, TimingType::rising_edge);
  EXPECT_EQ(flop->find_pin("Q")->timing[0].related_pin, "CLK");
}

constexpr const char* kTinyLibrary = R"(/* a library in other units */
library (tiny) {
  time_unit : "1ps";
  voltage_unit : "1mV";
  leakage_power_unit : "1pW";
  capacitive_load_unit (2, ff);
  nom_voltage : 1200;
  power_lut_template (t2) {
    variable_1 : input_transition_time;
    variable_2 : total_output_net_capacitance;
    index_1 ("100, 200");
    index_2 ("1, 3");
  }
  cell (BUF) {
    area : 2.5;
    cell_leakage_power : 500;
    dont_use : true;
    pin (A) { direction : input; capacitance : 1.5; }
    pin (Y) {
      direction : output;
      function : "A";
      internal_power () {
        related_pin : "A";
        rise_power (t2) { values ("1, 2", \
                                  "3, 4"); }
        fall_power (t2) { values ("5, 6", "7, 8"); }
      }
      timing () {
        related_pin : "A";
        cell_rise (t2) { values ("10, 20", "30, 40"); }
        cell_fall (scalar) { values ("50"); }
      }
      timing () {
        related_pin : "A";
        timing_type : setup_rising;
        rise_constraint (t2) { values ("1, 1", "1, 1"); }
      }
    }
  }
}
)";

TEST(Reader, ConvertsUnits) {
  Library library = parse_liberty(kTinyLibrary, "tiny.lib");
  EXPECT_DOUBLE_EQ(library.units.time_ns, 1e-3);
  EXPECT_DOUBLE_EQ(library.units.voltage_v, 1e-3);
  EXPECT_DOUBLE_EQ(library.units.capacitance_pf, 2e-3);
  EXPECT_DOUBLE_EQ(library.nom_voltage_v, 1.2);
  const Cell& cell = library.cells.at(0);
  EXPECT_TRUE(cell.dont_use);
  EXPECT_DOUBLE_EQ(cell.leakage_power_nw, 0.5);
  EXPECT_DOUBLE_EQ(cell.find_pin("A")->capacitance_pf, 3e-3);
  const InternalPower& power = cell.find_pin("Y")->internal_power.at(0);
  // energy unit = 2 fF × (1 mV)² = 2e-3 pF × 1e-6 V² = 2e-9 pJ; axes 0.1/0.2 ns and 2/6 fF.
  EXPECT_DOUBLE_EQ(power.rise_power->lookup(0.2, 0.006), 4 * 2e-9);
  EXPECT_DOUBLE_EQ(power.mean_energy_pj(0.1, 0.002), (1 + 5) / 2.0 * 2e-9);
  // Delays in ps; the setup arc is a constraint and is not read.
  const Pin& y = *cell.find_pin("Y");
  ASSERT_EQ(y.timing.size(), 1u);
  EXPECT_DOUBLE_EQ(y.timing[0].cell_rise->lookup(0.2, 0.006), 0.040);
  EXPECT_DOUBLE_EQ(y.timing[0].mean_delay_ns(0.1, 0.002), (0.010 + 0.050) / 2);
}

std::string error_of(const std::string& text) {
  try {
    parse_liberty(text, "bad.lib");
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

TEST(Reader, ParseErrorsNameLineAndExpectation) {
  std::string text = kTinyLibrary;
  std::string unclosed = text.substr(0, text.rfind('}'));
  EXPECT_NE(error_of(unclosed).find("bad.lib:"), std::string::npos);
  EXPECT_NE(error_of(unclosed).find("expected '}'"), std::string::npos) << error_of(unclosed);
  std::string bad_number = text;
  bad_number.replace(bad_number.find("area : 2.5"), 10, "area : 2.x");
  EXPECT_NE(error_of(bad_number).find("bad.lib:15: area: expected a number"), std::string::npos)
      << error_of(bad_number);
  std::string wrong_count = text;
  wrong_count.replace(wrong_count.find("\"5, 6\", "), 8, "");
  EXPECT_NE(error_of(wrong_count).find("2 x 2 numbers, got 2"), std::string::npos) << error_of(wrong_count);
  std::string missing_colon = text;
  missing_colon.replace(missing_colon.find("area : 2.5"), 10, "area 2.5");
  EXPECT_NE(error_of(missing_colon).find("bad.lib:15: expected ':' or '('"), std::string::npos)
      << error_of(missing_colon);
  std::string unknown_template = text;
  unknown_template.replace(unknown_template.find("rise_power (t2)"), 15, "rise_power (t9)");
  EXPECT_NE(error_of(unknown_template).find("a defined template, got 't9'"), std::string::npos);
  EXPECT_NE(error_of("cell (X) { }").find("expected 'library'"), std::string::npos);
  std::string short_delays = text;
  short_delays.replace(short_delays.find("\"30, 40\""), 8, "\"30\"");
  EXPECT_NE(error_of(short_delays).find("cell BUF pin Y cell_rise values: expected 2 x 2 numbers, got 3"),
            std::string::npos)
      << error_of(short_delays);
}

TEST(Reader, UnreadableAndTruncatedFiles) {
  EXPECT_THROW(read_liberty("/nonexistent/none.lib"), InputError);
  test::ScratchDir scratch;
  std::string compressed = io::read_file(test::sky130_library_path().string());
  std::string truncated = scratch.file("truncated.lib.gz");
  io::write_file_atomically(truncated, compressed.substr(0, compressed.size() / 2));
  try {
    read_liberty(truncated);
    FAIL() << "a truncated .gz must not parse";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("truncated.lib.gz"), std::string::npos) << error.what();
  }
  std::string corrupt = compressed;
  for (std::size_t i = 1000; i < 1100; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  std::string corrupt_path = scratch.file("corrupt.lib.gz");
  io::write_file_atomically(corrupt_path, corrupt);
  EXPECT_THROW(read_liberty(corrupt_path), InputError);
}

}  // namespace
}  // namespace tessera::traces::liberty
