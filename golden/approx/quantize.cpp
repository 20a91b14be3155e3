#include "golden/approx/quantize.h"

#include <cmath>
#include <string>

#include "golden/common/error.h"

namespace tessera::approx {

void Int8Range::validate() const {
  if (min_code < -128 || min_code >= 0 || max_code <= 0 || max_code > 127) {
    throw ConfigError("INT8 range [" + std::to_string(min_code) + ", " + std::to_string(max_code) +
                      "]: expected -128 <= min_code < 0 < max_code <= 127 (default [-127, 127])");
  }
}

float quant_scale(float amax, const Int8Range& range) {
  range.validate();
  if (!(amax >= 0.0f)) {
    throw ConfigError("quantization amax: expected a finite value >= 0, got " + std::to_string(amax));
  }
  constexpr float kTinyAmax = 1.0f / static_cast<float>(1 << 24);
  const float effective = amax <= kTinyAmax ? 1.0f : amax;
  return static_cast<float>(range.max_code) / effective;
}

std::int8_t quantize_value(float x, float scale, const Int8Range& range) {
  if (std::isnan(x)) throw InputError("quantize: input value is NaN; expected a number");
  const volatile float product = x * scale;  // one float32 rounding, never fused or widened
  // nearbyint uses the current rounding mode, which is round-to-nearest-even by default.
  const float rounded = std::nearbyint(static_cast<float>(product));
  if (rounded <= static_cast<float>(range.min_code)) return static_cast<std::int8_t>(range.min_code);
  if (rounded >= static_cast<float>(range.max_code)) return static_cast<std::int8_t>(range.max_code);
  return static_cast<std::int8_t>(rounded);
}

std::vector<std::int8_t> quantize_per_tensor(const std::vector<float>& x, float amax, const Int8Range& range) {
  const float scale = quant_scale(amax, range);
  std::vector<std::int8_t> codes(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) codes[i] = quantize_value(x[i], scale, range);
  return codes;
}

std::vector<std::int8_t> quantize_per_channel(const std::vector<float>& x, const std::vector<float>& amax,
                                              const Int8Range& range) {
  if (amax.empty() || x.size() % amax.size() != 0) {
    throw ConfigError("per-channel quantization: tensor of " + std::to_string(x.size()) +
                      " values does not split into " + std::to_string(amax.size()) + " channels");
  }
  const std::size_t per_channel = x.size() / amax.size();
  std::vector<std::int8_t> codes(x.size());
  for (std::size_t c = 0; c < amax.size(); ++c) {
    const float scale = quant_scale(amax[c], range);
    for (std::size_t i = c * per_channel; i < (c + 1) * per_channel; ++i) codes[i] = quantize_value(x[i], scale, range);
  }
  return codes;
}

float dequantize(std::int64_t acc, float scale_a, float scale_w) {
  const volatile float combined = scale_a * scale_w;
  return static_cast<float>(acc) / combined;
}

}  // namespace tessera::approx
