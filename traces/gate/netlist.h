#pragma once
// A flattened gate netlist mapped to one Liberty library, read from Yosys `write_json`.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "traces/liberty/boolean_function.h"
#include "traces/liberty/library.h"

namespace tessera::traces::gate {

using NetId = std::uint32_t;

// A library cell as the netlist uses it: the Liberty data plus its compiled pin functions.
// The netlist keeps its own copy of the cells it uses, so the Library need not outlive it.
struct CellType {
  liberty::Cell cell;
  std::vector<std::size_t> output_pins;  // indices into cell.pins with a function
  std::vector<liberty::BooleanFunction> output_functions;  // parallel to output_pins
  // Flip-flops: next state (with clear/preset, when present) over the cell's pins.
  std::optional<liberty::BooleanFunction> next_state, clear, preset;
  std::string clock_pin;  // the pin named in clocked_on (flip-flops only)
};

struct CellInstance {
  std::string name;          // Yosys cell name (the instance name in write_verilog output)
  std::size_t type = 0;      // index into GateNetlist::cell_types()
  std::map<std::string, NetId> pin_nets;  // every connected pin
};

struct Port {
  std::string name;
  std::vector<NetId> bits;  // LSB first
};

struct PinRef {
  std::size_t cell = 0;  // index into cells()
  std::string pin;
};

struct NetlistOptions {
  // Load seen by a net that drives a top-level output. Default: the D-pin capacitance of the
  // library's smallest D flip-flop, as if the output fed a register.
  std::optional<double> output_port_load_pf;
};

class GateNetlist {
 public:
  const std::string& top() const { return top_; }
  double nom_voltage_v() const { return nom_voltage_v_; }
  const std::string& library_name() const { return library_name_; }

  std::size_t net_count() const { return net_names_.size(); }
  const std::string& net_name(NetId net) const { return net_names_[net]; }
  // Constant nets (tie-offs) have a fixed value and never toggle.
  std::optional<bool> net_constant(NetId net) const;
  double fanout_load_pf(NetId net) const { return fanout_load_pf_[net]; }
  // The cell output driving `net`, or nothing for top inputs, constants and undriven nets.
  const std::optional<PinRef>& driver(NetId net) const { return drivers_[net]; }
  const std::vector<PinRef>& loads(NetId net) const { return loads_[net]; }

  const std::vector<CellType>& cell_types() const { return cell_types_; }
  const std::vector<CellInstance>& cells() const { return cells_; }
  const CellType& type_of(const CellInstance& instance) const { return cell_types_[instance.type]; }
  const std::vector<Port>& inputs() const { return inputs_; }
  const std::vector<Port>& outputs() const { return outputs_; }
  const Port* find_input(const std::string& name) const;
  // Combinational cells, each after every cell that drives one of its inputs.
  const std::vector<std::size_t>& combinational_order() const { return combinational_order_; }
  const std::vector<std::size_t>& flops() const { return flops_; }
  double output_port_load_pf() const { return output_port_load_pf_; }

 private:
  friend GateNetlist load_yosys_netlist(const std::filesystem::path&, const std::string&,
                                        const liberty::Library&, const NetlistOptions&);
  std::string top_, library_name_;
  double nom_voltage_v_ = 0.0;
  double output_port_load_pf_ = 0.0;
  std::vector<std::string> net_names_;
  std::vector<int> net_constants_;  // -1 not constant, else 0/1
  std::vector<double> fanout_load_pf_;
  std::vector<std::optional<PinRef>> drivers_;
  std::vector<std::vector<PinRef>> loads_;
  std::vector<CellType> cell_types_;
  std::vector<CellInstance> cells_;
  std::vector<Port> inputs_, outputs_;
  std::vector<std::size_t> combinational_order_, flops_;
};

// Reads module `top` from a Yosys JSON netlist of a flattened design whose cell types are cells
// of `library`. Throws InputError (naming the file and the cell) for unknown cell types,
// unconnected inputs, several drivers on one net, latches, or combinational loops.
GateNetlist load_yosys_netlist(const std::filesystem::path& json, const std::string& top,
                               const liberty::Library& library, const NetlistOptions& options = {});

// The D-pin capacitance of the smallest-area D flip-flop in `library` (0 when it has none).
double smallest_flop_data_pin_pf(const liberty::Library& library);

}  // namespace tessera::traces::gate
