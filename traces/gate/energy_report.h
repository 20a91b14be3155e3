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

// The part of one replay's energy that belongs to a subset of its cycles (one layer of several
// replayed together): the dynamic components shared out in proportion to the subset's dynamic
// energy `subset_dynamic_pj` (per-net totals do not say which cycle toggled), and leakage for its
// `subset_cycles` at the replay's leakage per cycle.
EnergyBreakdown share_of(const ReplayResult& replayed, double subset_dynamic_pj, std::uint64_t subset_cycles);

struct NetlistStats {
  std::size_t cells = 0;
  double area_um2 = 0.0;
  std::map<std::string, std::size_t> cells_by_type;
  std::size_t flops = 0;
};

NetlistStats stats(const GateNetlist& netlist);
nlohmann::json to_json(const NetlistStats& stats);

}  // namespace tessera::traces::gate
