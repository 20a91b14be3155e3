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

EnergyBreakdown share_of(const ReplayResult& replayed, double subset_dynamic_pj, std::uint64_t subset_cycles) {
  const EnergyBreakdown& total = replayed.energy;
  const double dynamic = total.switching_pj + total.internal_pj + total.clock_pj;
  const double share = dynamic > 0.0 ? subset_dynamic_pj / dynamic : 0.0;
  EnergyBreakdown part;
  part.switching_pj = total.switching_pj * share;
  part.internal_pj = total.internal_pj * share;
  part.clock_pj = total.clock_pj * share;
  part.leakage_pj = replayed.cycles == 0 ? 0.0
                                         : total.leakage_pj / static_cast<double>(replayed.cycles) *
                                               static_cast<double>(subset_cycles);
  return part;
}

}  // namespace tessera::traces::gate
