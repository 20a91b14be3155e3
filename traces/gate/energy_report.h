#pragma once
// Per-operation energy and netlist statistics as JSON, for reports and fitted models.
#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "traces/gate/netlist.h"
#include "traces/gate/replay.h"

namespace tessera::traces::gate {

// {"ops", "energy_pj_per_op", "switching_pj_per_op", "internal_pj_per_op", "clock_pj_per_op",
//  "leakage_pj_per_op"}. Throws ConfigError when ops is 0.
nlohmann::json to_json(const EnergyBreakdown& energy, std::uint64_t ops);

struct NetlistStats {
  std::size_t cells = 0;
  double area_um2 = 0.0;
  std::map<std::string, std::size_t> cells_by_type;
  std::size_t flops = 0;
};

NetlistStats stats(const GateNetlist& netlist);
nlohmann::json to_json(const NetlistStats& stats);

}  // namespace tessera::traces::gate
