#pragma once
// The typed content of a Liberty library that power estimation needs. Every quantity is
// converted to tessera's units on reading: ns, V, pF, nW, µm², and internal-power energies
// to pJ (the library's energy unit is capacitive_load_unit × voltage_unit²).
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tessera::traces::liberty {

// Conversion factors: one library unit expressed in tessera's unit.
struct Units {
  double time_ns = 1.0;
  double voltage_v = 1.0;
  double capacitance_pf = 1.0;
  double leakage_power_nw = 1.0;
  double energy_pj = 1.0;  // capacitance_pf × voltage_v²
};

struct TableTemplate {
  std::string name;
  std::string variable_1, variable_2;  // empty when the template has fewer dimensions
  std::vector<double> index_1, index_2;  // as written (library units)
};

// A lookup table indexed by input transition and output load. An empty axis means the table
// does not depend on that variable (1-D or scalar tables).
class Table {
 public:
  std::vector<double> input_transition_ns;
  std::vector<double> load_pf;
  std::vector<double> values;  // row-major: values[transition_index * load_count + load_index]

  // Bilinear interpolation inside the grid, linear extrapolation outside it (as STA tools do).
  double lookup(double input_transition_ns, double load_pf) const;
};

struct InternalPower {
  std::string related_pin;  // empty for an input pin's own (passive) power
  std::string when;
  std::optional<Table> rise_power;  // energy per rising output transition, pJ
  std::optional<Table> fall_power;

  // Mean energy of one transition, (rise + fall) / 2, at the given slew and load.
  double mean_energy_pj(double input_transition_ns, double load_pf) const;
};

// The timing arcs replay uses (liberty's timing_type): the combinational ones (also
// combinational_rise / _fall, and the default when no timing_type is given) and a flop's
// clock-to-output edges. Constraint arcs (setup, hold, recovery, ...) and clear/preset/tri-state
// arcs are not read.
enum class TimingType { combinational, rising_edge, falling_edge };

// One `timing` group of an output pin: the delay from `related_pin` to the pin, ns.
struct TimingArc {
  std::string related_pin;
  TimingType type = TimingType::combinational;
  std::string when;
  std::optional<Table> cell_rise;  // delay to a rising output
  std::optional<Table> cell_fall;

  // Mean of the rise and fall delays given (one of them when the other is absent; 0 for none).
  double mean_delay_ns(double input_transition_ns, double load_pf) const;
};

enum class PinDirection { input, output, inout, internal };

struct Pin {
  std::string name;
  PinDirection direction = PinDirection::input;
  double capacitance_pf = 0.0;
  std::string function;     // Liberty boolean expression; empty for inputs
  std::string three_state;  // enable condition of a tri-state output, empty otherwise
  bool clock = false;
  std::vector<InternalPower> internal_power;
  std::vector<TimingArc> timing;  // output pins: the arcs into this pin
};

// An `ff` or `latch` group. The state variables (IQ/IQN) appear in output pin functions.
struct SequentialGroup {
  std::string state;           // e.g. "IQ"
  std::string state_inverted;  // e.g. "IQN"
  std::string next_state;      // ff: next state function
  std::string clocked_on;      // ff: clock expression
  std::string data_in;         // latch
  std::string enable;          // latch
  std::string clear;
  std::string preset;
};

struct Cell {
  std::string name;
  double area_um2 = 0.0;
  double leakage_power_nw = 0.0;
  bool dont_touch = false;
  bool dont_use = false;
  std::vector<Pin> pins;
  std::optional<SequentialGroup> ff;
  std::optional<SequentialGroup> latch;

  const Pin* find_pin(std::string_view pin_name) const;
  bool is_flop() const { return ff.has_value(); }
};

struct Library {
  std::string name;
  Units units;
  double nom_voltage_v = 0.0;
  double default_max_transition_ns = 0.0;  // 0 when the library gives none
  double default_input_pin_cap_pf = 0.0;
  double default_cell_leakage_power_nw = 0.0;
  std::map<std::string, TableTemplate> templates;  // lu_table_template and power_lut_template
  std::vector<Cell> cells;  // in file order

  const Cell* find_cell(std::string_view cell_name) const;

  // Rebuilds the name index; call after editing `cells` by hand.
  void index_cells();

 private:
  std::unordered_map<std::string, std::size_t> cell_index_;
};

}  // namespace tessera::traces::liberty
