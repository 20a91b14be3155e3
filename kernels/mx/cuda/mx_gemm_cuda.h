#pragma once
// The entry points of kernels/mx/cuda/mx_gemm.cu (built only with CUDA): the fast cores of
// mx_gemm (kernels/mx/mx_ops.h), host pointers in and out.
//   units_a M x K, units_b N x K   element values in lsb units
//   pow_a M x blocks, pow_b N x blocks   2^(x + lsb) as doubles (1.0 for NaN-scale blocks)
//   out[m][n] = acc after acc = add_block_*(acc, S_j, pow_a, pow_b) for j in block order, acc
//   starting at -0 (kernels/mx/block_accumulate.h). The caller applies the NaN, signed-zero and
//   slow-pair rules afterwards, the same way for both backends.
#include <cstddef>
#include <cstdint>

namespace tessera::kernels::cuda {

// The SIMT core's thread block: 16 x 16 outputs (rows on grid x, columns on grid y).
inline constexpr int kMxCoreTile = 16;

// FP32 core (FP4/FP6/INT8): the caller guarantees |S_j| < 2^24 (block_size * max_a * max_b).
// Runs on int8 tensor cores when every unit of both operands lies in [-128, 127].
void mx_gemm_core(const std::int32_t* units_a, const std::int32_t* units_b, const double* pow_a,
                  const double* pow_b, std::size_t m, std::size_t n, std::size_t k, std::size_t block_size,
                  float* out);

// Double core (FP8 and mixes): the caller guarantees |S_j| < 2^53. round_block_first selects
// block_then_fp32 (else fused_exact, rounded once by add_round_once).
void mx_gemm_core_f64(const std::int64_t* units_a, const std::int64_t* units_b, const double* pow_a,
                      const double* pow_b, std::size_t m, std::size_t n, std::size_t k, std::size_t block_size,
                      bool round_block_first, float* out);

}  // namespace tessera::kernels::cuda
