#include "kernels/common/int8_gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/common/parallel.h"
#include "kernels/common/scratch.h"

#if defined(__AVX512VNNI__)
#include <immintrin.h>
#endif

namespace tessera::kernels {

bool int8_gemm_has_vnni() {
#if defined(__AVX512VNNI__)
  return true;
#else
  return false;
#endif
}

#if defined(__AVX512VNNI__)
namespace {

constexpr std::size_t kMr = 8;   // rows per micro-tile
constexpr std::size_t kNr = 32;  // columns per micro-tile (2 registers of 16 int32)

std::int32_t load4(const std::uint8_t* p) {
  std::int32_t four;
  std::memcpy(&four, p, 4);
  return four;
}

// One kMr x kNr tile over k4 groups of 4 reduction steps, into out[2 r + half]. The 16
// accumulators are named variables: as an array GCC shuffled them through other registers and
// the stack every step (about 2 moves per vpdpbusd).
void tile_8x32(const std::uint8_t* const* arow, const std::int8_t* panel, std::size_t k4, __m512i* out) {
  const std::uint8_t *a0 = arow[0], *a1 = arow[1], *a2 = arow[2], *a3 = arow[3];
  const std::uint8_t *a4 = arow[4], *a5 = arow[5], *a6 = arow[6], *a7 = arow[7];
  __m512i c00 = _mm512_setzero_si512(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  __m512i c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
  for (std::size_t g = 0; g < k4; ++g) {
    const __m512i b0 = _mm512_loadu_si512(panel + g * kNr * 4);
    const __m512i b1 = _mm512_loadu_si512(panel + g * kNr * 4 + 64);
#define TESSERA_INT8_GEMM_ROW(r)                                   \
  {                                                                \
    const __m512i av = _mm512_set1_epi32(load4(a##r + g * 4));     \
    c##r##0 = _mm512_dpbusd_epi32(c##r##0, av, b0);                \
    c##r##1 = _mm512_dpbusd_epi32(c##r##1, av, b1);                \
  }
    TESSERA_INT8_GEMM_ROW(0) TESSERA_INT8_GEMM_ROW(1) TESSERA_INT8_GEMM_ROW(2) TESSERA_INT8_GEMM_ROW(3)
    TESSERA_INT8_GEMM_ROW(4) TESSERA_INT8_GEMM_ROW(5) TESSERA_INT8_GEMM_ROW(6) TESSERA_INT8_GEMM_ROW(7)
#undef TESSERA_INT8_GEMM_ROW
  }
  out[0] = c00, out[1] = c01, out[2] = c10, out[3] = c11, out[4] = c20, out[5] = c21, out[6] = c30, out[7] = c31;
  out[8] = c40, out[9] = c41, out[10] = c50, out[11] = c51, out[12] = c60, out[13] = c61, out[14] = c70, out[15] = c71;
}

}  // namespace

void gemm_u8s8_i32(const std::uint8_t* a, const std::int8_t* b, std::size_t m, std::size_t n, std::size_t k,
                   std::int32_t* c, const std::uint32_t* column_offset) {
  if (m == 0 || n == 0) return;
  const std::size_t k4 = (k + 3) / 4;               // groups of 4 reduction steps
  const std::size_t mp = (m + kMr - 1) / kMr * kMr;
  const std::size_t np = (n + kNr - 1) / kNr * kNr;
  // A: rows padded to 4-byte groups (zeros). B packed per 32-column panel as [k4][32][4] bytes.
  // A is read in place when its rows are already whole 4-byte groups; rows past M read zeros.
  // Buffers are reused scratch (kernels/common/scratch.h): every byte read is written here,
  // the zero padding included.
  const bool copy_a = k % 4 != 0;
  std::uint8_t* ap = copy_a ? scratch_buffer<std::uint8_t>(ScratchSlot::gemm_packed_a, m * k4 * 4) : nullptr;
  const std::vector<std::uint8_t> zero_row(k4 * 4, 0);
  std::int8_t* bp = scratch_buffer<std::int8_t>(ScratchSlot::gemm_packed_b, np * k4 * 4);
  const std::size_t row_tiles = mp / kMr, col_tiles = np / kNr;
  // One parallel region (each region's closing barrier costs a time slice on a loaded machine).
#pragma omp parallel if(worth_parallel(std::uint64_t{m} * n * k))
  {
#pragma omp for schedule(static) nowait
  for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(copy_a ? m : 0); ++r) {
    std::uint8_t* dst = ap + static_cast<std::size_t>(r) * k4 * 4;
    std::memcpy(dst, a + static_cast<std::size_t>(r) * k, k);
    std::memset(dst + k, 0, k4 * 4 - k);
  }
#pragma omp for schedule(static)
  for (std::ptrdiff_t col = 0; col < static_cast<std::ptrdiff_t>(np); ++col) {
    const std::size_t panel = static_cast<std::size_t>(col) / kNr, lane = static_cast<std::size_t>(col) % kNr;
    std::int8_t* dst = bp + panel * k4 * kNr * 4 + lane * 4;
    if (static_cast<std::size_t>(col) >= n) {  // padding columns: zeros
      for (std::size_t g = 0; g < k4; ++g) std::memset(dst + g * kNr * 4, 0, 4);
      continue;
    }
    const std::int8_t* src = b + static_cast<std::size_t>(col) * k;
    const std::size_t whole = k / 4;  // groups of 4 bytes move as one word; the last may be partial
    for (std::size_t g = 0; g < whole; ++g) std::memcpy(dst + g * kNr * 4, src + g * 4, 4);
    if (whole < k4) {
      std::int8_t last[4] = {0, 0, 0, 0};
      for (std::size_t i = whole * 4; i < k; ++i) last[i % 4] = src[i];
      std::memcpy(dst + whole * kNr * 4, last, 4);
    }
  }
#pragma omp for collapse(2) schedule(dynamic, 8)
  for (std::ptrdiff_t ct = 0; ct < static_cast<std::ptrdiff_t>(col_tiles); ++ct) {
    for (std::ptrdiff_t rt = 0; rt < static_cast<std::ptrdiff_t>(row_tiles); ++rt) {
      const std::int8_t* panel = bp + static_cast<std::size_t>(ct) * k4 * kNr * 4;
      const std::size_t r0 = static_cast<std::size_t>(rt) * kMr;
      const std::uint8_t* arow[kMr];
      for (std::size_t r = 0; r < kMr; ++r) {
        arow[r] = r0 + r >= m ? zero_row.data() : copy_a ? ap + (r0 + r) * k4 * 4 : a + (r0 + r) * k;
      }
      __m512i acc[kMr * 2];
      tile_8x32(arow, panel, k4, acc);
      const std::size_t c0 = static_cast<std::size_t>(ct) * kNr;
      alignas(64) std::int32_t tile[kNr];
      const std::size_t valid = std::min(kNr, n - c0);
      for (std::size_t r = 0; r < kMr && r0 + r < m; ++r) {
        _mm512_store_si512(tile, acc[2 * r]);
        _mm512_store_si512(tile + 16, acc[2 * r + 1]);
        std::int32_t* dst = c + (r0 + r) * n + c0;
        for (std::size_t j = 0; j < valid; ++j) {
          const std::uint32_t offset = column_offset ? column_offset[c0 + j] : 0u;
          dst[j] = static_cast<std::int32_t>(static_cast<std::uint32_t>(tile[j]) - offset);
        }
      }
    }
  }
  }  // omp parallel
}

#else

void gemm_u8s8_i32(const std::uint8_t* a, const std::int8_t* b, std::size_t m, std::size_t n, std::size_t k,
                   std::int32_t* c, const std::uint32_t* column_offset) {
#pragma omp parallel for schedule(static) if(worth_parallel(std::uint64_t{m} * n * k))
  for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(m); ++r) {
    for (std::size_t col = 0; col < n; ++col) {
      std::uint32_t s = 0;  // modulo 2^32, as vpdpbusd
      const std::uint8_t* x = a + static_cast<std::size_t>(r) * k;
      const std::int8_t* y = b + col * k;
      for (std::size_t i = 0; i < k; ++i) s += static_cast<std::uint32_t>(static_cast<std::int32_t>(x[i]) * y[i]);
      if (column_offset) s -= column_offset[col];
      c[static_cast<std::size_t>(r) * n + col] = static_cast<std::int32_t>(s);
    }
  }
}

#endif

}  // namespace tessera::kernels
