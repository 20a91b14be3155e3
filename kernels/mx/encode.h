#pragma once
// MX element encoding for the deterministic roundings (nearest_even, nearest_away, trunc),
// bit-identical to golden's encode_element (golden/mx/element_encode.h) for finite values under a
// non-NaN block scale (mx_quantize sends NaN-scale blocks elsewhere).
#include <cstddef>
#include <cstdint>

#include "golden/mx/element_format.h"
#include "golden/mx/policy.h"

namespace tessera::kernels {

// One element.
std::uint8_t encode_deterministic(float value, std::uint8_t scale_byte, mx::ElementFormat format,
                                  const mx::ElementSpec& spec, const mx::QuantizePolicy& policy);

// `count` elements of one block (AVX-512: 8 at a time, the same steps in double lanes).
void encode_deterministic_block(const float* values, std::size_t count, std::uint8_t scale_byte,
                                mx::ElementFormat format, const mx::ElementSpec& spec,
                                const mx::QuantizePolicy& policy, std::uint8_t* codes);

}  // namespace tessera::kernels
