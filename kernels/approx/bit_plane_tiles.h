#pragma once
// The operand expansion of the tensor-core approximate GEMM (kernels/approx/cuda/approx_gemm_imma.cu),
// on host and device, so that tests/kernels/gpu_shared_code_test.cpp can replay the layout on the
// host against golden. For a multiplier ApproxPlan proved to be
//   table(a, b) = a * b - sum_g (uint8(a) & mask_g) * (uint8(b) & J_g)
// an operand row of K codes becomes K' = K * (1 + groups) signed 8-bit values, plane by plane:
//   activations  [a, f_1(a), ..., f_G(a)]           f_g(a) = uint8(a) & mask_g, in 0..127
//   weights      [b, -(b & J_1), ..., -(b & J_G)]   in -127..0 (J_g: bits 0..6)
// so that the plain dot product of the expanded rows is sum_k table(a, b). The rows are stored
// in the tiled layout of kernels/common/imma_tiles.h.
#include <cstddef>
#include <cstdint>

#include "golden/common/host_device.h"
#include "kernels/common/imma_tiles.h"

namespace tessera::kernels {

inline constexpr int kMaxBitPlaneGroups = 7;  // one per dropped weight bit, at most

struct BitPlaneMasks {
  std::uint8_t activation_mask[kMaxBitPlaneGroups];
  std::uint8_t weight_bits[kMaxBitPlaneGroups];
  int groups;
};

// Value of expanded column c (< K * (1 + groups)) of an operand row of K codes.
TESSERA_HOST_DEVICE inline std::int8_t bit_plane_value(const std::int8_t* row, int k, int c,
                                                       const BitPlaneMasks& masks, bool activation) {
  const int plane = c / k;
  const std::int8_t code = row[c % k];
  if (plane == 0) return code;
  const unsigned u = static_cast<std::uint8_t>(code);
  if (activation) return static_cast<std::int8_t>(u & masks.activation_mask[plane - 1]);
  return static_cast<std::int8_t>(-static_cast<int>(u & masks.weight_bits[plane - 1]));
}

}  // namespace tessera::kernels
