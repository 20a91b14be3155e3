#pragma once
// Calibrators: choose the amax of INT8 symmetric quantization from a few batches of data, as
// NVIDIA pytorch-quantization does it (the library TransAxx uses; calib/max.py, calib/histogram.py).
//
//   max         amax = max |x| over every batch.
//   percentile  histogram of |x| (below); cdf = cumsum(counts / total); idx = first bin with
//               cdf >= percentile / 100 (numpy searchsorted, side 'left'); amax = left edge of that
//               bin, edges[idx] (pytorch-quantization's choice, kept for compatibility).
//   mse         for every candidate bin i >= start_bin (128): amax_i = centre of bin i; fake-
//               quantize every bin centre with amax_i (float32, round half even, [-127, 127]) and
//               pick the amax_i minimising sum((q(centre) - centre)^2 * count); first minimum wins.
//   entropy     TensorRT's KL-divergence search: bins[0] is replaced by bins[1]; for every i from
//               start_bin to the number of bins, the reference P = bins[0:i] with the tail
//               sum(bins[i:]) added to bin i-1, the candidate Q = bins[0:i] merged into 128 groups
//               (bin idx joins group floor(128*idx/i)) and spread evenly over the group's non-empty
//               bins; KL(P||Q) (natural log, infinite when Q is 0 where P is not); the LAST minimum
//               wins; amax = edges[i].
//
// Histogram (torch_hist=True path): the first batch with a non-zero max sets 2048 bins of equal
// width over [0, max|x|]; a later batch whose max exceeds the top edge appends bins of the same
// width until the top edge is >= its max (ceil(max / width) bins in all). Bin of a value:
// floor(|x| * bins / top), the top value going to the last bin. Deviation: edges and bin positions
// are computed in double here, float32 in PyTorch, so a value within a float32 rounding of an
// edge may land in the neighbouring bin; amax can then differ in the last bits. Zeros seen before
// any non-zero value are counted in bin 0 once the histogram exists; all-zero data gives amax 0.
//
// pytorch-quantization's histogram calibrator is per-tensor only; per-channel calibration here
// runs one independent calibrator per channel (as its calibrate_weights does for weights).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "golden/approx/quantize.h"

namespace tessera::approx {

enum class CalibrationMethod { max, percentile, mse, entropy };

// "max", "percentile", "mse", "entropy"; anything else: ConfigError listing them.
CalibrationMethod parse_calibration_method(std::string_view name);
const char* to_string(CalibrationMethod method);

struct CalibratorConfig {
  CalibrationMethod method = CalibrationMethod::percentile;
  double percentile = 99.99;  // percent, in (0, 100]
  int num_bins = 2048;
  int start_bin = 128;        // first candidate bin of mse and entropy
  Int8Range range{};          // the code range the mse method fake-quantizes to
  void validate() const;      // ConfigError on a bad field
};

class Calibrator {
 public:
  explicit Calibrator(CalibratorConfig config = {});

  // Adds one batch. NaN: InputError. Infinite values: InputError (no finite amax covers them).
  void collect(const float* values, std::size_t count);
  void collect(const std::vector<float>& values) { collect(values.data(), values.size()); }

  // The amax chosen by the configured method. StateError when nothing was collected.
  float compute_amax() const;

  const CalibratorConfig& config() const { return config_; }
  float max_abs() const { return max_abs_; }
  // Histogram of |x| (empty for method max, or before the first non-zero value).
  const std::vector<std::int64_t>& histogram() const { return counts_; }
  double bin_width() const { return bin_width_; }

 private:
  double edge(std::size_t i) const { return static_cast<double>(i) * bin_width_; }
  float amax_percentile() const;
  float amax_mse() const;
  float amax_entropy() const;

  CalibratorConfig config_;
  bool collected_ = false;
  float max_abs_ = 0.0f;
  std::int64_t early_zeros_ = 0;       // zeros seen before the histogram existed
  std::vector<std::int64_t> counts_;   // one count per bin
  double bin_width_ = 0.0;
};

// Per-output-channel calibration: the outermost dimension of every batch is the channel.
class PerChannelCalibrator {
 public:
  PerChannelCalibrator(std::size_t channels, CalibratorConfig config = {});
  // values.size() must be a multiple of the channel count (ConfigError otherwise).
  void collect(const std::vector<float>& values);
  std::vector<float> compute_amax() const;
  std::size_t channels() const { return calibrators_.size(); }

 private:
  std::vector<Calibrator> calibrators_;
};

}  // namespace tessera::approx
