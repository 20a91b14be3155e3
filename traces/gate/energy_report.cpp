#include "traces/gate/energy_report.h"

#include "golden/common/error.h"

namespace tessera::traces::gate {

nlohmann::json to_json(const EnergyBreakdown& energy, std::uint64_t ops) {
  if (ops == 0) throw ConfigError("energy report: ops must be at least 1");
  double per_op = 1.0 / static_cast<double>(ops);
  return {{"ops", ops},
          {"energy_pj_per_op", energy.total_pj() * per_op},
          {"switching_pj_per_op", energy.switching_pj * per_op},
          {"internal_pj_per_op", energy.internal_pj * per_op},
          {"clock_pj_per_op", energy.clock_pj * per_op},
          {"leakage_pj_per_op", energy.leakage_pj * per_op}};
}

NetlistStats stats(const GateNetlist& netlist) {
  NetlistStats result;
  for (const CellInstance& instance : netlist.cells()) {
    const liberty::Cell& cell = netlist.type_of(instance).cell;
    ++result.cells;
    result.area_um2 += cell.area_um2;
    ++result.cells_by_type[cell.name];
    if (cell.ff) ++result.flops;
  }
  return result;
}

nlohmann::json to_json(const NetlistStats& stats) {
  return {{"cells", stats.cells},
          {"area_um2", stats.area_um2},
          {"cells_by_type", stats.cells_by_type},
          {"flops", stats.flops}};
}

}  // namespace tessera::traces::gate
