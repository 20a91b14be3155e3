#include "golden/mx/convert.h"

namespace tessera::mx {

std::uint8_t quantize_block(const float* values, std::size_t count, ElementFormat format,
                            const QuantizePolicy& policy, std::uint8_t* codes,
                            std::uint64_t first_element_index) {
  validate_policy(policy, format);
  const std::uint8_t scale = block_scale(values, count, format, policy);
  if (scale == kE8M0Nan) {
    const std::uint8_t code = nan_block_code(format, policy.nan_block_codes);
    for (std::size_t i = 0; i < count; ++i) codes[i] = code;
    return scale;
  }
  for (std::size_t i = 0; i < count; ++i) {
    codes[i] = quantize_element(values[i], scale, format, policy, first_element_index + i);
  }
  return scale;
}

}  // namespace tessera::mx
