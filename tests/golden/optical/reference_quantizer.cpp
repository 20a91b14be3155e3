#include "tests/golden/optical/reference_quantizer.h"

#include <algorithm>
#include <cmath>

namespace tessera::optical::test {

ReferenceResult reference_quantize(float x, float min, float max, std::int64_t levels,
                                   float lut_min) {
  const volatile float range = max - min;
  const float clamped = std::min(std::max(x, min), max);
  const volatile float numerator = clamped - min;
  const volatile float denominator = range + 1e-8f;
  const volatile float normalized = numerator / denominator;
  const volatile float scaled = normalized * static_cast<float>(levels - 1);
  const float q = std::nearbyint(scaled);
  const volatile float fraction = q / static_cast<float>(levels - 1);
  const volatile float spread = fraction * range;
  float value = spread + min;
  if (lut_min > 0.0f) {
    const volatile float pos = lut_min * max;
    const volatile float neg = lut_min * std::fabs(min);
    if (value > 0.0f && value < pos) value = pos;
    if (value < 0.0f && value > -neg) value = -neg;
  }
  return ReferenceResult{static_cast<std::int64_t>(q), value};
}

}  // namespace tessera::optical::test
