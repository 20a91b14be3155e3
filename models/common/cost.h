#pragma once
// What every model returns for a GEMM or a layer: cycles by phase, action counts and energy by
// component. Names carry their units: actions end in ".count", ".bytes", ".bits" or ".ns";
// energies are in pJ (energy_pj).
#include <cstdint>
#include <map>
#include <string>

#include "models/common/json_config.h"

namespace tessera::models {

// Tiles of size b that cover a items.
constexpr std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

// C = A (M x K) . W^T (W: N x K); conv layers are lowered to this shape (shell/conv.h).
struct GemmShape {
  std::uint64_t m = 0;
  std::uint64_t k = 0;
  std::uint64_t n = 0;
  std::uint64_t macs() const { return m * k * n; }
};

struct CyclesByPhase {
  std::uint64_t weight_load = 0;  // stationary operands written into the array
  std::uint64_t fill = 0;         // pipeline latency before the first result of a tile
  std::uint64_t steady = 0;       // one input vector (or block, or optical pass) per cycle
  std::uint64_t drain = 0;        // after the last input until the last result is captured
  std::uint64_t stall = 0;        // waiting for memory (DMA/DRAM) or reconfiguration
  std::uint64_t total() const { return weight_load + fill + steady + drain + stall; }
};

struct LayerCost {
  std::string unit;               // "approx", "mx", "optical"
  GemmShape shape;
  double clock_ghz = 1.0;
  CyclesByPhase cycles;
  std::uint64_t tiles = 0;
  std::map<std::string, double> actions;    // e.g. "mac.mul8s_1L2H.count", "dram.read.bytes"
  std::map<std::string, double> energy_pj;  // by component, e.g. "multiplier", "dram"

  std::uint64_t total_cycles() const { return cycles.total(); }
  double seconds() const { return static_cast<double>(total_cycles()) / (clock_ghz * 1e9); }
  double total_energy_pj() const;
  // MACs / (array MAC slots per cycle * total cycles), given the array's slots per cycle.
  double utilization(double mac_slots_per_cycle) const;
  void add_action(const std::string& name, double amount) { actions[name] += amount; }
  void add_energy(const std::string& component, double pj) { energy_pj[component] += pj; }
  // Adds another cost's cycles (in sequence), actions and energies (shape and unit unchanged).
  void accumulate(const LayerCost& other);
  // {"unit", "shape", "clock_ghz", "cycles": {"weight_load_cycles", ...,"total_cycles"}, "tiles",
  //  "seconds", "actions", "energy_pj", "total_energy_pj"}
  Json to_json() const;
};

}  // namespace tessera::models
