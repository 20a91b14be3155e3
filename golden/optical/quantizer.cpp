#include "golden/optical/quantizer.h"

#include <cmath>
#include <sstream>

#include "golden/common/error.h"

namespace tessera::optical {

QuantizerParams make_quantizer(std::int64_t levels, float min, float max, float lut_min,
                               const std::string& what) {
  if (levels < 2 || levels > static_cast<std::int64_t>(kMaxLevels)) {
    std::ostringstream message;
    message << what << ": levels must be in [2, " << kMaxLevels << "], got " << levels;
    throw ConfigError(message.str());
  }
  if (!std::isfinite(min) || !std::isfinite(max) || !(min < max)) {
    std::ostringstream message;
    message << what << ": range must be finite with min < max, got [" << min << ", " << max << "]";
    throw ConfigError(message.str());
  }
  if (!std::isfinite(lut_min) || lut_min < 0.0f) {
    std::ostringstream message;
    message << what << ": lut_min must be finite and >= 0, got " << lut_min;
    throw ConfigError(message.str());
  }
  return QuantizerParams{min, max, static_cast<std::uint32_t>(levels), lut_min};
}

QuantizedTensor quantize(const float* x, std::size_t n, const QuantizerParams& p, Rounding mode,
                         const RandomKey& key, const std::string& what) {
  QuantizedTensor out;
  out.codes.resize(n);
  out.values.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(x[i])) {
      std::ostringstream message;
      message << what << ": element " << i << " is NaN; the optical quantizer has no code for it";
      throw InputError(message.str());
    }
    const std::uint32_t q = mode == Rounding::deterministic
                                ? code_deterministic(x[i], p)
                                : code_stochastic(x[i], p, rounding_uniform(key, i));
    out.codes[i] = q;
    out.values[i] = dequantize(q, p);
  }
  return out;
}

float quantize_deterministic(float x, const QuantizerParams& p) {
  return dequantize(code_deterministic(x, p), p);
}

float quantize_stochastic(float x, const QuantizerParams& p, const RandomKey& key,
                          std::uint64_t index) {
  return dequantize(code_stochastic(x, p, rounding_uniform(key, index)), p);
}

}  // namespace tessera::optical
