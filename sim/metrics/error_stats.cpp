#include "sim/metrics/error_stats.h"

#include <cmath>
#include <limits>

#include "golden/common/error.h"

namespace tessera::metrics {

ErrorStats compare(const float* reference, const float* test, std::size_t count) {
  if (count == 0) throw ConfigError("error statistics: no elements to compare");
  ErrorStats stats;
  stats.count = count;
  double sum_error = 0.0, sum_error_sq = 0.0, sum_reference_sq = 0.0, sum_test_sq = 0.0;
  double dot = 0.0;
  std::size_t finite = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const double r = reference[i];
    const double t = test[i];
    if (!std::isfinite(t)) {
      ++stats.non_finite;
      continue;
    }
    ++finite;
    const double e = t - r;
    sum_error += e;
    sum_error_sq += e * e;
    sum_reference_sq += r * r;
    sum_test_sq += t * t;
    dot += r * t;
    stats.max_abs_error = std::max(stats.max_abs_error, std::fabs(e));
  }
  if (finite == 0) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    stats.rms_error = stats.max_abs_error = stats.mean_error = stats.snr_db = stats.cosine = nan;
    return stats;
  }
  stats.rms_error = std::sqrt(sum_error_sq / static_cast<double>(finite));
  stats.mean_error = sum_error / static_cast<double>(finite);
  stats.snr_db = sum_error_sq == 0.0 ? std::numeric_limits<double>::infinity()
                                     : 10.0 * std::log10(sum_reference_sq / sum_error_sq);
  const double norms = std::sqrt(sum_reference_sq) * std::sqrt(sum_test_sq);
  stats.cosine = norms == 0.0 ? (sum_reference_sq == sum_test_sq ? 1.0 : 0.0) : dot / norms;
  return stats;
}

}  // namespace tessera::metrics
