#pragma once
// The MX dot product (spec §6.1/§6.2): C = sum over blocks j of X_A,j * X_B,j * sum_i P_A,i P_B,i,
// as a Float32. The spec leaves internal precision and order open; Accumulation names the choice.
//
// Block semantics (research/mx.md §5.1, "Dot engine semantics"):
//   - a scale byte 0xFF on either side, or any NaN element, makes the block NaN;
//   - an infinite element (E5M2) times a zero is NaN; +Inf and -Inf products in one block are
//     NaN; otherwise any infinite product makes the block +-Inf;
//   - otherwise S = sum P_A P_B exactly, as an integer in units of the product LSB
//     (2^(lsb_A + lsb_B)), and the block value is S * 2^(x_A + x_B - 254 + lsb_A + lsb_B);
//   - an exact zero S is +0, except that a block whose products are all -0 is -0 (IEEE 754).
// The accumulator starts at -0 (the identity of IEEE addition), so an empty or all -0 sum stays -0.
// Blocks of A and B pair up in order; the last block may be shorter than block_size (§6.2 pads
// with zeros, which changes nothing).
#include <cstddef>
#include <cstdint>

#include "golden/mx/element_format.h"
#include "golden/mx/exact_sum.h"
#include "golden/mx/policy.h"

namespace tessera::mx {

// One MX vector: `length` element codes and ceil(length / block_size) scale bytes.
struct MxVectorView {
  ElementFormat format = ElementFormat::fp8_e4m3;
  std::size_t length = 0;
  std::size_t block_size = 32;
  const std::uint8_t* codes = nullptr;
  const std::uint8_t* scales = nullptr;
};

// The exact value of one block pair as an ExactTerm (or NaN/Inf per the rules above).
ExactTerm exact_block_product(ElementFormat format_a, std::uint8_t scale_a, const std::uint8_t* codes_a,
                              ElementFormat format_b, std::uint8_t scale_b, const std::uint8_t* codes_b,
                              std::size_t count);

// Throws ConfigError when lengths or block sizes differ.
float mx_dot(const MxVectorView& a, const MxVectorView& b,
             Accumulation accumulation = Accumulation::fused_exact);

}  // namespace tessera::mx
