#include "golden/optical/attention.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "golden/common/error.h"
#include "golden/optical/layer.h"
#include "golden/ref/softmax.h"

namespace tessera::optical {

void softmax_rows(Matrix& logits) {
  ref::Tensor probabilities =
      ref::softmax(ref::Tensor({logits.rows, logits.cols}, std::move(logits.data)), -1);
  logits.data = probabilities.release_values();
}

namespace {

float attention_scale(std::size_t d) {
  return static_cast<float>(1.0 / std::sqrt(static_cast<double>(d)));
}

void check_shapes(const Matrix& q, const Matrix& k, const Matrix& v) {
  if (q.cols != k.cols || k.rows != v.rows || q.rows == 0 || k.rows == 0 || q.cols == 0 ||
      v.cols == 0) {
    std::ostringstream message;
    message << "optical attention: shapes do not fit (Q " << q.rows << " x " << q.cols << ", K "
            << k.rows << " x " << k.cols << ", V " << v.rows << " x " << v.cols << ")";
    throw InputError(message.str());
  }
}

void scale_and_mask(Matrix& s, std::size_t d, bool causal) {
  const float scale = attention_scale(d);
  const std::size_t offset = s.cols >= s.rows ? s.cols - s.rows : 0;
  for (std::size_t r = 0; r < s.rows; ++r) {
    for (std::size_t c = 0; c < s.cols; ++c) {
      float& x = s.at(r, c);
      x = x * scale;
      if (causal && c > r + offset) x = -std::numeric_limits<float>::infinity();
    }
  }
}

}  // namespace

OpticalAttention::OpticalAttention(std::string name, std::uint32_t qk_unit, std::uint32_t av_unit,
                                   OpticalConfig config)
    : name_(std::move(name)),
      qk_unit_(qk_unit),
      av_unit_(av_unit),
      config_(std::move(config)),
      query_range_("attention " + name_ + " query", config_.q_smooth_factor, config_.q_quantiles),
      key_range_("attention " + name_ + " key", config_.q_smooth_factor, config_.q_quantiles),
      qk_range_("attention " + name_ + " QK^T", config_.q_smooth_factor, config_.q_quantiles),
      value_range_("attention " + name_ + " value", config_.q_smooth_factor, config_.q_quantiles),
      av_range_("attention " + name_ + " AV", config_.q_smooth_factor, config_.q_quantiles) {
  validate(config_, "attention " + name_);
  if (config_.sign_handling != SignHandling::signed_single_pass) {
    throw ConfigError("attention " + name_ +
                      ".sign_handling: only \"signed\" is supported for attention");
  }
  if (qk_unit >= (1u << 24) || av_unit >= (1u << 24) || qk_unit == av_unit) {
    throw ConfigError("attention " + name_ + ": qk_unit and av_unit must differ and be < 2^24");
  }
}

void OpticalAttention::set_calibrating(bool on) {
  calibrating_ = on;
  for (RunningRange* r : {&query_range_, &key_range_, &qk_range_, &value_range_, &av_range_}) {
    r->set_calibrating(on);
  }
}

Matrix OpticalAttention::float_attention(const Matrix& q, const Matrix& k, const Matrix& v,
                                         bool causal) {
  check_shapes(q, k, v);
  Matrix s = float_gemm(q, k, {});
  scale_and_mask(s, q.cols, causal);
  softmax_rows(s);
  return float_gemm(s, transpose(v), {});
}

void OpticalAttention::observe(const Matrix& q, const Matrix& k, const Matrix& v, bool causal) {
  const Matrix qk = float_gemm(q, k, {});  // unscaled: the ADC's quantity
  Matrix probabilities = qk;
  scale_and_mask(probabilities, q.cols, causal);
  softmax_rows(probabilities);
  const Matrix av = float_gemm(probabilities, transpose(v), {});
  query_range_.observe(q.data.data(), q.size());
  key_range_.observe(k.data.data(), k.size());
  qk_range_.observe(qk.data.data(), qk.size());
  value_range_.observe(v.data.data(), v.size());
  av_range_.observe(av.data.data(), av.size());
}

Matrix OpticalAttention::forward(const Matrix& q, const Matrix& k, const Matrix& v, bool causal) {
  if (config_.q_bypass) return float_attention(q, k, v, causal);
  check_shapes(q, k, v);
  if (calibrating_) observe(q, k, v, causal);
  const float lut_min = effective_lut_min(config_);
  const std::int64_t in_levels = effective_input_levels(config_);
  const std::int64_t w_levels = effective_weight_levels(config_);
  const std::int64_t out_levels = effective_output_levels(config_);

  OpticalGemmSpec qk_spec;
  qk_spec.input = quantizer_from_range(query_range_, in_levels, 0.0f);
  qk_spec.weight = quantizer_from_range(key_range_, w_levels, lut_min);
  qk_spec.output.adc = quantizer_from_range(qk_range_, out_levels, 0.0f);
  qk_spec.output.detector_noise_lsb = config_.detector_noise_lsb;
  qk_spec.output.shot_noise_photons_full_scale = config_.shot_noise_photons_full_scale;

  OpticalGemmSpec av_spec = qk_spec;
  av_spec.input = make_quantizer(in_levels, 0.0f, 1.0f, 0.0f, "attention " + name_ + " probabilities");
  av_spec.weight = quantizer_from_range(value_range_, w_levels, lut_min);
  av_spec.output.adc = quantizer_from_range(av_range_, out_levels, 0.0f);

  Matrix scores = optical_gemm(q, k, {}, qk_spec, CallKey{config_.q_init_seed, qk_unit_, calls_});
  scale_and_mask(scores, q.cols, causal);
  softmax_rows(scores);
  Matrix out = optical_gemm(scores, transpose(v), {}, av_spec,
                            CallKey{config_.q_init_seed, av_unit_, calls_});
  calls_ += 1;
  return out;
}

}  // namespace tessera::optical
