#pragma once
// The GPU side of the kernels benchmark (built only with CUDA): the yardsticks on the
// device and the device-resident timing of a kernel, each as seconds per call measured with CUDA
// events over `calls` calls after one warm-up call, operands already on the device:
//   (a) cuBLAS FP32 GEMM of the same M x N x K (C = A W^T, as Eigen on the CPU),
//   (c) random int16 lookups from a 128 KiB table held in shared memory (the physical limit of a
//       general multiplier table on the device, as the 128 KiB lookup rate is on the CPU),
//   the approximate GEMM's own kernel (kernels/approx/cuda: table or tensor-core path).
// Each throws tessera::Error (CUDA_CHECK) on a CUDA failure; callers check cuda_available() first.
#include <cstddef>

#include "kernels/approx/approx_gemm.h"

namespace tessera::kernels::bench::gpu {

double cublas_fp32_gemm_seconds(std::size_t m, std::size_t n, std::size_t k, int calls);

// Seconds per call of `lookups_per_call` independent random lookups spread over the whole device.
double shared_lookup_seconds(std::size_t lookups_per_call, int calls);

double approx_gemm_seconds(const ApproxPlan& plan, std::size_t m, std::size_t n, std::size_t k, int calls);

}  // namespace tessera::kernels::bench::gpu
