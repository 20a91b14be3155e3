#pragma once
// An independent float32 re-implementation of the reference quantizer (mase-triton fake.py /
// Triton kernel, research/optical.md §1.2), written without golden/optical: volatile steps,
// std::nearbyint under the default rounding mode, std::min/std::max for the clamp.
#include <cstdint>

namespace tessera::optical::test {

struct ReferenceResult {
  std::int64_t code;
  float value;  // lut floor applied when lut_min > 0
};

ReferenceResult reference_quantize(float x, float min, float max, std::int64_t levels,
                                   float lut_min);

}  // namespace tessera::optical::test
