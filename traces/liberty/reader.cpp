#include "traces/liberty/reader.h"

#include <cctype>
#include <cstdlib>
#include <optional>
#include <utility>

#include "golden/common/error.h"
#include "traces/liberty/syntax.h"

namespace tessera::traces::liberty {

namespace {

class TypedReader {
 public:
  TypedReader(const Group& root, const std::string& source) : root_(root), source_(source) {}

  Library read() {
    if (root_.type != "library") {
      fail(root_.line, "top-level group", "'library', got '" + root_.type + "'");
    }
    library_.name = root_.args.empty() ? std::string() : root_.args.front();
    read_units();
    read_defaults();
    for (const Group& group : root_.groups) {
      if (group.type == "lu_table_template" || group.type == "power_lut_template") {
        read_template(group);
      }
    }
    for (const Group& group : root_.groups) {
      if (group.type == "cell") library_.cells.push_back(read_cell(group));
    }
    library_.index_cells();
    return std::move(library_);
  }

 private:
  [[noreturn]] void fail(int line, const std::string& field, const std::string& expected) const {
    throw InputError(source_ + ":" + std::to_string(line) + ": " + field + ": expected " + expected);
  }

  double number(const std::string& text, int line, const std::string& field) const {
    const char* begin = text.c_str();
    char* end = nullptr;
    double value = std::strtod(begin, &end);
    while (end && std::isspace(static_cast<unsigned char>(*end))) ++end;
    if (end == begin || *end != '\0') fail(line, field, "a number, got '" + text + "'");
    return value;
  }

  double number_attribute(const Group& group, std::string_view name, double fallback) const {
    const Attribute* attribute = group.find(name);
    if (!attribute) return fallback;
    if (attribute->values.empty()) fail(attribute->line, std::string(name), "a value");
    return number(attribute->value(), attribute->line, std::string(name));
  }

  std::string string_attribute(const Group& group, std::string_view name) const {
    const Attribute* attribute = group.find(name);
    return attribute && !attribute->values.empty() ? attribute->value() : std::string();
  }

  // "a, b, c" (possibly over several quoted strings) -> numbers.
  std::vector<double> number_list(const Attribute& attribute) const {
    std::vector<double> numbers;
    for (const std::string& text : attribute.values) {
      const char* cursor = text.c_str();
      while (true) {
        while (*cursor == ' ' || *cursor == ',' || *cursor == '\t' || *cursor == '\n' ||
               *cursor == '\r') {
          ++cursor;
        }
        if (*cursor == '\0') break;
        char* end = nullptr;
        double value = std::strtod(cursor, &end);
        if (end == cursor) {
          fail(attribute.line, attribute.name, "comma-separated numbers, got '" + text + "'");
        }
        numbers.push_back(value);
        cursor = end;
      }
    }
    return numbers;
  }

  // "1ns", "100ps", "1V", "1nW": the number times the unit's size in tessera's unit.
  double unit_attribute(std::string_view name,
                        const std::vector<std::pair<std::string, double>>& units,
                        double fallback) const {
    const Attribute* attribute = root_.find(name);
    if (!attribute) return fallback;
    const std::string& text = attribute->value();
    const char* begin = text.c_str();
    char* end = nullptr;
    double scale = std::strtod(begin, &end);
    if (end == begin) scale = 1.0;
    std::string unit(end);
    return scale * unit_factor(unit, units, attribute->line, std::string(name));
  }

  double unit_factor(std::string unit, const std::vector<std::pair<std::string, double>>& units,
                     int line, const std::string& field) const {
    std::string lower;
    for (char c : unit) {
      if (!std::isspace(static_cast<unsigned char>(c))) {
        lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      }
    }
    std::string accepted;
    for (const auto& [suffix, factor] : units) {
      if (lower == suffix) return factor;
      accepted += (accepted.empty() ? "" : ", ") + suffix;
    }
    fail(line, field, "a unit among " + accepted + ", got '" + unit + "'");
  }

  void read_units() {
    Units& units = library_.units;
    units.time_ns = unit_attribute(
        "time_unit", {{"s", 1e9}, {"ms", 1e6}, {"us", 1e3}, {"ns", 1.0}, {"ps", 1e-3}, {"fs", 1e-6}},
        1.0);
    units.voltage_v = unit_attribute("voltage_unit", {{"v", 1.0}, {"mv", 1e-3}, {"kv", 1e3}}, 1.0);
    units.leakage_power_nw = unit_attribute(
        "leakage_power_unit",
        {{"w", 1e9}, {"mw", 1e6}, {"uw", 1e3}, {"nw", 1.0}, {"pw", 1e-3}, {"fw", 1e-6}}, 1.0);
    if (const Attribute* cap = root_.find("capacitive_load_unit")) {
      if (cap->values.size() != 2) fail(cap->line, "capacitive_load_unit", "(number, unit)");
      units.capacitance_pf = number(cap->values[0], cap->line, "capacitive_load_unit") *
                             unit_factor(cap->values[1], {{"pf", 1.0}, {"ff", 1e-3}, {"nf", 1e3}},
                                         cap->line, "capacitive_load_unit");
    }
    units.energy_pj = units.capacitance_pf * units.voltage_v * units.voltage_v;
  }

  void read_defaults() {
    const Units& units = library_.units;
    double nominal = number_attribute(root_, "nom_voltage", 0.0);
    if (nominal == 0.0) {
      // No nom_voltage: the default operating conditions (or the first ones) give it.
      std::string wanted = string_attribute(root_, "default_operating_conditions");
      for (const Group& group : root_.groups) {
        if (group.type != "operating_conditions") continue;
        bool named = !group.args.empty() && group.args.front() == wanted;
        if (nominal == 0.0 || named) nominal = number_attribute(group, "voltage", 0.0);
        if (named) break;
      }
    }
    if (nominal <= 0.0) {
      fail(root_.line, "nom_voltage", "a positive nominal voltage (nom_voltage or operating_conditions)");
    }
    library_.nom_voltage_v = nominal * units.voltage_v;
    library_.default_max_transition_ns =
        number_attribute(root_, "default_max_transition", 0.0) * units.time_ns;
    library_.default_input_pin_cap_pf =
        number_attribute(root_, "default_input_pin_cap", 0.0) * units.capacitance_pf;
    library_.default_cell_leakage_power_nw =
        number_attribute(root_, "default_cell_leakage_power", 0.0) * units.leakage_power_nw;
  }

  void read_template(const Group& group) {
    TableTemplate table_template;
    if (group.args.empty()) fail(group.line, group.type, "a template name");
    table_template.name = group.args.front();
    table_template.variable_1 = string_attribute(group, "variable_1");
    table_template.variable_2 = string_attribute(group, "variable_2");
    if (const Attribute* index = group.find("index_1")) table_template.index_1 = number_list(*index);
    if (const Attribute* index = group.find("index_2")) table_template.index_2 = number_list(*index);
    library_.templates[table_template.name] = std::move(table_template);
  }

  enum class Axis { transition, load };

  Axis axis_of(const std::string& variable, int line, const std::string& field) const {
    if (variable.find("transition") != std::string::npos) return Axis::transition;
    if (variable.find("capacitance") != std::string::npos) return Axis::load;
    fail(line, field, "a table variable of input transition or output net capacitance, got '" +
                          variable + "'");
  }

  // `value_unit` converts the values to tessera's unit (energy or time); `owner` names the cell
  // and pin for errors, e.g. "cell NAND2X1 pin Y".
  Table read_table(const Group& group, double value_unit, const std::string& owner) const {
    const Units& units = library_.units;
    const std::string field = owner + " " + group.type;
    Table table;
    const Attribute* values_attribute = group.find("values");
    if (!values_attribute) fail(group.line, field, "a 'values' attribute");
    std::vector<double> values = number_list(*values_attribute);
    std::string template_name = group.args.empty() ? "scalar" : group.args.front();
    if (template_name == "scalar") {
      if (values.size() != 1) fail(group.line, field, "one value in a scalar table");
      table.values = {values.front() * value_unit};
      return table;
    }
    auto found = library_.templates.find(template_name);
    std::vector<double> index_1, index_2;
    std::string variable_1, variable_2;
    if (found != library_.templates.end()) {
      variable_1 = found->second.variable_1;
      variable_2 = found->second.variable_2;
      index_1 = found->second.index_1;
      index_2 = found->second.index_2;
    } else {
      fail(group.line, field, "a defined template, got '" + template_name + "'");
    }
    if (const Attribute* index = group.find("index_1")) index_1 = number_list(*index);
    if (const Attribute* index = group.find("index_2")) index_2 = number_list(*index);
    if (variable_2.empty()) index_2.clear();
    std::size_t rows = index_1.size();
    std::size_t columns = variable_2.empty() ? 1 : index_2.size();
    if (rows == 0 || columns == 0 || values.size() != rows * columns) {
      fail(values_attribute->line, field + " values",
           std::to_string(rows) + " x " + std::to_string(columns) + " numbers, got " +
               std::to_string(values.size()));
    }
    Axis first = axis_of(variable_1, group.line, field);
    Axis second = variable_2.empty() ? (first == Axis::transition ? Axis::load : Axis::transition)
                                     : axis_of(variable_2, group.line, field);
    if (first == second) fail(group.line, field, "two different table variables");
    auto scaled = [](std::vector<double> axis, double factor) {
      for (double& x : axis) x *= factor;
      return axis;
    };
    for (double& value : values) value *= value_unit;
    if (first == Axis::transition) {
      table.input_transition_ns = scaled(index_1, units.time_ns);
      table.load_pf = scaled(index_2, units.capacitance_pf);
      table.values = std::move(values);
    } else {
      table.load_pf = scaled(index_1, units.capacitance_pf);
      table.input_transition_ns = scaled(index_2, units.time_ns);
      // Stored transition-major: transpose the load-major file order.
      table.values.resize(values.size());
      for (std::size_t load = 0; load < rows; ++load) {
        for (std::size_t transition = 0; transition < columns; ++transition) {
          table.values[transition * rows + load] = values[load * columns + transition];
        }
      }
    }
    return table;
  }

  InternalPower read_internal_power(const Group& group, const std::string& owner) const {
    const double energy_unit = library_.units.energy_pj;
    InternalPower power;
    power.related_pin = string_attribute(group, "related_pin");
    power.when = string_attribute(group, "when");
    for (const Group& table : group.groups) {
      if (table.type == "rise_power") {
        power.rise_power = read_table(table, energy_unit, owner);
      } else if (table.type == "fall_power") {
        power.fall_power = read_table(table, energy_unit, owner);
      } else if (table.type == "power") {  // one table for both edges
        power.rise_power = read_table(table, energy_unit, owner);
        power.fall_power = power.rise_power;
      }
    }
    return power;
  }

  // The arc a `timing` group describes, or nothing for the kinds replay does not simulate
  // (constraints, asynchronous clear/preset, tri-state enables, pulse widths).
  static std::optional<TimingType> simulated_timing_type(const std::string& timing_type) {
    if (timing_type.empty() || timing_type == "combinational" || timing_type == "combinational_rise" ||
        timing_type == "combinational_fall") {
      return TimingType::combinational;
    }
    if (timing_type == "rising_edge") return TimingType::rising_edge;
    if (timing_type == "falling_edge") return TimingType::falling_edge;
    return std::nullopt;
  }

  std::optional<TimingArc> read_timing(const Group& group, const std::string& owner) const {
    std::optional<TimingType> type = simulated_timing_type(string_attribute(group, "timing_type"));
    if (!type) return std::nullopt;
    TimingArc arc;
    arc.type = *type;
    arc.related_pin = string_attribute(group, "related_pin");
    if (arc.related_pin.empty()) fail(group.line, owner + " timing", "a related_pin");
    arc.when = string_attribute(group, "when");
    const double time_unit = library_.units.time_ns;
    for (const Group& table : group.groups) {
      if (table.type == "cell_rise") arc.cell_rise = read_table(table, time_unit, owner);
      if (table.type == "cell_fall") arc.cell_fall = read_table(table, time_unit, owner);
    }
    return arc;
  }

  void read_pins(const Group& group, Cell& cell) const {
    const Units& units = library_.units;
    for (const Group& pin_group : group.groups) {
      if (pin_group.type == "bus" || pin_group.type == "bundle") {
        read_pins(pin_group, cell);
        continue;
      }
      if (pin_group.type != "pin") continue;
      if (pin_group.args.empty()) fail(pin_group.line, "cell " + cell.name + " pin", "a pin name");
      Pin pin;
      std::string direction = string_attribute(pin_group, "direction");
      if (direction == "input") {
        pin.direction = PinDirection::input;
      } else if (direction == "output") {
        pin.direction = PinDirection::output;
      } else if (direction == "inout") {
        pin.direction = PinDirection::inout;
      } else if (direction == "internal") {
        pin.direction = PinDirection::internal;
      } else {
        fail(pin_group.line, "cell " + cell.name + " pin " + pin_group.args.front() + " direction",
             "input, output, inout or internal, got '" + direction + "'");
      }
      double default_cap = pin.direction == PinDirection::input
                                ? library_.default_input_pin_cap_pf / units.capacitance_pf
                                : 0.0;
      pin.capacitance_pf = number_attribute(pin_group, "capacitance", default_cap) * units.capacitance_pf;
      pin.function = string_attribute(pin_group, "function");
      pin.three_state = string_attribute(pin_group, "three_state");
      pin.clock = string_attribute(pin_group, "clock") == "true";
      const std::string owner = "cell " + cell.name + " pin " + pin_group.args.front();
      for (const Group& member : pin_group.groups) {
        if (member.type == "internal_power") pin.internal_power.push_back(read_internal_power(member, owner));
        if (member.type == "timing") {
          if (auto arc = read_timing(member, owner)) pin.timing.push_back(std::move(*arc));
        }
      }
      for (const std::string& name : pin_group.args) {
        Pin named = pin;
        named.name = name;
        cell.pins.push_back(std::move(named));
      }
    }
  }

  SequentialGroup read_sequential(const Group& group) const {
    SequentialGroup sequential;
    if (group.args.size() >= 1) sequential.state = group.args[0];
    if (group.args.size() >= 2) sequential.state_inverted = group.args[1];
    sequential.next_state = string_attribute(group, "next_state");
    sequential.clocked_on = string_attribute(group, "clocked_on");
    sequential.data_in = string_attribute(group, "data_in");
    sequential.enable = string_attribute(group, "enable");
    sequential.clear = string_attribute(group, "clear");
    sequential.preset = string_attribute(group, "preset");
    return sequential;
  }

  Cell read_cell(const Group& group) const {
    Cell cell;
    if (group.args.empty()) fail(group.line, "cell", "a cell name");
    cell.name = group.args.front();
    cell.area_um2 = number_attribute(group, "area", 0.0);
    cell.leakage_power_nw = number_attribute(group, "cell_leakage_power",
                                             library_.default_cell_leakage_power_nw /
                                                 library_.units.leakage_power_nw) *
                            library_.units.leakage_power_nw;
    cell.dont_touch = string_attribute(group, "dont_touch") == "true";
    cell.dont_use = string_attribute(group, "dont_use") == "true";
    read_pins(group, cell);
    if (const Group* ff = group.find_group("ff")) cell.ff = read_sequential(*ff);
    if (const Group* latch = group.find_group("latch")) cell.latch = read_sequential(*latch);
    return cell;
  }

  const Group& root_;
  const std::string& source_;
  Library library_;
};

}  // namespace

Library parse_liberty(std::string_view text, const std::string& source) {
  Group root = parse_liberty_syntax(text, source);
  return TypedReader(root, source).read();
}

Library read_liberty(const std::filesystem::path& path) {
  std::string text = read_liberty_text(path.string());
  return parse_liberty(text, path.string());
}

}  // namespace tessera::traces::liberty
