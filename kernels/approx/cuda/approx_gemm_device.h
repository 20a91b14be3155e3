#pragma once
// Device-pointer forms of the approximate GEMM kernels, shared by the .cu files of
// kernels/approx/cuda/ (host functions: they allocate scratch and launch; operands and results
// stay on the device). Not part of the kernels' API.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/approx/approx_gemm.h"

namespace tessera::kernels::cuda {

// d_out = sum_k table(A, W) with the table kernel; d_table holds the 65,536 entries.
void approx_gemm_table_on_device(const std::int16_t* d_table, const std::int8_t* d_a, const std::int8_t* d_w,
                                 std::size_t m, std::size_t n, std::size_t k, std::int32_t* d_out);

// K >= 1, at most 7 groups and K * (1 + groups) * 16384 < 2^31 (no partial sum leaves int32).
bool approx_gemm_imma_fits(std::size_t m, std::size_t n, std::size_t k, std::size_t groups);

// d_out = sum_k table(A, W) for table(a, b) = a * b - sum_g (uint8(a) & mask_g) * (uint8(b) & J_g),
// on int8 tensor cores; approx_gemm_imma_fits must hold.
void approx_gemm_imma_on_device(const std::vector<BitPlaneGroup>& groups, const std::int8_t* d_a,
                                const std::int8_t* d_w, std::size_t m, std::size_t n, std::size_t k,
                                std::int32_t* d_out);

// The plan's kernel (approx_gemm_uses_tensor_cores decides), M, N >= 1.
void approx_gemm_on_device(const ApproxPlan& plan, const std::int16_t* d_table, const std::int8_t* d_a,
                           const std::int8_t* d_w, std::size_t m, std::size_t n, std::size_t k, std::int32_t* d_out);

}  // namespace tessera::kernels::cuda
