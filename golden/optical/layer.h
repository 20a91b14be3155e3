#pragma once
// An optical linear layer: y = optical_gemm(x, W, bias) (matmul.h) with the ranges of its three
// quantizers tracked by RunningRange (stats.h). The peer's OtLinear semantics with its defects
// fixed:
//
//  * Calibration is explicit. set_calibrating(true) turns it on; then calibrate(x) observes, and
//    forward(x) observes first and computes with the updated ranges (the peer's training-mode
//    forward). With calibration off (the default) every range is frozen; observing throws.
//  * Observed per calibration step: input range from x, weight range from W (EMA as the peer),
//    output range from the float, unquantized, bias-free GEMM x.W^T (float_gemm): the quantity the
//    ADC range is applied to. The peer initialised it from that but then EMA-updated it from the
//    quantized output WITH bias, a range applied before the bias but tracked after it.
//  * forward on an uncalibrated layer throws StateError ("layer <name> input: optical input range
//    not calibrated; run calibration first"), never NaN.
//  * Every non-bypass forward call uses CallKey{q_init_seed, unit, calls()} and then advances
//    calls(): fresh per-element noise per call; a new layer with the same seed repeats the
//    sequence. (The peer's GPU seed never advanced.)
//  * Bypass: float_gemm(x, W, bias); no statistics, no randomness, the counter does not advance.
//  * Sign handling "split" (config.h): the output range (positive pass) is observed from
//    float_gemm(x, max(W, 0)) and the negative pass's range from float_gemm(x, max(-W, 0)).
#include <cstdint>
#include <string>
#include <vector>

#include "golden/optical/config.h"
#include "golden/optical/matmul.h"
#include "golden/optical/matrix.h"
#include "golden/optical/stats.h"

namespace tessera::optical {

// Builds a quantizer from a tracked range; StateError if uncalibrated or empty (min == max).
QuantizerParams quantizer_from_range(const RunningRange& range, std::int64_t levels, float lut_min);

class OpticalLinear {
 public:
  // weight: N x K (out_features x in_features); bias: empty or N. unit: the layer's id (< 2^24),
  // the high bits of its Philox streams; give every optical unit of a network its own.
  OpticalLinear(std::string name, std::uint32_t unit, Matrix weight, std::vector<float> bias,
                OpticalConfig config);

  void set_calibrating(bool on);
  bool calibrating() const { return calibrating_; }
  // Observes input, weight and output ranges (no output). StateError when not calibrating;
  // a no-op under bypass.
  void calibrate(const Matrix& x);
  // x: M x K -> M x N.
  Matrix forward(const Matrix& x);

  std::uint32_t calls() const { return calls_; }
  // The GEMM specification the next forward call would use (StateError if uncalibrated).
  OpticalGemmSpec gemm_spec() const;

  const OpticalConfig& config() const { return config_; }
  const std::string& name() const { return name_; }
  RunningRange& input_range() { return input_range_; }
  RunningRange& weight_range() { return weight_range_; }
  RunningRange& output_range() { return output_range_; }
  RunningRange& negative_output_range() { return negative_output_range_; }  // split only

 private:
  std::string name_;
  std::uint32_t unit_;
  Matrix weight_;
  std::vector<float> bias_;
  OpticalConfig config_;
  RunningRange input_range_;
  RunningRange weight_range_;
  RunningRange output_range_;
  RunningRange negative_output_range_;
  bool calibrating_ = false;
  std::uint32_t calls_ = 0;
};

}  // namespace tessera::optical
