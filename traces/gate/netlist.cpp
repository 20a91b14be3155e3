#include "traces/gate/netlist.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"

namespace tessera::traces::gate {

using liberty::BooleanFunction;
using liberty::PinDirection;
using nlohmann::json;

std::optional<bool> GateNetlist::net_constant(NetId net) const {
  if (net_constants_[net] < 0) return std::nullopt;
  return net_constants_[net] == 1;
}

const Port* GateNetlist::find_input(const std::string& name) const {
  for (const Port& port : inputs_) {
    if (port.name == name) return &port;
  }
  return nullptr;
}

double smallest_flop_data_pin_pf(const liberty::Library& library) {
  double best_area = std::numeric_limits<double>::infinity();
  double capacitance = 0.0;
  for (const liberty::Cell& cell : library.cells) {
    if (!cell.ff || cell.area_um2 >= best_area) continue;
    const liberty::Pin* data = cell.find_pin(cell.ff->next_state);
    if (!data || data->direction != PinDirection::input) continue;  // only plain D flip-flops
    best_area = cell.area_um2;
    capacitance = data->capacitance_pf;
  }
  return capacitance;
}

namespace {

// The one pin a clock expression such as "CLK" or "(!CLKN)" names.
std::string clock_pin_of(const liberty::Cell& cell) {
  BooleanFunction clock = BooleanFunction::compile(cell.ff->clocked_on, cell.name, "clocked_on");
  if (clock.variables().size() != 1) {
    throw InputError("cell " + cell.name + ": clocked_on '" + cell.ff->clocked_on +
                     "': expected an expression of exactly one clock pin");
  }
  return clock.variables().front();
}

CellType make_cell_type(const liberty::Cell& cell, const std::string& source) {
  if (cell.latch) {
    throw InputError(source + ": cell type '" + cell.name +
                     "' is a latch; cycle-based replay supports flip-flops and combinational cells");
  }
  CellType type;
  type.cell = cell;
  for (std::size_t i = 0; i < cell.pins.size(); ++i) {
    const liberty::Pin& pin = cell.pins[i];
    if (pin.direction != PinDirection::output && pin.direction != PinDirection::inout) continue;
    if (pin.function.empty()) {
      throw InputError(source + ": cell type '" + cell.name + "' output pin '" + pin.name +
                       "' has no function in the library");
    }
    type.output_pins.push_back(i);
    type.output_functions.push_back(BooleanFunction::compile(pin.function, cell.name, pin.name));
  }
  if (cell.ff) {
    type.next_state = BooleanFunction::compile(cell.ff->next_state, cell.name, "next_state");
    if (!cell.ff->clear.empty()) type.clear = BooleanFunction::compile(cell.ff->clear, cell.name, "clear");
    if (!cell.ff->preset.empty()) {
      type.preset = BooleanFunction::compile(cell.ff->preset, cell.name, "preset");
    }
    type.clock_pin = clock_pin_of(cell);
  }
  return type;
}

}  // namespace

GateNetlist load_yosys_netlist(const std::filesystem::path& json_path, const std::string& top,
                               const liberty::Library& library, const NetlistOptions& options) {
  const std::string source = json_path.string();
  json document;
  try {
    document = json::parse(io::read_file(source));
  } catch (const json::exception& error) {
    throw InputError(source + ": not a valid Yosys JSON netlist (" + error.what() + ")");
  }
  GateNetlist netlist;
  netlist.top_ = top;
  netlist.library_name_ = library.name;
  netlist.nom_voltage_v_ = library.nom_voltage_v;
  netlist.output_port_load_pf_ = options.output_port_load_pf.value_or(smallest_flop_data_pin_pf(library));

  if (!document.contains("modules") || !document["modules"].is_object()) {
    throw InputError(source + ": field 'modules': expected an object of modules");
  }
  const json& modules = document["modules"];
  if (!modules.contains(top)) {
    std::string names;
    for (const auto& [name, unused] : modules.items()) names += (names.empty() ? "" : ", ") + name;
    throw InputError(source + ": field 'modules': expected a module '" + top + "', found: " + names);
  }
  const json& module = modules[top];

  std::unordered_map<std::int64_t, NetId> net_of_bit;
  std::optional<NetId> constant_nets[2];
  auto new_net = [&](const std::string& name, int constant) {
    NetId id = static_cast<NetId>(netlist.net_names_.size());
    netlist.net_names_.push_back(name);
    netlist.net_constants_.push_back(constant);
    return id;
  };
  // Yosys bits: integers >= 2 are nets; "0"/"1" constants; "x"/"z" (undriven) are taken as 0.
  auto net_of = [&](const json& bit, const std::string& where) -> NetId {
    if (bit.is_number_integer()) {
      std::int64_t number = bit.get<std::int64_t>();
      auto found = net_of_bit.find(number);
      if (found != net_of_bit.end()) return found->second;
      NetId id = new_net("", -1);
      net_of_bit.emplace(number, id);
      return id;
    }
    if (bit.is_string()) {
      std::string text = bit.get<std::string>();
      int value = text == "1" ? 1 : 0;
      if (text != "0" && text != "1" && text != "x" && text != "z") {
        throw InputError(source + ": " + where + ": expected a bit number or \"0\", \"1\", \"x\", \"z\", got \"" + text + "\"");
      }
      if (!constant_nets[value]) constant_nets[value] = new_net(value ? "1'b1" : "1'b0", value);
      return *constant_nets[value];
    }
    throw InputError(source + ": " + where + ": expected a bit number or a constant string");
  };

  if (module.contains("ports")) {
    for (const auto& [name, port] : module["ports"].items()) {
      std::string direction = port.value("direction", "");
      Port parsed{name, {}};
      for (const json& bit : port.at("bits")) parsed.bits.push_back(net_of(bit, "port '" + name + "'"));
      if (direction == "output") {
        netlist.outputs_.push_back(std::move(parsed));
      } else if (direction == "input" || direction == "inout") {
        netlist.inputs_.push_back(std::move(parsed));
      } else {
        throw InputError(source + ": port '" + name + "' field 'direction': expected input, output or inout, got '" + direction + "'");
      }
    }
  }

  std::map<std::string, std::size_t> type_index;
  std::vector<std::vector<PinRef>> loads;
  std::vector<std::optional<PinRef>> drivers;
  auto grow = [&]() {
    loads.resize(netlist.net_names_.size());
    drivers.resize(netlist.net_names_.size());
  };
  if (module.contains("cells")) {
    for (const auto& [name, cell_json] : module["cells"].items()) {
      std::string type_name = cell_json.value("type", "");
      const liberty::Cell* cell = library.find_cell(type_name);
      if (!cell) {
        throw InputError(source + ": cell '" + name + "': type '" + type_name +
                         "' is not a cell of library '" + library.name + "'");
      }
      auto [found, inserted] = type_index.emplace(type_name, netlist.cell_types_.size());
      if (inserted) netlist.cell_types_.push_back(make_cell_type(*cell, source));
      CellInstance instance{name, found->second, {}};
      std::size_t index = netlist.cells_.size();
      if (cell_json.contains("connections")) {
        for (const auto& [pin_name, bits] : cell_json["connections"].items()) {
          const liberty::Pin* pin = cell->find_pin(pin_name);
          std::string where = "cell '" + name + "' pin '" + pin_name + "'";
          if (!pin) {
            throw InputError(source + ": " + where + ": cell type '" + type_name + "' has no such pin");
          }
          if (bits.empty()) continue;
          if (bits.size() != 1) throw InputError(source + ": " + where + ": expected one bit");
          NetId net = net_of(bits[0], where);
          grow();
          instance.pin_nets[pin_name] = net;
          if (pin->direction == PinDirection::output || pin->direction == PinDirection::inout) {
            if (drivers[net]) {
              throw InputError(source + ": " + where + ": net already driven by cell '" +
                               netlist.cells_[drivers[net]->cell].name + "'");
            }
            if (netlist.net_constants_[net] >= 0) {
              throw InputError(source + ": " + where + ": output connected to a constant");
            }
            drivers[net] = PinRef{index, pin_name};
          } else {
            loads[net].push_back(PinRef{index, pin_name});
          }
        }
      }
      for (const liberty::Pin& pin : cell->pins) {
        if (pin.direction == PinDirection::input && !instance.pin_nets.count(pin.name)) {
          throw InputError(source + ": cell '" + name + "' (" + type_name + "): input pin '" +
                           pin.name + "' is not connected");
        }
      }
      if (cell->ff) netlist.flops_.push_back(index);
      netlist.cells_.push_back(std::move(instance));
    }
  }
  grow();

  // Names: ports first, then public netnames, then Yosys-internal ones.
  auto name_bits = [&](const std::string& name, const json& bits) {
    for (std::size_t i = 0; i < bits.size(); ++i) {
      if (!bits[i].is_number_integer()) continue;
      auto found = net_of_bit.find(bits[i].get<std::int64_t>());
      if (found == net_of_bit.end() || !netlist.net_names_[found->second].empty()) continue;
      netlist.net_names_[found->second] =
          bits.size() == 1 ? name : name + "[" + std::to_string(i) + "]";
    }
  };
  if (module.contains("ports")) {
    for (const auto& [name, port] : module["ports"].items()) name_bits(name, port.at("bits"));
  }
  if (module.contains("netnames")) {
    for (int hidden = 0; hidden <= 1; ++hidden) {
      for (const auto& [name, entry] : module["netnames"].items()) {
        if (entry.value("hide_name", 0) == hidden) name_bits(name, entry.at("bits"));
      }
    }
  }
  for (std::size_t net = 0; net < netlist.net_names_.size(); ++net) {
    if (netlist.net_names_[net].empty()) netlist.net_names_[net] = "$net" + std::to_string(net);
  }

  // Load capacitance: the input pins a net drives, plus a register's input per top output bit.
  netlist.fanout_load_pf_.assign(netlist.net_names_.size(), 0.0);
  for (std::size_t net = 0; net < loads.size(); ++net) {
    for (const PinRef& load : loads[net]) {
      const liberty::Cell& cell = netlist.cell_types_[netlist.cells_[load.cell].type].cell;
      netlist.fanout_load_pf_[net] += cell.find_pin(load.pin)->capacitance_pf;
    }
  }
  for (const Port& port : netlist.outputs_) {
    for (NetId net : port.bits) netlist.fanout_load_pf_[net] += netlist.output_port_load_pf_;
  }
  netlist.loads_ = std::move(loads);
  netlist.drivers_ = std::move(drivers);

  // Topological order of combinational cells (Kahn); flip-flop outputs are sources.
  std::vector<std::size_t> pending(netlist.cells_.size(), 0);
  std::deque<std::size_t> ready;
  auto is_flop = [&](std::size_t cell) { return netlist.type_of(netlist.cells_[cell]).cell.ff.has_value(); };
  std::size_t combinational = 0;
  for (std::size_t cell = 0; cell < netlist.cells_.size(); ++cell) {
    if (is_flop(cell)) continue;
    ++combinational;
    const liberty::Cell& type = netlist.type_of(netlist.cells_[cell]).cell;
    for (const auto& [pin_name, net] : netlist.cells_[cell].pin_nets) {
      if (type.find_pin(pin_name)->direction != PinDirection::input) continue;
      const auto& driver = netlist.drivers_[net];
      if (driver && !is_flop(driver->cell)) ++pending[cell];
    }
    if (pending[cell] == 0) ready.push_back(cell);
  }
  while (!ready.empty()) {
    std::size_t cell = ready.front();
    ready.pop_front();
    netlist.combinational_order_.push_back(cell);
    const liberty::Cell& type = netlist.type_of(netlist.cells_[cell]).cell;
    for (const auto& [pin_name, net] : netlist.cells_[cell].pin_nets) {
      if (type.find_pin(pin_name)->direction == PinDirection::input) continue;
      for (const PinRef& load : netlist.loads_[net]) {
        if (!is_flop(load.cell) && --pending[load.cell] == 0) ready.push_back(load.cell);
      }
    }
  }
  if (netlist.combinational_order_.size() != combinational) {
    for (std::size_t cell = 0; cell < netlist.cells_.size(); ++cell) {
      if (!is_flop(cell) && pending[cell] > 0) {
        throw InputError(source + ": combinational loop through cell '" + netlist.cells_[cell].name + "'");
      }
    }
  }
  return netlist;
}

}  // namespace tessera::traces::gate
