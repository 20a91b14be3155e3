#include "golden/optical/stats.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "golden/common/error.h"

namespace tessera::optical {

namespace {

float linear_quantile(const std::vector<float>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const double lower = std::floor(position);
  const auto i = static_cast<std::size_t>(lower);
  if (i + 1 >= sorted.size()) return sorted.back();
  const double fraction = position - lower;
  const double a = sorted[i];
  const double b = sorted[i + 1];
  const double difference = b - a;
  const double step = difference * fraction;
  return static_cast<float>(a + step);
}

}  // namespace

RunningRange::RunningRange(std::string name, double smooth_factor,
                           std::optional<std::pair<double, double>> quantiles)
    : name_(std::move(name)), smooth_factor_(smooth_factor), quantiles_(quantiles) {
  if (!(smooth_factor >= 0.0 && smooth_factor <= 1.0)) {
    std::ostringstream message;
    message << name_ << ": q_smooth_factor must be in [0, 1], got " << smooth_factor;
    throw ConfigError(message.str());
  }
  if (quantiles_ && !(quantiles_->first >= 0.0 && quantiles_->first < quantiles_->second &&
                      quantiles_->second <= 1.0)) {
    std::ostringstream message;
    message << name_ << ": q_quantiles must satisfy 0 <= lo < hi <= 1, got (" << quantiles_->first
            << ", " << quantiles_->second << ")";
    throw ConfigError(message.str());
  }
}

Range observe_range(const float* x, std::size_t n,
                    const std::optional<std::pair<double, double>>& quantiles,
                    const std::string& what) {
  if (n == 0) throw InputError(what + ": cannot observe a range of an empty tensor");
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) {
      std::ostringstream message;
      message << what << ": element " << i << " is not finite (" << x[i]
              << "); a range cannot be observed";
      throw InputError(message.str());
    }
  }
  if (!quantiles) {
    const auto [lo, hi] = std::minmax_element(x, x + n);
    return Range{*lo, *hi};
  }
  std::vector<float> sorted(x, x + n);
  std::sort(sorted.begin(), sorted.end());
  return Range{linear_quantile(sorted, quantiles->first), linear_quantile(sorted, quantiles->second)};
}

float smooth(float old_value, float observed, double smooth_factor) {
  const auto keep = static_cast<float>(smooth_factor);
  const auto take = static_cast<float>(1.0 - smooth_factor);
  const float kept = keep * old_value;
  const float taken = take * observed;
  return kept + taken;
}

void RunningRange::observe(const float* x, std::size_t n) {
  if (!calibrating_) {
    throw StateError(name_ + ": statistics are frozen; enable calibration before observing");
  }
  const Range observed = observe_range(x, n, quantiles_, name_);
  if (!calibrated_) {
    range_ = observed;
    calibrated_ = true;
    return;
  }
  range_.min = smooth(range_.min, observed.min, smooth_factor_);
  range_.max = smooth(range_.max, observed.max, smooth_factor_);
}

Range RunningRange::range() const {
  if (!calibrated_) {
    throw StateError(name_ + ": optical input range not calibrated; run calibration first");
  }
  return range_;
}

void RunningRange::set_range(Range range) {
  if (!std::isfinite(range.min) || !std::isfinite(range.max) || !(range.min <= range.max)) {
    std::ostringstream message;
    message << name_ << ": range must be finite with min <= max, got [" << range.min << ", "
            << range.max << "]";
    throw ConfigError(message.str());
  }
  range_ = range;
  calibrated_ = true;
}

}  // namespace tessera::optical
