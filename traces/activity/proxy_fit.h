#pragma once
// Choosing a multiplier's proxy nets and fitting a ProxyEnergyModel on gate-level per-op energies.
//
// Selection is orthogonal matching pursuit on the per-op energies: each step adds the candidate
// net whose toggles best explain what the nets already chosen leave unexplained, then refits all
// coefficients. Nets computing the same function (or its complement, e.g. an inverter's input and
// output) toggle together, so only the first of each such group is a candidate.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "traces/activity/proxy_model.h"
#include "traces/activity/weight_stationary.h"

namespace tessera::traces::activity {

// A net that may become a proxy, with its value for every operand pair: pair i (operand_pair_index)
// is bit i % 64 of values[i / 64] (kOperandPairs / 64 words).
struct ProxyCandidate {
  std::string name;
  std::vector<std::uint64_t> values;
};

struct ProxyFitOptions {
  std::size_t max_proxies = kMaxProxies;
  // Ops (evenly spaced over the training set) the selection looks at; the final fit uses all.
  std::size_t selection_ops = 60000;
};

// Fits on the ops of `streams` (each a unit's operands from reset; only a and b are used) with
// their gate-level energies, concatenated in stream order. Fills metadata.fitted_ops,
// fitted_streams and r2_train. Throws InputError when the energy count differs from the op count,
// an energy is not finite, a candidate's value vector has the wrong size, or no candidate toggles;
// ConfigError when max_proxies is 0 or above kMaxProxies.
ProxyEnergyModel fit_proxy_energy_model(const std::vector<ProxyCandidate>& candidates, const std::vector<PeStream>& streams,
                                        const std::vector<double>& energies_pj, const ProxyFitOptions& options = {},
                                        ModelMetadata metadata = {});

}  // namespace tessera::traces::activity
