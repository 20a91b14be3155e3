#pragma once
// The optical GEMM: what an optical MAC array computes, defined so that CPU and CUDA kernels and
// the RTL can match it bit for bit in ANY summation order.
//
//   y = ADC( DAC(x) . MOD(w)^T ) + bias          x: M x K activations, w: N x K "weights"
//
// 1. DAC / modulator. x and w become integer codes with the deterministic quantizer (quantizer.h):
//    qa = code_deterministic(x, input),  qw = code_deterministic(w, weight).
//    The analog value of a code is the EXACT real m + q*D with D = (M - m)/(L - 1) (an ideal DAC),
//    not the float32 rounding value(q) of quantizer.h. Weights carry the lut_min floor (the
//    modulator's extinction ratio): a weight whose float32 value(qw) lies in (0, t+) is
//    transmitted as +t+, one in (-t-, 0) as -t- (floor_sign in quantizer.h decides, so exactly the
//    elements the reference floors are floored). Activations carry no floor (as the reference).
//    Weights are rounded deterministically (the Triton path; fake.py's stochastic weight rounding
//    is a CPU-only divergence of the peer, research/optical.md §1.4).
//
// 2. Exact dot products in the code domain. Per output (i, j), over k, with U = unfloored weights,
//    P = floored to +t+, N = floored to -t-, the integer sums (uint64, exact, order-free)
//       nU, nP, nN                  counts
//       Sw  = sum_U qw              SaU = sum_U qa           Saw = sum_U qa*qw
//       SaP = sum_P qa              SaN = sum_N qa
//    are combined ONCE, in double, each step one IEEE operation in this order (no FMA):
//       ma = double(m_a);  da = (double(M_a) - ma) / double(L_a - 1)
//       mw = double(m_w);  dw = (double(M_w) - mw) / double(L_w - 1)
//       tp = double(t+);   tn = double(t-)
//       p1 = (double(nU) * ma) * mw
//       p2 = (double(Sw) * dw) * ma
//       p3 = (double(SaU) * da) * mw
//       p4 = (double(Saw) * da) * dw
//       pp = ((double(nP) * ma) + (double(SaP) * da)) * tp
//       pn = ((double(nN) * ma) + (double(SaN) * da)) * tn
//       y  = ((((p1 + p2) + p3) + p4) + pp) - pn
//    This is sum_k v_a*v_w with the affine corrections applied exactly up to these few double
//    roundings (|error| <= ~16 * 2^-53 * (|p1|+|p2|+|p3|+|p4|+|pp|+|pn|)).
//    Limit: K * (L_a - 1) * (L_w - 1) < 2^63 (ConfigError otherwise).
//
// 3. Noise (physical options, off by default), added to y in double before the ADC:
//       detector: y += (detector_noise_lsb * LSB_o) * g_det,  LSB_o = (double(M_o)-double(m_o))/(L_o-1)
//       shot:     y += sqrt((|y0| * F) / photons) * g_shot,   F = max(|m_o|, |M_o|), y0 = noiseless y
//    g_det, g_shot: gaussian_irwin_hall (noise.h) for element index i*N + j, streams
//    make_stream(unit, optical_detector_noise / optical_shot_noise), base draw call*8 + 4*pass
//    (blocks base+0..2); pass = 0 for the signed pass or split's positive pass, 1 for split's
//    negative pass.
//    sqrt is IEEE correctly rounded on CPU and CUDA.
//
// 4. ADC. yf = float32(y) (round to nearest), then the stochastic quantizer over [m_o, M_o] with L_o
//    levels and no floor; the uniform for element index = i*N + j (per element, never shared) is
//    word 0 of philox(seed, make_stream(unit, optical_output_rounding), index, draw = call*8 + 4*pass).
//    out = value(q_o), then out + bias[j] in float32 (bias after the ADC, as the reference).
//
// 5. Sign handling "split" (config.h): each weight element goes to the positive pass when its
//    transmitted value is > 0 (floor_sign > 0, or unfloored with float32 value(qw) > 0), to the
//    negative pass when < 0, to neither when it is exactly 0. Per pass, the code sums of step 2
//    are taken over that pass's elements only: y+ = sum_{k in +} v_a*v_w and
//    y- = -(sum_{k in -} v_a*v_w) (negating a double is exact). Each goes through steps 3-4 with
//    its own OutputStage (pass 0: `output`, pass 1: `negative_output`), then
//    out = (value(q+) - value(q-)) + bias[j] in float32.
//
// `call` is the layer's forward-call counter: every call draws fresh numbers (the peer's GPU seed
// never advanced), and a layer re-created with the same seed repeats the sequence.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "golden/common/host_device.h"
#include "golden/optical/matrix.h"
#include "golden/optical/noise.h"
#include "golden/optical/quantizer.h"

namespace tessera::optical {

// A quantized operand: codes and, for weights, the floor decision per element.
struct OperandCodes {
  std::size_t rows = 0;
  std::size_t cols = 0;
  QuantizerParams params;
  std::vector<std::uint32_t> codes;      // rows * cols
  std::vector<std::int8_t> floor_signs;  // +1 floored to t+, -1 floored to -t-, 0 not floored
};

// Deterministic DAC/modulator codes of a matrix. InputError naming `what` for NaN.
OperandCodes quantize_operand(const Matrix& m, const QuantizerParams& params,
                              const std::string& what);

struct CodeSums {
  std::uint64_t n_plain = 0, n_pos = 0, n_neg = 0;
  std::uint64_t sum_w = 0, sum_a_plain = 0, sum_aw = 0, sum_a_pos = 0, sum_a_neg = 0;
};

// The integer sums of step 2 for one activation row and one weight row of length k.
CodeSums code_sums(const std::uint32_t* qa, const std::uint32_t* qw, const std::int8_t* floor_signs,
                   std::size_t k);

// Step 2's combination (the one documented rounding sequence). Host and device (the CUDA
// optical kernel runs this definition): every step is one IEEE double operation, no FMA.
TESSERA_HOST_DEVICE inline double combine_code_sums(const CodeSums& s, const QuantizerParams& input,
                         const QuantizerParams& weight) {
  const double ma = static_cast<double>(input.min);
  const double da = (static_cast<double>(input.max) - ma) / static_cast<double>(input.levels - 1u);
  const double mw = static_cast<double>(weight.min);
  const double dw = (static_cast<double>(weight.max) - mw) / static_cast<double>(weight.levels - 1u);
  const double tp = static_cast<double>(positive_floor(weight));
  const double tn = static_cast<double>(negative_floor(weight));

  double p1 = static_cast<double>(s.n_plain) * ma;
  p1 = p1 * mw;
  double p2 = static_cast<double>(s.sum_w) * dw;
  p2 = p2 * ma;
  double p3 = static_cast<double>(s.sum_a_plain) * da;
  p3 = p3 * mw;
  double p4 = static_cast<double>(s.sum_aw) * da;
  p4 = p4 * dw;
  const double pos_count = static_cast<double>(s.n_pos) * ma;
  const double pos_codes = static_cast<double>(s.sum_a_pos) * da;
  double pp = pos_count + pos_codes;
  pp = pp * tp;
  const double neg_count = static_cast<double>(s.n_neg) * ma;
  const double neg_codes = static_cast<double>(s.sum_a_neg) * da;
  double pn = neg_count + neg_codes;
  pn = pn * tn;

  double y = p1 + p2;
  y = y + p3;
  y = y + p4;
  y = y + pp;
  y = y - pn;
  return y;
}

// Steps 1-2 for all outputs: M x N doubles, row-major (the analog dot products before noise/ADC).
std::vector<double> analog_products(const OperandCodes& activations, const OperandCodes& weights);

// Step 5's split: the positive pass's and the negative pass's analog outputs (y+, y- >= 0 for
// non-negative activations), each M x N.
struct SplitProducts {
  std::vector<double> positive;
  std::vector<double> negative;
};
SplitProducts analog_products_split(const OperandCodes& activations, const OperandCodes& weights);

struct CallKey {
  std::uint64_t seed = 0;   // q_init_seed
  std::uint32_t unit = 0;   // layer/unit id, the high 24 bits of the stream (make_stream)
  std::uint32_t call = 0;   // forward-call counter, < 2^29
};

struct OutputStage {
  QuantizerParams adc;                   // output range and levels; lut_min must be 0
  double detector_noise_lsb = 0.0;
  double shot_noise_photons_full_scale = 0.0;
};

// Steps 3-4 of one element, host and device (the CUDA optical kernel runs these definitions;
// every step is one IEEE operation, no FMA, sqrt and division correctly rounded on both sides).
// adc_input_with_draws: step 3 and the float32 cast (what the ADC receives) given the element's two
// standard-normal draws (used only when their noise is enabled), so a caller that draws many
// elements at once (kernels/optical/adc_draws) shares the arithmetic.
TESSERA_HOST_DEVICE inline float adc_input_with_draws(double analog, const OutputStage& stage, double detector_draw,
                                                      double shot_draw) {
  double y = analog;
  if (stage.detector_noise_lsb > 0.0) {
    const double lsb = (static_cast<double>(stage.adc.max) - static_cast<double>(stage.adc.min)) /
                       static_cast<double>(stage.adc.levels - 1u);
    const double sigma = stage.detector_noise_lsb * lsb;
    const double noise = sigma * detector_draw;
    y = y + noise;
  }
  if (stage.shot_noise_photons_full_scale > 0.0) {
    const double full_scale = std::fmax(std::fabs(static_cast<double>(stage.adc.min)),
                                        std::fabs(static_cast<double>(stage.adc.max)));
    const double magnitude = std::fabs(analog) * full_scale;
    const double variance = magnitude / stage.shot_noise_photons_full_scale;
    const double sigma = std::sqrt(variance);
    const double noise = sigma * shot_draw;
    y = y + noise;
  }
  return static_cast<float>(y);
}

// Step 3 with the element's own draws; pass: 0 or 1 (see the draw layout above).
TESSERA_HOST_DEVICE inline float adc_input(double analog, std::uint64_t index, const OutputStage& stage,
                                           const CallKey& key, std::uint32_t pass = 0) {
  const std::uint32_t base_draw = key.call * kDrawsPerCall + pass * kDrawsPerPass;
  const double detector_draw =
      stage.detector_noise_lsb > 0.0
          ? gaussian_irwin_hall(key.seed, rng::make_stream(key.unit, rng::Purpose::optical_detector_noise), index,
                                base_draw)
          : 0.0;
  const double shot_draw =
      stage.shot_noise_photons_full_scale > 0.0
          ? gaussian_irwin_hall(key.seed, rng::make_stream(key.unit, rng::Purpose::optical_shot_noise), index,
                                base_draw)
          : 0.0;
  return adc_input_with_draws(analog, stage, detector_draw, shot_draw);
}

// The key of step 4's uniforms (element index's uniform: word 0 of philox(seed, stream, index, draw)).
TESSERA_HOST_DEVICE inline RandomKey adc_rounding_key(const CallKey& key, std::uint32_t pass = 0) {
  return RandomKey{key.seed, rng::make_stream(key.unit, rng::Purpose::optical_output_rounding),
                   key.call * kDrawsPerCall + pass * kDrawsPerPass};
}

// Steps 3-4 for one element (without bias): noise, float32 cast, stochastic ADC, dequantize. An
// ADC outside this library (the verilated periphery) takes adc_input and adc_rounding_key.
TESSERA_HOST_DEVICE inline float adc_convert(double analog, std::uint64_t index, const OutputStage& stage,
                                             const CallKey& key, std::uint32_t pass = 0) {
  const float yf = adc_input(analog, index, stage, key, pass);
  const std::uint32_t q = code_stochastic(yf, stage.adc, rounding_uniform(adc_rounding_key(key, pass), index));
  return code_value(q, stage.adc);
}

struct OpticalGemmSpec {
  QuantizerParams input;   // activation DAC (lut_min must be 0)
  QuantizerParams weight;  // weight modulator (with lut_min)
  OutputStage output;      // the ADC (split: of the positive pass)
  bool split_signs = false;
  OutputStage negative_output;  // split only: the negative pass's ADC
};

// The whole optical GEMM. x: M x K, w: N x K, bias: empty or N. InputError for shape mismatches.
Matrix optical_gemm(const Matrix& x, const Matrix& w, const std::vector<float>& bias,
                    const OpticalGemmSpec& spec, const CallKey& key);

// The float reference (bypass): y[i][j] = float32(sum over k ascending of double(x)*double(w)),
// accumulated in double, then + bias[j] in float32.
Matrix float_gemm(const Matrix& x, const Matrix& w, const std::vector<float>& bias);

}  // namespace tessera::optical
