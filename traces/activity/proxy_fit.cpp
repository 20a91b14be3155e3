#include "traces/activity/proxy_fit.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <Eigen/Dense>

#include "golden/common/error.h"
#include "traces/activity/proxy_activity.h"

namespace tessera::traces::activity {
namespace {

constexpr std::size_t kValueWords = kOperandPairs / 64;

bool value_at(const std::vector<std::uint64_t>& values, std::size_t pair) { return (values[pair / 64] >> (pair % 64) & 1) != 0; }

// Candidates with distinct toggle behaviour: not constant, and not equal to (or the complement
// of) an earlier one.
std::vector<std::size_t> distinct_candidates(const std::vector<ProxyCandidate>& candidates) {
  std::map<std::vector<std::uint64_t>, std::size_t> seen;
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const std::vector<std::uint64_t>& values = candidates[i].values;
    if (values.size() != kValueWords) {
      throw InputError("proxy candidate '" + candidates[i].name + "': " + std::to_string(values.size()) +
                       " value words, expected " + std::to_string(kValueWords));
    }
    std::vector<std::uint64_t> normal = values;
    if ((normal[0] & 1) != 0) {
      for (std::uint64_t& word : normal) word = ~word;
    }
    bool constant = true;
    for (const std::uint64_t word : normal) constant = constant && word == 0;
    if (constant) continue;
    if (seen.emplace(std::move(normal), i).second) kept.push_back(i);
  }
  return kept;
}

}  // namespace

ProxyEnergyModel fit_proxy_energy_model(const std::vector<ProxyCandidate>& candidates, const std::vector<PeStream>& streams,
                                        const std::vector<double>& energies_pj, const ProxyFitOptions& options,
                                        ModelMetadata metadata) {
  if (options.max_proxies == 0 || options.max_proxies > kMaxProxies) {
    throw ConfigError("proxy fit: max_proxies " + std::to_string(options.max_proxies) + ": expected 1.." +
                      std::to_string(kMaxProxies));
  }
  // Operand-pair index of every op and of the op before it (reset before each stream).
  std::vector<std::uint32_t> now, before;
  for (const PeStream& stream : streams) {
    if (stream.a.size() != stream.b.size()) throw InputError("proxy fit: a stream has unequal operand lengths");
    std::uint32_t previous = 0;
    for (std::size_t t = 0; t < stream.a.size(); ++t) {
      const auto pair = static_cast<std::uint32_t>(operand_pair_index(stream.a[t], stream.b[t]));
      now.push_back(pair);
      before.push_back(previous);
      previous = pair;
    }
  }
  const std::size_t ops = now.size();
  if (energies_pj.size() != ops) {
    throw InputError("proxy fit: " + std::to_string(energies_pj.size()) + " energies for " + std::to_string(ops) + " ops");
  }
  for (const double e : energies_pj) {
    if (!std::isfinite(e)) throw InputError("proxy fit: a per-op energy is not finite");
  }
  const std::vector<std::size_t> pool = distinct_candidates(candidates);
  if (pool.empty()) throw InputError("proxy fit: no candidate net ever changes value");

  // Selection on a sample of the ops: centred toggle columns, greedy pursuit of the residual.
  const std::size_t stride = std::max<std::size_t>(1, (ops + options.selection_ops - 1) / std::max<std::size_t>(options.selection_ops, 1));
  std::vector<std::size_t> sample;
  for (std::size_t i = 0; i < ops; i += stride) sample.push_back(i);
  const auto n = static_cast<Eigen::Index>(sample.size());
  const auto columns = static_cast<Eigen::Index>(pool.size());
  if (n < 2) throw InputError("proxy fit: expected at least 2 ops, got " + std::to_string(ops));
  Eigen::MatrixXf x(n, columns);
  for (Eigen::Index j = 0; j < columns; ++j) {
    const std::vector<std::uint64_t>& values = candidates[pool[static_cast<std::size_t>(j)]].values;
    for (Eigen::Index i = 0; i < n; ++i) {
      const std::size_t op = sample[static_cast<std::size_t>(i)];
      x(i, j) = value_at(values, now[op]) != value_at(values, before[op]) ? 1.0F : 0.0F;
    }
  }
  x.rowwise() -= x.colwise().mean();
  const Eigen::VectorXf norms = x.colwise().norm();
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) y[i] = energies_pj[sample[static_cast<std::size_t>(i)]];
  y.array() -= y.mean();
  const float usable_norm = 1e-3F * std::sqrt(static_cast<float>(n));

  std::vector<Eigen::Index> chosen;
  std::vector<bool> taken(pool.size(), false);
  Eigen::VectorXd residual = y;
  Eigen::MatrixXd selected(n, 0), chosen_gram(0, 0);
  Eigen::VectorXd chosen_xy(0);
  while (chosen.size() < options.max_proxies) {
    const Eigen::VectorXf correlation = x.transpose() * residual.cast<float>();
    Eigen::Index best = -1;
    float best_score = 0.0F;
    for (Eigen::Index j = 0; j < columns; ++j) {
      if (taken[static_cast<std::size_t>(j)] || norms[j] < usable_norm) continue;
      const float score = std::abs(correlation[j]) / norms[j];
      if (score > best_score) {
        best_score = score;
        best = j;
      }
    }
    if (best < 0 || best_score <= 1e-9F * static_cast<float>(y.norm())) break;
    taken[static_cast<std::size_t>(best)] = true;
    chosen.push_back(best);
    // Normal equations of the chosen columns, grown by one row and column per step.
    const auto k = static_cast<Eigen::Index>(chosen.size());
    selected.conservativeResize(n, k);
    selected.col(k - 1) = x.col(best).cast<double>();
    const Eigen::VectorXd cross = selected.transpose() * selected.col(k - 1);
    chosen_gram.conservativeResize(k, k);
    chosen_gram.row(k - 1) = cross.transpose();
    chosen_gram.col(k - 1) = cross;
    chosen_xy.conservativeResize(k);
    chosen_xy[k - 1] = selected.col(k - 1).dot(y);
    residual = y - selected * chosen_gram.ldlt().solve(chosen_xy);
  }

  // The table of the chosen nets, then an ordinary least-squares fit on every op, via the
  // normal equations of the toggle bits (K <= 64, so they are small and exact to form).
  const std::size_t k_count = chosen.size();
  std::vector<std::uint64_t> table(kOperandPairs, 0);
  std::vector<std::string> names;
  for (std::size_t k = 0; k < k_count; ++k) {
    const ProxyCandidate& candidate = candidates[pool[static_cast<std::size_t>(chosen[k])]];
    names.push_back(candidate.name);
    for (std::size_t pair = 0; pair < kOperandPairs; ++pair) table[pair] |= static_cast<std::uint64_t>(value_at(candidate.values, pair)) << k;
  }
  const auto kk = static_cast<Eigen::Index>(k_count);
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(kk, kk);
  Eigen::VectorXd sum_x = Eigen::VectorXd::Zero(kk), sum_xy = Eigen::VectorXd::Zero(kk);
  double sum_y = 0.0;
  std::vector<std::uint64_t> toggles(ops);
  for (std::size_t op = 0; op < ops; ++op) {
    const std::uint64_t toggled = table[now[op]] ^ table[before[op]];
    toggles[op] = toggled;
    const double e = energies_pj[op];
    sum_y += e;
    for (std::uint64_t i_bits = toggled; i_bits != 0; i_bits &= i_bits - 1) {
      const auto i = static_cast<Eigen::Index>(__builtin_ctzll(i_bits));
      sum_x[i] += 1.0;
      sum_xy[i] += e;
      for (std::uint64_t j_bits = i_bits; j_bits != 0; j_bits &= j_bits - 1) gram(i, static_cast<Eigen::Index>(__builtin_ctzll(j_bits))) += 1.0;
    }
  }
  const Eigen::MatrixXd full_gram = gram.selfadjointView<Eigen::Upper>();
  const double count = static_cast<double>(ops);
  const Eigen::VectorXd mean_x = sum_x / count;
  const double mean_y = sum_y / count;
  const Eigen::MatrixXd centred_gram = full_gram - count * mean_x * mean_x.transpose();
  const Eigen::VectorXd centred_xy = sum_xy - count * mean_x * mean_y;
  const Eigen::VectorXd beta = centred_gram.colPivHouseholderQr().solve(centred_xy);
  const double intercept = mean_y - mean_x.dot(beta);
  std::vector<double> coefficients(beta.data(), beta.data() + beta.size());

  ProxyEnergyModel model(std::move(names), intercept, coefficients, std::move(table));
  double residual_sum = 0.0, total_sum = 0.0;
  for (std::size_t op = 0; op < ops; ++op) {
    const double e = energies_pj[op];
    residual_sum += (e - model.predict_pj(toggles[op])) * (e - model.predict_pj(toggles[op]));
    total_sum += (e - mean_y) * (e - mean_y);
  }
  metadata.fitted_ops = ops;
  metadata.fitted_streams = streams.size();
  metadata.r2_train = total_sum > 0.0 ? 1.0 - residual_sum / total_sum : 0.0;
  model.metadata() = std::move(metadata);
  return model;
}

}  // namespace tessera::traces::activity
