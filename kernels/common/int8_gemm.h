#pragma once
// C = A * B^T over the integers: A M x K uint8, B N x K int8 (row-major), C M x N int32. Exact
// (int32 accumulation, the caller keeps K * 255 * 128 < 2^31). AVX-512 VNNI (vpdpbusd, 64
// u8 x s8 products per instruction) where the build has it, else a portable loop.
#include <cstddef>
#include <cstdint>

namespace tessera::kernels {

// `column_offset` (optional, N entries) is subtracted from every column modulo 2^32.
void gemm_u8s8_i32(const std::uint8_t* a, const std::int8_t* b, std::size_t m, std::size_t n, std::size_t k,
                   std::int32_t* c, const std::uint32_t* column_offset = nullptr);

// Whether gemm_u8s8_i32 runs the VNNI micro-kernel in this build.
bool int8_gemm_has_vnni();

}  // namespace tessera::kernels
