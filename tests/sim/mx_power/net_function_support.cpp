#include "tests/sim/mx_power/net_function_support.h"

#include <algorithm>

#include "golden/common/error.h"
#include "sim/power/cell_libraries.h"
#include "sim/power/synthesis.h"
#include "traces/gate/netlist.h"

namespace tessera::test {

NetFunction normalised_function(NetFunction values) {
  if (!values.empty() && (values[0] & 1u)) {
    for (std::uint64_t& w : values) w = ~w;
  }
  return values;
}

NetFunctions synthesised_net_functions(const std::vector<std::filesystem::path>& sources, const std::string& top,
                                       const std::vector<std::pair<std::string, std::string>>& parameters,
                                       const traces::gate::PortValues& inputs, const std::filesystem::path& work_dir) {
  const power::CellLibrary library = power::cell_library("sky130");
  power::SynthesisSpec spec;
  spec.sources = sources;
  spec.top = top;
  spec.parameters = parameters;
  spec.liberty_file = library.liberty_file;
  spec.structure = power::Structure::keep;
  spec.work_dir = work_dir;
  const power::SynthesisResult synthesis = power::synthesize_to_liberty(spec, *library.library);
  const traces::gate::GateNetlist netlist = traces::gate::load_yosys_netlist(synthesis.netlist_json, top, *library.library);
  NetFunctions out;
  out.vectors = inputs.begin()->second.size();
  const std::size_t words = (out.vectors + 63) / 64;
  const std::uint64_t last_mask = out.vectors % 64 ? (std::uint64_t{1} << (out.vectors % 64)) - 1 : ~std::uint64_t{0};
  for (NetFunction values : traces::gate::all_net_values(netlist, inputs)) {
    values.resize(words);
    values.back() &= last_mask;
    out.functions.insert(normalised_function(std::move(values)));
  }
  return out;
}

void EmulatedNets::add(const std::vector<std::uint64_t>& words) {
  if (next_ >= vectors_) throw Error("EmulatedNets::add: more vectors than announced");
  if (functions_.empty()) functions_.assign(words.size() * 64, NetFunction((vectors_ + 63) / 64, 0));
  if (functions_.size() != words.size() * 64) throw Error("EmulatedNets::add: the number of words changed");
  for (std::size_t w = 0; w < words.size(); ++w) {
    for (int bit = 0; bit < 64; ++bit) {
      if ((words[w] >> bit) & 1u) functions_[w * 64 + static_cast<std::size_t>(bit)][next_ / 64] |= std::uint64_t{1} << (next_ % 64);
    }
  }
  ++next_;
}

std::vector<std::pair<std::size_t, NetFunction>> EmulatedNets::varying() const {
  std::vector<std::pair<std::size_t, NetFunction>> out;
  for (std::size_t i = 0; i < functions_.size(); ++i) {
    const NetFunction n = normalised_function(functions_[i]);
    if (std::any_of(n.begin(), n.end(), [](std::uint64_t w) { return w != 0; })) out.emplace_back(i, functions_[i]);
  }
  return out;
}

}  // namespace tessera::test
