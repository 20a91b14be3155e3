#include "traces/gate/net_values.h"

#include <array>

#include "golden/common/error.h"

namespace tessera::traces::gate {
namespace {

std::size_t vector_count(const GateNetlist& netlist, const PortValues& inputs) {
  std::optional<std::size_t> count;
  for (const auto& [name, values] : inputs) {
    if (!netlist.find_input(name)) {
      throw InputError("net values: port '" + name + "' is not an input of '" + netlist.top() + "'");
    }
    if (count && *count != values.size()) {
      throw InputError("net values: port '" + name + "': expected " + std::to_string(*count) +
                       " values like the other ports, got " + std::to_string(values.size()));
    }
    count = values.size();
  }
  for (const Port& port : netlist.inputs()) {
    if (!inputs.count(port.name)) {
      throw InputError("net values: input port '" + port.name + "' of '" + netlist.top() + "' has no values");
    }
  }
  return count.value_or(0);
}

}  // namespace

std::vector<std::vector<std::uint64_t>> all_net_values(const GateNetlist& netlist, const PortValues& inputs_per_port) {
  if (!netlist.flops().empty()) {
    throw InputError("net values: '" + netlist.top() + "' has " + std::to_string(netlist.flops().size()) +
                     " flip-flop(s); expected a combinational design");
  }
  const std::size_t vectors = vector_count(netlist, inputs_per_port);
  const std::size_t word_count = (vectors + 63) / 64;
  std::vector<std::vector<std::uint64_t>> words(netlist.net_count(), std::vector<std::uint64_t>(word_count, 0));
  std::vector<std::uint64_t> lane(netlist.net_count(), 0);
  std::vector<std::uint64_t> variables;
  for (std::size_t w = 0; w < word_count; ++w) {
    for (NetId net = 0; net < netlist.net_count(); ++net) {
      const std::optional<bool> constant = netlist.net_constant(net);
      lane[net] = constant && *constant ? ~std::uint64_t{0} : 0;
    }
    for (const Port& port : netlist.inputs()) {
      const std::vector<std::uint64_t>& values = inputs_per_port.at(port.name);
      for (std::size_t bit = 0; bit < port.bits.size() && bit < 64; ++bit) {
        std::uint64_t packed = 0;
        for (std::size_t v = w * 64; v < vectors && v < w * 64 + 64; ++v) packed |= (values[v] >> bit & 1) << (v % 64);
        lane[port.bits[bit]] = packed;
      }
    }
    for (const std::size_t cell_index : netlist.combinational_order()) {
      const CellInstance& instance = netlist.cells()[cell_index];
      const CellType& type = netlist.type_of(instance);
      for (std::size_t k = 0; k < type.output_pins.size(); ++k) {
        const auto output = instance.pin_nets.find(type.cell.pins[type.output_pins[k]].name);
        if (output == instance.pin_nets.end()) continue;
        const liberty::BooleanFunction& function = type.output_functions[k];
        variables.assign(function.variables().size(), 0);
        for (std::size_t i = 0; i < variables.size(); ++i) {
          const auto pin = instance.pin_nets.find(function.variables()[i]);
          if (pin == instance.pin_nets.end()) {
            throw InputError("cell '" + instance.name + "' (" + type.cell.name + "): function uses pin '" +
                             function.variables()[i] + "', which is not connected");
          }
          variables[i] = lane[pin->second];
        }
        lane[output->second] = function.evaluate(variables.data());
      }
    }
    for (NetId net = 0; net < netlist.net_count(); ++net) words[net][w] = lane[net];
  }
  // Lanes past the last vector hold don't-care values; clear them so the words compare cleanly.
  if (vectors % 64 != 0) {
    const std::uint64_t keep = (std::uint64_t{1} << (vectors % 64)) - 1;
    for (std::vector<std::uint64_t>& net : words) net.back() &= keep;
  }
  return words;
}

std::vector<std::uint64_t> net_values(const GateNetlist& netlist, const PortValues& inputs_per_port,
                                      const std::vector<NetId>& nets) {
  if (nets.size() > 64) throw InputError("net values: " + std::to_string(nets.size()) + " nets asked for; at most 64");
  for (const NetId net : nets) {
    if (net >= netlist.net_count()) throw InputError("net values: net id " + std::to_string(net) + " out of range");
  }
  const std::vector<std::vector<std::uint64_t>> words = all_net_values(netlist, inputs_per_port);
  const std::size_t vectors = vector_count(netlist, inputs_per_port);
  std::vector<std::uint64_t> result(vectors, 0);
  for (std::size_t k = 0; k < nets.size(); ++k) {
    const std::vector<std::uint64_t>& net = words[nets[k]];
    for (std::size_t v = 0; v < vectors; ++v) result[v] |= (net[v / 64] >> (v % 64) & 1) << k;
  }
  return result;
}

NetId find_net(const GateNetlist& netlist, const std::string& name) {
  for (NetId net = 0; net < netlist.net_count(); ++net) {
    if (netlist.net_name(net) == name) return net;
  }
  throw InputError("netlist '" + netlist.top() + "': no net named '" + name + "'");
}

}  // namespace tessera::traces::gate
