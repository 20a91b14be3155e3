#pragma once
// Settled (zero-delay) values of a combinational netlist's nets for given input vectors: what a
// data-dependent model needs to tabulate chosen nets once instead of replaying the netlist per op.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "traces/gate/netlist.h"

namespace tessera::traces::gate {

using PortValues = std::map<std::string, std::vector<std::uint64_t>>;

// Every net's value under every vector, bit-packed: vector v is bit v % 64 of words[net][v / 64].
// `inputs_per_port` gives one value per vector for every input port (LSB = bit 0). Throws
// InputError naming the port when one is unknown or missing or the lengths differ, and when the
// design has flip-flops (its net values would depend on history, not on one vector).
std::vector<std::vector<std::uint64_t>> all_net_values(const GateNetlist& netlist, const PortValues& inputs_per_port);

// Bit k of result[v] is the value of nets[k] under vector v. At most 64 nets.
std::vector<std::uint64_t> net_values(const GateNetlist& netlist, const PortValues& inputs_per_port,
                                      const std::vector<NetId>& nets);

// The net called `name`; throws InputError naming the design when there is none.
NetId find_net(const GateNetlist& netlist, const std::string& name);

}  // namespace tessera::traces::gate
