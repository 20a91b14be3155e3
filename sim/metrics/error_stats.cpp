#include "sim/metrics/error_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "golden/common/error.h"

namespace tessera::metrics {

void ErrorAccumulator::add(const float* reference, const float* test, std::size_t count) {
  count_ += count;
  for (std::size_t i = 0; i < count; ++i) {
    const double r = reference[i];
    const double t = test[i];
    if (!std::isfinite(t)) {
      ++non_finite_;
      continue;
    }
    ++finite_;
    const double e = t - r;
    sum_error_ += e;
    sum_error_sq_ += e * e;
    sum_reference_sq_ += r * r;
    sum_test_sq_ += t * t;
    dot_ += r * t;
    max_abs_error_ = std::max(max_abs_error_, std::fabs(e));
  }
}

ErrorStats ErrorAccumulator::result() const {
  if (count_ == 0) throw ConfigError("error statistics: no elements to compare");
  ErrorStats stats;
  stats.count = count_;
  stats.non_finite = non_finite_;
  if (finite_ == 0) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    stats.rms_error = stats.max_abs_error = stats.mean_error = stats.snr_db = stats.cosine = nan;
    return stats;
  }
  const double n = static_cast<double>(finite_);
  stats.max_abs_error = max_abs_error_;
  stats.rms_error = std::sqrt(sum_error_sq_ / n);
  stats.mean_error = sum_error_ / n;
  stats.snr_db = sum_error_sq_ == 0.0 ? std::numeric_limits<double>::infinity()
                                      : 10.0 * std::log10(sum_reference_sq_ / sum_error_sq_);
  const double norms = std::sqrt(sum_reference_sq_) * std::sqrt(sum_test_sq_);
  stats.cosine = norms == 0.0 ? (sum_reference_sq_ == sum_test_sq_ ? 1.0 : 0.0) : dot_ / norms;
  return stats;
}

ErrorStats compare(const float* reference, const float* test, std::size_t count) {
  ErrorAccumulator accumulator;
  accumulator.add(reference, test, count);
  return accumulator.result();
}

}  // namespace tessera::metrics
