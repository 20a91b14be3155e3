#include "traces/activity/proxy_model.h"

#include <set>

#include "golden/common/error.h"

namespace tessera::traces::activity {

ProxyCounts& ProxyCounts::operator+=(const ProxyCounts& other) {
  ops += other.ops;
  for (std::size_t k = 0; k < kMaxProxies; ++k) toggles[k] += other.toggles[k];
  return *this;
}

ProxyEnergyModel::ProxyEnergyModel(std::vector<std::string> proxy_nets, double intercept_pj,
                                   std::vector<double> coefficients_pj, std::vector<std::uint64_t> table,
                                   ModelMetadata metadata)
    : proxy_nets_(std::move(proxy_nets)),
      intercept_pj_(intercept_pj),
      coefficients_pj_(std::move(coefficients_pj)),
      table_(std::move(table)),
      metadata_(std::move(metadata)) {
  if (proxy_nets_.size() > kMaxProxies) {
    throw ConfigError("proxy energy model: " + std::to_string(proxy_nets_.size()) + " proxy nets; at most " +
                      std::to_string(kMaxProxies));
  }
  std::set<std::string> seen;
  for (const std::string& name : proxy_nets_) {
    if (name.empty()) throw ConfigError("proxy energy model: a proxy net has an empty name");
    if (!seen.insert(name).second) throw ConfigError("proxy energy model: proxy net '" + name + "' is listed twice");
  }
  if (coefficients_pj_.size() != proxy_nets_.size()) {
    throw ConfigError("proxy energy model: " + std::to_string(coefficients_pj_.size()) + " coefficients for " +
                      std::to_string(proxy_nets_.size()) + " proxy nets");
  }
  if (table_.size() != kOperandPairs) {
    throw ConfigError("proxy energy model: table has " + std::to_string(table_.size()) + " entries, expected " +
                      std::to_string(kOperandPairs));
  }
  const std::uint64_t used = proxy_nets_.size() == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << proxy_nets_.size()) - 1;
  for (std::size_t i = 0; i < table_.size(); ++i) {
    if ((table_[i] & ~used) != 0) {
      throw ConfigError("proxy energy model: table entry " + std::to_string(i) + " sets bits beyond the " +
                        std::to_string(proxy_nets_.size()) + " proxy nets");
    }
  }
}

double ProxyEnergyModel::predict_pj(std::uint64_t toggled) const {
  double energy = intercept_pj_;
  for (; toggled != 0; toggled &= toggled - 1) energy += coefficients_pj_[static_cast<std::size_t>(__builtin_ctzll(toggled))];
  return energy;
}

double ProxyEnergyModel::predict_pj(const ProxyCounts& counts) const {
  double energy = intercept_pj_ * static_cast<double>(counts.ops);
  for (std::size_t k = 0; k < coefficients_pj_.size(); ++k) energy += coefficients_pj_[k] * static_cast<double>(counts.toggles[k]);
  return energy;
}

}  // namespace tessera::traces::activity
