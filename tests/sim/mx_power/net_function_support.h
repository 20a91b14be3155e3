#pragma once
// For tests that an emulation of a circuit's nets (traces/activity brent_kung_nets.h,
// fp32_round_nets.h) follows the netlist Yosys builds: synthesise a combinational module onto
// sky130 with the keep structure (as the MX power flow does), evaluate it on given vectors and
// collect every net's values as a "function" (one bit per vector), complement-normalised so that a
// net and its inverse (which toggle together) compare equal.
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "traces/gate/net_values.h"

namespace tessera::test {

using NetFunction = std::vector<std::uint64_t>;  // bit v % 64 of word v / 64: the value under vector v

// Complement-normalised: bit 0 (vector 0) cleared.
NetFunction normalised_function(NetFunction values);

struct NetFunctions {
  std::set<NetFunction> functions;  // every net of the netlist, normalised
  std::size_t vectors = 0;
  bool contains(const NetFunction& values) const { return functions.count(normalised_function(values)) != 0; }
};

NetFunctions synthesised_net_functions(const std::vector<std::filesystem::path>& sources, const std::string& top,
                                       const std::vector<std::pair<std::string, std::string>>& parameters,
                                       const traces::gate::PortValues& inputs, const std::filesystem::path& work_dir);

// Collects emulated nets: add(words) once per vector, in vector order; then functions() gives,
// for word w and bit b, the function of that emulated net (index w * 64 + b).
class EmulatedNets {
 public:
  explicit EmulatedNets(std::size_t vectors) : vectors_(vectors) {}
  void add(const std::vector<std::uint64_t>& words);
  // The non-constant emulated nets, as (index, function).
  std::vector<std::pair<std::size_t, NetFunction>> varying() const;

 private:
  std::size_t vectors_, next_ = 0;
  std::vector<NetFunction> functions_;  // per word * 64 + bit
};

}  // namespace tessera::test
