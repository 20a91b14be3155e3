#include "golden/approx/metrics.h"

#include <algorithm>
#include <cstdlib>

namespace tessera::approx {

ErrorMetrics characterize(const MultiplierTable& table) {
  // Integer sums are exact (|err| < 2^17, 65536 pairs: sums < 2^33, squares < 2^50).
  std::int64_t sum_abs = 0;
  std::int64_t sum_signed = 0;
  std::int64_t sum_squares = 0;
  std::int64_t worst = 0;
  std::int64_t wrong = 0;
  double sum_relative = 0.0;
  double worst_relative = 0.0;
  std::int64_t nonzero_exact = 0;
  for (std::size_t i = 0; i < kTableEntries; ++i) {
    const std::int64_t exact = static_cast<std::int64_t>(port_a_of(i)) * port_b_of(i);
    const std::int64_t err = static_cast<std::int64_t>(table.data()[i]) - exact;
    const std::int64_t abs_err = std::llabs(err);
    sum_abs += abs_err;
    sum_signed += err;
    sum_squares += err * err;
    worst = std::max(worst, abs_err);
    if (err != 0) ++wrong;
    if (exact != 0) {
      const double relative = static_cast<double>(abs_err) / static_cast<double>(std::llabs(exact));
      sum_relative += relative;
      worst_relative = std::max(worst_relative, relative);
      ++nonzero_exact;
    }
  }
  const double n = static_cast<double>(kTableEntries);
  ErrorMetrics m;
  m.mae = static_cast<double>(sum_abs) / n;
  m.wce = static_cast<double>(worst);
  m.ep_percent = 100.0 * static_cast<double>(wrong) / n;
  m.mre_percent = 100.0 * sum_relative / static_cast<double>(nonzero_exact);
  m.wcre_percent = 100.0 * worst_relative;
  m.mse = static_cast<double>(sum_squares) / n;
  m.mean_error = static_cast<double>(sum_signed) / n;
  m.symmetric = table.is_symmetric();
  return m;
}

}  // namespace tessera::approx
