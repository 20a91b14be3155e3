#include "models/common/cost.h"

namespace tessera::models {

double LayerCost::total_energy_pj() const {
  double sum = 0.0;
  for (const auto& [k, v] : energy_pj) sum += v;
  return sum;
}

double LayerCost::utilization(double mac_slots_per_cycle) const {
  const double t = static_cast<double>(total_cycles());
  return t == 0.0 ? 0.0 : static_cast<double>(shape.macs()) / (mac_slots_per_cycle * t);
}

void LayerCost::accumulate(const LayerCost& o) {
  cycles.weight_load += o.cycles.weight_load;
  cycles.fill += o.cycles.fill;
  cycles.steady += o.cycles.steady;
  cycles.drain += o.cycles.drain;
  cycles.stall += o.cycles.stall;
  tiles += o.tiles;
  for (const auto& [k, v] : o.actions) actions[k] += v;
  for (const auto& [k, v] : o.energy_pj) energy_pj[k] += v;
}

Json LayerCost::to_json() const {
  Json j;
  j["unit"] = unit;
  j["shape"] = {{"m", shape.m}, {"k", shape.k}, {"n", shape.n}};
  j["clock_ghz"] = clock_ghz;
  j["cycles"] = {{"weight_load_cycles", cycles.weight_load}, {"fill_cycles", cycles.fill},
                 {"steady_cycles", cycles.steady},            {"drain_cycles", cycles.drain},
                 {"stall_cycles", cycles.stall},              {"total_cycles", cycles.total()}};
  j["tiles"] = tiles;
  j["seconds"] = seconds();
  j["actions"] = actions;
  j["energy_pj"] = energy_pj;
  j["total_energy_pj"] = total_energy_pj();
  return j;
}

}  // namespace tessera::models
