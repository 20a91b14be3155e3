#pragma once
// Helpers shared by the MX tests.
#include <cmath>
#include <cstdint>
#include <vector>

#include "golden/mx/convert.h"

namespace tessera::mx::test {

struct BlockOut {
  std::uint8_t scale;
  std::vector<std::uint8_t> codes;
};

inline BlockOut quantize(const std::vector<float>& values, ElementFormat format,
                         const QuantizePolicy& policy = QuantizePolicy{}) {
  BlockOut out{0, std::vector<std::uint8_t>(values.size())};
  out.scale = quantize_block(values.data(), values.size(), format, policy, out.codes.data());
  return out;
}

inline QuantizePolicy with_rounding(ElementRounding rounding) {
  QuantizePolicy p;
  p.rounding = rounding;
  return p;
}

// 2^e as float, built without the library.
inline float pow2f(int e) { return static_cast<float>(std::ldexp(1.0, e)); }

}  // namespace tessera::mx::test
