#pragma once
// The elementwise optical quantizer: the affine L-level quantizer of the Optical Transformers
// reference (mase-triton `_ot_quantize_forward_kernel` / `fake.py`, research/optical.md §1.2, §1.4)
// with the integer code (what a DAC receives / an ADC produces) kept apart from its value.
//
// Parameters: range [m, M] (float32, finite, m < M), L levels (2 <= L <= 2^24), lut_min >= 0.
// Every step below is ONE float32 operation, round-to-nearest-even, in exactly this order
// (no fused multiply-add; the library is compiled with -ffp-contract=off):
//
//   r    = M - m
//   x_c  = clamp(x, m, M)                         (x < m -> m, x > M -> M)
//   x_s  = ((x_c - m) / (r + 1e-8f)) * float(L-1)   "grid position", always in [0, L-1]
//   det:        q = rint(x_s)                     round half to even (exact, no fenv dependence)
//   stochastic: q = min(floor(x_s + u), L-1), the floor of the EXACT real sum, where
//               u = rng::uniform_float(philox word 0 of (seed, stream, index, draw)), a multiple
//               of 2^-24 in [0, 1). It is computed as floor(double(x_s) + double(u)): that double
//               sum is exact whenever x_s >= 2^-29, and for smaller x_s its rounding cannot reach
//               the integer 1 (u <= 1 - 2^-24), so the result is the real floor in every case.
//               P(round up) = floor(frac(x_s) * 2^24) / 2^24: unbiased to within 2^-24 LSB, and a
//               value already on the grid never moves. We do NOT use the float32 sum: it rounds,
//               e.g. 8388607.5f + (0.5f - 2^-24) rounds to 8388608 and rounds up when it must not
//               (a bias growing with x_s). The reference's rint(x_s + U - 0.5) has the same
//               distribution up to that rounding.
//   value(q) = ((float(q) / float(L-1)) * r) + m   (no eps on the way back, as the reference)
//   lut_min floor (only where lut_min > 0; models a modulator's finite extinction ratio):
//       t+ = lut_min * M,  t- = lut_min * |m|      (float32 products)
//       0 < value < t+   -> t+
//       -t- < value < 0  -> -t-
//   An exact 0 (and anything outside (-t-, t+)) is left as is.
//
// Deviation noted: fake.py computes the denominator (M - m + 1e-8) and t+ in double from Python
// floats; the Triton kernel and this specification do it in float32 (research/optical.md §1.3).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "golden/common/host_device.h"
#include "golden/rng/counter_rng.h"

namespace tessera::optical {

// The largest L: codes and L-1 stay exact in float32.
constexpr std::uint32_t kMaxLevels = 1u << 24;

// A validated quantizer. Build it with make_quantizer so the invariants hold.
struct QuantizerParams {
  float min = 0.0f;        // m
  float max = 0.0f;        // M
  std::uint32_t levels = 0;  // L
  float lut_min = 0.0f;    // 0 disables the floor
};

// Checks and builds; throws ConfigError whose message starts with `what` (e.g. "layer fc1 input")
// for L < 2 or L > 2^24, a non-finite or empty range (M <= m), or a negative/non-finite lut_min.
QuantizerParams make_quantizer(std::int64_t levels, float min, float max, float lut_min,
                               const std::string& what);

enum class Rounding { deterministic, stochastic };

// Where stochastic rounding's uniform comes from: philox_words(seed, stream, index, draw).w[0].
struct RandomKey {
  std::uint64_t seed = 0;
  std::uint32_t stream = 0;
  std::uint32_t draw = 0;
};

// --- elementwise core (host and device) -----------------------------------------------------

// x_s: position of x on the grid, in [0, L-1]. x must not be NaN.
TESSERA_HOST_DEVICE inline float grid_position(float x, const QuantizerParams& p) {
  const float x_c = x < p.min ? p.min : (x > p.max ? p.max : x);
  const float r = p.max - p.min;
  const float denom = r + 1e-8f;
  const float shifted = x_c - p.min;
  const float normalized = shifted / denom;
  return normalized * static_cast<float>(p.levels - 1u);
}

// rint for 0 <= x < 2^24: round half to even, independent of the floating-point environment.
TESSERA_HOST_DEVICE inline std::uint32_t round_half_even(float x) {
  const float low = std::floor(x);
  const float frac = x - low;  // exact
  auto q = static_cast<std::uint32_t>(low);
  if (frac > 0.5f || (frac == 0.5f && (q & 1u) != 0u)) q += 1u;
  return q;
}

TESSERA_HOST_DEVICE inline std::uint32_t code_deterministic(float x, const QuantizerParams& p) {
  return round_half_even(grid_position(x, p));
}

// Stochastic code given the uniform u in [0, 1) (a multiple of 2^-24).
TESSERA_HOST_DEVICE inline std::uint32_t code_stochastic(float x, const QuantizerParams& p,
                                                         float u) {
  const double sum = static_cast<double>(grid_position(x, p)) + static_cast<double>(u);
  const auto q = static_cast<std::uint32_t>(std::floor(sum));
  return q > p.levels - 1u ? p.levels - 1u : q;
}

// The uniform stochastic rounding uses for element `index`.
TESSERA_HOST_DEVICE inline float rounding_uniform(const RandomKey& key, std::uint64_t index) {
  return rng::uniform_float(rng::philox_words(key.seed, key.stream, index, key.draw).w[0]);
}

// value(q) before the lut_min floor.
TESSERA_HOST_DEVICE inline float code_value(std::uint32_t q, const QuantizerParams& p) {
  const float r = p.max - p.min;
  const float fraction = static_cast<float>(q) / static_cast<float>(p.levels - 1u);
  const float scaled = fraction * r;
  return scaled + p.min;
}

TESSERA_HOST_DEVICE inline float positive_floor(const QuantizerParams& p) { return p.lut_min * p.max; }
TESSERA_HOST_DEVICE inline float negative_floor(const QuantizerParams& p) {
  return p.lut_min * std::fabs(p.min);
}

// +1 if the floor lifts value(q) to t+, -1 if it pushes it to -t-, 0 if it leaves it alone.
TESSERA_HOST_DEVICE inline int floor_sign(float value, const QuantizerParams& p) {
  if (p.lut_min > 0.0f) {
    if (value > 0.0f && value < positive_floor(p)) return 1;
    if (value < 0.0f && value > -negative_floor(p)) return -1;
  }
  return 0;
}

// The dequantized value a code stands for, floor included.
TESSERA_HOST_DEVICE inline float dequantize(std::uint32_t q, const QuantizerParams& p) {
  const float value = code_value(q, p);
  const int sign = floor_sign(value, p);
  if (sign > 0) return positive_floor(p);
  if (sign < 0) return -negative_floor(p);
  return value;
}

// --- tensors ----------------------------------------------------------------------------------

struct QuantizedTensor {
  std::vector<std::uint32_t> codes;  // q per element
  std::vector<float> values;         // dequantize(q) per element, floor included
};

// Quantizes x[0..n). Element i of a stochastic call uses rounding_uniform(key, i), so the result
// does not depend on order or threading. Throws InputError naming `what` and the index for NaN.
QuantizedTensor quantize(const float* x, std::size_t n, const QuantizerParams& p, Rounding mode,
                         const RandomKey& key, const std::string& what);

// Single-element conveniences (same definitions as above).
float quantize_deterministic(float x, const QuantizerParams& p);
float quantize_stochastic(float x, const QuantizerParams& p, const RandomKey& key,
                          std::uint64_t index);

}  // namespace tessera::optical
