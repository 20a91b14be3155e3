#pragma once
// The one entry point of kernels/mx/cuda/mx_gemm.cu (built only with CUDA).
#include <cstddef>
#include <cstdint>

namespace tessera::kernels::cuda {

// The fast-path core of mx_gemm (kernels/mx/mx_ops.h), host pointers in and out:
//   units_a M x K, units_b N x K  element values in lsb units (|S| < 2^24 per block guaranteed)
//   pow_a M x blocks, pow_b N x blocks   2^(x + lsb) as doubles (1.0 for NaN-scale blocks)
//   out[m][n] = acc after acc = acc + float(S_j * pow_a * pow_b), j in block order, acc = -0,
//   zero terms as +0. The caller applies the NaN / signed-zero / slow-pair rules.
void mx_gemm_core(const std::int32_t* units_a, const std::int32_t* units_b, const double* pow_a,
                  const double* pow_b, std::size_t m, std::size_t n, std::size_t k, std::size_t block_size,
                  float* out);

}  // namespace tessera::kernels::cuda
