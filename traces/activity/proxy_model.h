#pragma once
// The proxy-net energy model of an 8x8 multiplier (APOLLO-style, research note power.md section 4):
// energy per op (pJ) = intercept_pj + sum_k coefficient_pj[k] * toggled_k, where toggled_k says
// whether proxy net k of the unit's gate netlist changed value in that op.
//
// Why nets and not operand features: the carry chains Yosys builds toggle as a function of
// intermediate sums the operands do not show linearly; a few dozen of the netlist's own nets do.
// In a combinational multiplier every net is a function of (a, b), so the proxies' values are
// tabulated once for all 65,536 operand pairs: table[(uint8(a) << 8) | uint8(b)] has bit k set when
// proxy k is 1. Op t toggles table[op t] ^ table[op t-1]; op 0 compares with the reset state
// (a = b = 0), as the operand features do (features.h).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "traces/activity/energy_model.h"

namespace tessera::traces::activity {

inline constexpr std::size_t kMaxProxies = 64;
inline constexpr std::size_t kOperandPairs = 65536;

// Index of an operand pair in a proxy table (the project's table convention, port A high).
inline std::size_t operand_pair_index(std::int8_t a, std::int8_t b) {
  return static_cast<std::size_t>(static_cast<std::uint8_t>(a)) << 8 | static_cast<std::uint8_t>(b);
}

// Per-proxy toggle counts over a set of ops: all a proxy model needs to price them.
struct ProxyCounts {
  std::uint64_t ops = 0;
  std::array<std::uint64_t, kMaxProxies> toggles{};

  void add(std::uint64_t toggled) {
    ++ops;
    for (; toggled != 0; toggled &= toggled - 1) ++toggles[static_cast<std::size_t>(__builtin_ctzll(toggled))];
  }
  ProxyCounts& operator+=(const ProxyCounts& other);
  bool operator==(const ProxyCounts& other) const { return ops == other.ops && toggles == other.toggles; }
  bool operator!=(const ProxyCounts& other) const { return !(*this == other); }
};

class ProxyEnergyModel {
 public:
  ProxyEnergyModel() = default;
  // Throws ConfigError when there are more than kMaxProxies proxies, names repeat or are empty,
  // the coefficient count differs from the name count, the table does not have kOperandPairs
  // entries, or the table sets a bit at or above the proxy count.
  ProxyEnergyModel(std::vector<std::string> proxy_nets, double intercept_pj, std::vector<double> coefficients_pj,
                   std::vector<std::uint64_t> table, ModelMetadata metadata = {});

  const std::vector<std::string>& proxy_nets() const { return proxy_nets_; }
  double intercept_pj() const { return intercept_pj_; }
  const std::vector<double>& coefficients_pj() const { return coefficients_pj_; }
  const std::vector<std::uint64_t>& table() const { return table_; }
  const ModelMetadata& metadata() const { return metadata_; }
  ModelMetadata& metadata() { return metadata_; }

  std::uint64_t proxy_values(std::int8_t a, std::int8_t b) const { return table_[operand_pair_index(a, b)]; }
  // Energy of one op whose toggled proxies are the set bits of `toggled`.
  double predict_pj(std::uint64_t toggled) const;
  double predict_pj(const ProxyCounts& counts) const;

 private:
  std::vector<std::string> proxy_nets_;
  double intercept_pj_ = 0.0;
  std::vector<double> coefficients_pj_;
  std::vector<std::uint64_t> table_;
  ModelMetadata metadata_;
};

}  // namespace tessera::traces::activity
