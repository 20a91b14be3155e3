#include "golden/approx/calibrate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "golden/common/error.h"

namespace tessera::approx {

CalibrationMethod parse_calibration_method(std::string_view name) {
  if (name == "max") return CalibrationMethod::max;
  if (name == "percentile") return CalibrationMethod::percentile;
  if (name == "mse") return CalibrationMethod::mse;
  if (name == "entropy") return CalibrationMethod::entropy;
  throw ConfigError("calibration method '" + std::string(name) +
                    "': expected one of max, percentile, mse, entropy");
}

const char* to_string(CalibrationMethod method) {
  switch (method) {
    case CalibrationMethod::max: return "max";
    case CalibrationMethod::percentile: return "percentile";
    case CalibrationMethod::mse: return "mse";
    case CalibrationMethod::entropy: return "entropy";
  }
  return "?";
}

void CalibratorConfig::validate() const {
  range.validate();
  if (!(percentile > 0.0 && percentile <= 100.0)) {
    throw ConfigError("calibrator field 'percentile': expected a value in (0, 100], got " + std::to_string(percentile));
  }
  if (num_bins < 2) throw ConfigError("calibrator field 'num_bins': expected >= 2, got " + std::to_string(num_bins));
  if (start_bin < 1 || start_bin >= num_bins) {
    throw ConfigError("calibrator field 'start_bin': expected 1 <= start_bin < num_bins (" + std::to_string(num_bins) +
                      "), got " + std::to_string(start_bin));
  }
}

Calibrator::Calibrator(CalibratorConfig config) : config_(config) { config_.validate(); }

void Calibrator::collect(const float* values, std::size_t count) {
  float batch_max = 0.0f;
  for (std::size_t i = 0; i < count; ++i) {
    if (!std::isfinite(values[i])) {
      throw InputError("calibration batch: value " + std::to_string(i) + " is " +
                       (std::isnan(values[i]) ? "NaN" : "infinite") + "; expected finite numbers");
    }
    batch_max = std::max(batch_max, std::fabs(values[i]));
  }
  collected_ = collected_ || count > 0;
  max_abs_ = std::max(max_abs_, batch_max);
  if (config_.method == CalibrationMethod::max) return;

  if (counts_.empty()) {
    if (batch_max == 0.0f) {
      early_zeros_ += static_cast<std::int64_t>(count);
      return;
    }
    counts_.assign(static_cast<std::size_t>(config_.num_bins), 0);
    bin_width_ = static_cast<double>(batch_max) / config_.num_bins;
    counts_[0] += early_zeros_;
  } else if (static_cast<double>(batch_max) > edge(counts_.size())) {
    const auto bins = static_cast<std::size_t>(std::ceil(static_cast<double>(batch_max) / bin_width_));
    counts_.resize(std::max(bins, counts_.size()), 0);
  }
  const double top = edge(counts_.size());
  const auto last = counts_.size() - 1;
  for (std::size_t i = 0; i < count; ++i) {
    const double v = std::fabs(static_cast<double>(values[i]));
    auto bin = static_cast<std::size_t>(std::floor(v * static_cast<double>(counts_.size()) / top));
    counts_[std::min(bin, last)] += 1;
  }
}

float Calibrator::compute_amax() const {
  if (!collected_) throw StateError("calibrator: compute_amax called before any data was collected");
  if (config_.method == CalibrationMethod::max || counts_.empty()) return max_abs_;
  switch (config_.method) {
    case CalibrationMethod::percentile: return amax_percentile();
    case CalibrationMethod::mse: return amax_mse();
    case CalibrationMethod::entropy: return amax_entropy();
    case CalibrationMethod::max: break;
  }
  return max_abs_;
}

float Calibrator::amax_percentile() const {
  double total = 0.0;
  for (auto c : counts_) total += static_cast<double>(c);
  const double target = config_.percentile / 100.0;
  double cdf = 0.0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    cdf += static_cast<double>(counts_[i]) / total;  // numpy: cumsum of hist / total
    if (cdf >= target) return static_cast<float>(edge(i));
  }
  // cdf rounding left the last value just below 1: searchsorted returns len(cdf), the top edge.
  return static_cast<float>(edge(counts_.size()));
}

float Calibrator::amax_mse() const {
  const std::size_t bins = counts_.size();
  std::vector<float> centres(bins);
  for (std::size_t i = 0; i < bins; ++i) {
    centres[i] = (static_cast<float>(edge(i)) + static_cast<float>(edge(i + 1))) / 2.0f;
  }
  double best_error = std::numeric_limits<double>::infinity();
  float best_amax = max_abs_;
  for (std::size_t i = static_cast<std::size_t>(config_.start_bin); i < bins; ++i) {
    const float amax = centres[i];
    const float scale = quant_scale(amax, config_.range);
    double error = 0.0;
    for (std::size_t j = 0; j < bins; ++j) {
      if (counts_[j] == 0) continue;
      const float dequantized = static_cast<float>(quantize_value(centres[j], scale, config_.range)) / scale;
      const double diff = static_cast<double>(dequantized) - static_cast<double>(centres[j]);
      error += diff * diff * static_cast<double>(counts_[j]);
    }
    if (error < best_error) {  // strict: the first minimum wins, as np.argmin
      best_error = error;
      best_amax = amax;
    }
  }
  return best_amax;
}

float Calibrator::amax_entropy() const {
  constexpr std::size_t kQuantBins = 128;  // 8-bit signed: 128 magnitudes
  std::vector<double> bins(counts_.begin(), counts_.end());
  bins[0] = bins[1];
  const std::size_t stop = bins.size();
  std::vector<double> suffix(stop + 1, 0.0);  // suffix[i] = sum(bins[i:])
  for (std::size_t i = stop; i-- > 0;) suffix[i] = suffix[i + 1] + bins[i];

  double best_divergence = std::numeric_limits<double>::infinity();
  std::size_t best_i = static_cast<std::size_t>(config_.start_bin);
  std::vector<double> group_sum(kQuantBins);
  std::vector<double> group_size(kQuantBins);
  for (std::size_t i = static_cast<std::size_t>(config_.start_bin); i <= stop; ++i) {
    std::fill(group_sum.begin(), group_sum.end(), 0.0);
    std::fill(group_size.begin(), group_size.end(), 0.0);
    for (std::size_t idx = 0; idx < i; ++idx) {
      if (bins[idx] == 0.0) continue;
      const std::size_t g = idx * kQuantBins / i;
      group_sum[g] += bins[idx];
      group_size[g] += 1.0;
    }
    double p_total = suffix[0];  // sum(bins[:i]) + tail = everything
    double q_total = 0.0;
    for (std::size_t idx = 0; idx < i; ++idx) {
      if (bins[idx] != 0.0) {
        const std::size_t g = idx * kQuantBins / i;
        q_total += group_sum[g] / group_size[g];
      }
    }
    double divergence = 0.0;
    for (std::size_t idx = 0; idx < i; ++idx) {
      double p = bins[idx];
      if (idx == i - 1) p += suffix[i];
      if (p == 0.0) continue;
      double q = 0.0;
      if (bins[idx] != 0.0) {
        const std::size_t g = idx * kQuantBins / i;
        q = group_sum[g] / group_size[g];
      }
      if (q == 0.0) {
        divergence = std::numeric_limits<double>::infinity();
        break;
      }
      const double pn = p / p_total;
      const double qn = q / q_total;
      divergence += pn * std::log(pn / qn);
    }
    if (divergence <= best_divergence) {  // <=: the last minimum wins
      best_divergence = divergence;
      best_i = i;
    }
  }
  return static_cast<float>(edge(best_i));
}

PerChannelCalibrator::PerChannelCalibrator(std::size_t channels, CalibratorConfig config) {
  if (channels == 0) throw ConfigError("per-channel calibrator: expected at least one channel");
  calibrators_.assign(channels, Calibrator(config));
}

void PerChannelCalibrator::collect(const std::vector<float>& values) {
  if (values.size() % calibrators_.size() != 0) {
    throw ConfigError("per-channel calibration batch of " + std::to_string(values.size()) +
                      " values does not split into " + std::to_string(calibrators_.size()) + " channels");
  }
  const std::size_t per_channel = values.size() / calibrators_.size();
  for (std::size_t c = 0; c < calibrators_.size(); ++c) {
    calibrators_[c].collect(values.data() + c * per_channel, per_channel);
  }
}

std::vector<float> PerChannelCalibrator::compute_amax() const {
  std::vector<float> amax;
  amax.reserve(calibrators_.size());
  for (const auto& c : calibrators_) amax.push_back(c.compute_amax());
  return amax;
}

}  // namespace tessera::approx

