#include "golden/optical/layer.h"

#include <sstream>

#include "golden/common/error.h"

namespace tessera::optical {

QuantizerParams quantizer_from_range(const RunningRange& range, std::int64_t levels, float lut_min) {
  const Range r = range.range();
  if (!(r.min < r.max)) {
    std::ostringstream message;
    message << range.name() << ": calibrated range [" << r.min << ", " << r.max
            << "] is empty; calibrate on data that varies";
    throw StateError(message.str());
  }
  return make_quantizer(levels, r.min, r.max, lut_min, range.name());
}

namespace {

std::uint32_t checked_unit(std::uint32_t unit, const std::string& name) {
  if (unit >= (1u << 24)) {
    std::ostringstream message;
    message << "layer " << name << ": unit id must be < 2^24, got " << unit;
    throw ConfigError(message.str());
  }
  return unit;
}

}  // namespace

OpticalLinear::OpticalLinear(std::string name, std::uint32_t unit, Matrix weight,
                             std::vector<float> bias, OpticalConfig config)
    : name_(std::move(name)),
      unit_(checked_unit(unit, name_)),
      weight_(std::move(weight)),
      bias_(std::move(bias)),
      config_(std::move(config)),
      input_range_("layer " + name_ + " input", config_.q_smooth_factor, config_.q_quantiles),
      weight_range_("layer " + name_ + " weight", config_.q_smooth_factor, config_.q_quantiles),
      output_range_("layer " + name_ + " output", config_.q_smooth_factor, config_.q_quantiles),
      negative_output_range_("layer " + name_ + " output (negative pass)", config_.q_smooth_factor,
                             config_.q_quantiles) {
  validate(config_, "layer " + name_);
  if (weight_.rows == 0 || weight_.cols == 0 || weight_.data.size() != weight_.rows * weight_.cols) {
    throw InputError("layer " + name_ + ": weight must be a non-empty N x K matrix");
  }
  if (!bias_.empty() && bias_.size() != weight_.rows) {
    std::ostringstream message;
    message << "layer " << name_ << ": bias has " << bias_.size() << " values for " << weight_.rows
            << " outputs";
    throw InputError(message.str());
  }
}

void OpticalLinear::set_calibrating(bool on) {
  calibrating_ = on;
  input_range_.set_calibrating(on);
  weight_range_.set_calibrating(on);
  output_range_.set_calibrating(on);
  negative_output_range_.set_calibrating(on);
}

void OpticalLinear::calibrate(const Matrix& x) {
  if (config_.q_bypass) return;
  if (!calibrating_) {
    throw StateError("layer " + name_ + ": statistics are frozen; call set_calibrating(true) first");
  }
  if (x.cols != weight_.cols) {
    std::ostringstream message;
    message << "layer " << name_ << ": input has " << x.cols << " features, weight expects "
            << weight_.cols;
    throw InputError(message.str());
  }
  input_range_.observe(x.data.data(), x.size());
  weight_range_.observe(weight_.data.data(), weight_.size());
  if (config_.sign_handling == SignHandling::split) {
    Matrix positive = weight_, negative = weight_;
    for (float& v : positive.data) v = v > 0.0f ? v : 0.0f;
    for (float& v : negative.data) v = v < 0.0f ? -v : 0.0f;
    const Matrix y_positive = float_gemm(x, positive, {});
    const Matrix y_negative = float_gemm(x, negative, {});
    output_range_.observe(y_positive.data.data(), y_positive.size());
    negative_output_range_.observe(y_negative.data.data(), y_negative.size());
    return;
  }
  const Matrix reference = float_gemm(x, weight_, {});
  output_range_.observe(reference.data.data(), reference.size());
}

OpticalGemmSpec OpticalLinear::gemm_spec() const {
  OpticalGemmSpec spec;
  spec.input = quantizer_from_range(input_range_, effective_input_levels(config_), 0.0f);
  spec.weight = quantizer_from_range(weight_range_, effective_weight_levels(config_),
                                     effective_lut_min(config_));
  spec.output.adc = quantizer_from_range(output_range_, effective_output_levels(config_), 0.0f);
  spec.output.detector_noise_lsb = config_.detector_noise_lsb;
  spec.output.shot_noise_photons_full_scale = config_.shot_noise_photons_full_scale;
  if (config_.sign_handling == SignHandling::split) {
    spec.split_signs = true;
    spec.negative_output = spec.output;
    spec.negative_output.adc =
        quantizer_from_range(negative_output_range_, effective_output_levels(config_), 0.0f);
  }
  return spec;
}

Matrix OpticalLinear::forward(const Matrix& x) {
  if (config_.q_bypass) return float_gemm(x, weight_, bias_);
  if (calibrating_) calibrate(x);
  const OpticalGemmSpec spec = gemm_spec();
  const Matrix y = optical_gemm(x, weight_, bias_, spec, CallKey{config_.q_init_seed, unit_, calls_});
  calls_ += 1;
  return y;
}

}  // namespace tessera::optical
