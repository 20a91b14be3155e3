#pragma once
// The gather path of the approximate GEMM: any 256 x 256 int16 table, looked up entry by entry.
//   out[r][c] = sum_k lut[(uint8(a[r][k]) << 8) | uint8(w[c][k])]   (int32, K <= kMaxInt32Depth)
// Entries are int16 and the sum is an integer, so any summation order gives golden's bits.
#include <cstddef>
#include <cstdint>

namespace tessera::kernels {

// a: M x K, w: N x K (row-major codes), out: M x N. `lut` row index = the a operand.
void gather_gemm(const std::int16_t* lut, const std::int8_t* a, const std::int8_t* w, std::size_t m,
                 std::size_t n, std::size_t k, std::int32_t* out);

}  // namespace tessera::kernels
