#pragma once
// One MX block's contribution to a dot product's FP32 accumulator, as the fast cores define it
// (kernels/mx/mx_ops.h), on host and device: the CPU twin's cores and the CUDA kernel
// (kernels/mx/cuda/mx_gemm.cu) reduce blocks in the same order with these steps, so the bits
// come from one definition.
//   s      the block's exact integer sum of unit products (S_j)
//   pa, pb 2^(x_a + lsb_a), 2^(x_b + lsb_b) as doubles; t = (s * pa) * pb is exact in double
// A zero block sum adds +0 (the caller fixes the sign of an all-zero result afterwards).
#include <cstdint>

#include "golden/common/host_device.h"
#include "kernels/mx/exact_add.h"

namespace tessera::kernels {

// FP32 core (FP4/FP6/INT8, |s| < 2^24): inside the exponent window the caller checks, t is an
// FP32 number, so the conversion is exact and acc + t is ONE IEEE addition (fused_exact and
// block_then_fp32 coincide).
TESSERA_HOST_DEVICE inline float add_block_f32(float acc, std::int32_t s, double pa, double pb) {
  const float t = s == 0 ? 0.0f : static_cast<float>((static_cast<double>(s) * pa) * pb);
  return acc + t;
}

// Double core (FP8 and mixes, |s| < 2^53, exact in double): fused_exact rounds acc + t once
// (add_round_once); block_then_fp32 rounds t to FP32 first, then adds.
TESSERA_HOST_DEVICE inline float add_block_f64(float acc, std::int64_t s, double pa, double pb,
                                               bool round_block_first) {
  if (s == 0) return acc + 0.0f;
  const double t = (static_cast<double>(s) * pa) * pb;  // exact: s < 2^53, powers of two in range
  return round_block_first ? acc + static_cast<float>(t) : add_round_once(acc, t);
}

}  // namespace tessera::kernels
