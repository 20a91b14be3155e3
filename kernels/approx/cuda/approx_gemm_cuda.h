#pragma once
// The one entry point of kernels/approx/cuda/approx_gemm.cu (built only with CUDA).
#include <cstddef>
#include <cstdint>

#include "kernels/common/backend.h"

namespace tessera::kernels::cuda {

// Host pointers in and out: table 65,536 int16 (golden index order), A M x K, W N x K, out M x N.
void approx_gemm(const std::int16_t* table, const std::int8_t* activations, const std::int8_t* weights,
                 std::size_t m, std::size_t n, std::size_t k, std::int32_t* out);

// Whether the device can hold the 128 KiB table plus the tiles in shared memory.
SupportReport approx_gemm_device_supports();

}  // namespace tessera::kernels::cuda
