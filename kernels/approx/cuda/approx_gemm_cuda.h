#pragma once
// The entry points of kernels/approx/cuda/ (built only with CUDA). Host pointers in and out.
// Two GEMM kernels, chosen per call by approx_gemm_uses_tensor_cores:
//   approx_gemm.cu       the table in shared memory, any multiplier
//   approx_gemm_imma.cu  int8 tensor cores, for the multipliers ApproxPlan proved exact or
//                        bit-plane structured, while no partial sum can leave int32
// and conv2d (approx_conv2d.cu): im2col on the device, then the same GEMM per group.
#include <cstddef>
#include <cstdint>

#include "golden/approx/conv.h"
#include "kernels/approx/approx_gemm.h"
#include "kernels/common/backend.h"

namespace tessera::kernels::cuda {

// The table kernel's thread block: 64 x 64 outputs (rows on grid x, columns on grid y).
inline constexpr int kTableKernelTile = 64;

// A M x K, W N x K, out M x N (M, N >= 1), as golden approx_gemm.
void approx_gemm(const ApproxPlan& plan, const std::int8_t* activations, const std::int8_t* weights, std::size_t m,
                 std::size_t n, std::size_t k, std::int32_t* out);

// out [N, Cout, Ho, Wo], as golden approx_conv2d (shape already validated).
void approx_conv2d(const ApproxPlan& plan, const std::int8_t* input, const std::int8_t* weight,
                   const approx::Conv2dShape& shape, std::int32_t* out);

// Whether the device can hold the 128 KiB table plus the tiles in shared memory.
SupportReport approx_gemm_device_supports();

// Whether an M x N x K GEMM with `plan` runs on the tensor cores (else the table kernel).
bool approx_gemm_uses_tensor_cores(const ApproxPlan& plan, std::size_t m, std::size_t n, std::size_t k);

}  // namespace tessera::kernels::cuda
