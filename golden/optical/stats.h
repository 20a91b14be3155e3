#pragma once
// A running [min, max] range: the Optical Transformers statistics (mase-triton
// `optical_transformer_update_qstats`, research/optical.md §1.5) with calibration made explicit.
//
//   state      uncalibrated until the first observation (the peer's [+inf, -inf] buffers, which
//              made uncalibrated use produce NaN; here reading it throws StateError)
//   observed   (lo, hi) of the tensor: min/max, or quantiles (q_lo, q_hi) when configured
//   first      range = observed                                   (taken directly)
//   later      range = s*old + (1-s)*observed, per bound, in float32:
//                  new = fl32( fl32(float(s) * old) + fl32(float(1 - s) * observed) )
//              where s = q_smooth_factor is the weight on the OLD value (default 0.9) and
//              (1 - s) is computed in double first, as Python does, then rounded to float32.
//   quantile   torch.quantile's "linear" rule on the sorted values v[0..n): position
//              p = q*(n-1) in double, i = floor(p), result v[i] + (v[i+1]-v[i])*(p-i) in double,
//              rounded to float32.
//   frozen     observe() outside calibration throws StateError: a silent no-op would hide a
//              caller that thinks it is still calibrating (the peer drifted in eval mode).
#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace tessera::optical {

struct Range {
  float min = 0.0f;
  float max = 0.0f;
};

class RunningRange {
 public:
  // `name` appears in messages, e.g. "layer fc1 input".
  RunningRange(std::string name, double smooth_factor,
               std::optional<std::pair<double, double>> quantiles = std::nullopt);

  void set_calibrating(bool on) { calibrating_ = on; }
  bool calibrating() const { return calibrating_; }

  // Observes x[0..n) (calibration only). InputError for an empty or non-finite tensor,
  // StateError when frozen.
  void observe(const float* x, std::size_t n);

  bool calibrated() const { return calibrated_; }
  // The tracked range; StateError "<name>: optical input range not calibrated; run calibration
  // first" before the first observation.
  Range range() const;
  // Sets a range directly (e.g. frozen parameters loaded from a file); marks it calibrated.
  void set_range(Range range);
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  double smooth_factor_;
  std::optional<std::pair<double, double>> quantiles_;
  bool calibrating_ = false;
  bool calibrated_ = false;
  Range range_;
};

// The observation rule on its own: min/max, or linear-interpolated quantiles.
Range observe_range(const float* x, std::size_t n,
                    const std::optional<std::pair<double, double>>& quantiles,
                    const std::string& what);

// One smoothing step as specified above.
float smooth(float old_value, float observed, double smooth_factor);

}  // namespace tessera::optical
