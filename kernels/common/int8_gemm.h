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

// Whether gemm_u8s8_i32 runs an integer SIMD core (VNNI or AMX) in this build.
bool int8_gemm_has_vnni();

// The cores behind gemm_u8s8_i32. amx: Intel AMX-INT8 tiles (tdpbusd, 16 x 16 x 64 per instruction),
// where the build has it and the kernel grants the process the tile state; vnni: AVX-512 vpdpbusd;
// portable: a plain loop. All wrap int32 sums modulo 2^32, so all give the same bits.
enum class Int8Core { amx, vnni, portable };

// The core gemm_u8s8_i32 uses (the fastest available).
Int8Core int8_gemm_core();
bool int8_core_available(Int8Core core);

// gemm_u8s8_i32 on a named core (tests compare them); throws ConfigError if it is not available.
void gemm_u8s8_i32_on(Int8Core core, const std::uint8_t* a, const std::int8_t* b, std::size_t m, std::size_t n,
                      std::size_t k, std::int32_t* c, const std::uint32_t* column_offset = nullptr);

}  // namespace tessera::kernels
