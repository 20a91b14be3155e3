#include "kernels/common/int8_gemm.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "golden/common/error.h"
#include "kernels/common/amx_tiles.h"
#include "kernels/common/parallel.h"
#include "kernels/common/scratch.h"

#if defined(__AVX512VNNI__)
#include <immintrin.h>
#endif

namespace tessera::kernels {
namespace {

void gemm_portable(const std::uint8_t* a, const std::int8_t* b, std::size_t m, std::size_t n, std::size_t k,
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

#if defined(__AVX512VNNI__)
constexpr std::size_t kNr = 32;  // columns per B panel (VNNI: 2 registers of 16 int32; AMX: 2 tiles)

// B (N x K, row-major) as panels of kNr columns, [panel][k4p][kNr][4] bytes: 4 consecutive k of a
// column side by side, what vpdpbusd and tdpbusd read. Zeros past K (up to k4p groups) and past
// N; every byte of the panels is written (they live in reused scratch). Call inside a parallel
// region (an `omp for`).
void pack_b_panels(const std::int8_t* b, std::size_t n, std::size_t k, std::size_t k4p, std::int8_t* bp) {
  const std::size_t np = (n + kNr - 1) / kNr * kNr, whole = k / 4;
#pragma omp for schedule(static)
  for (std::ptrdiff_t col = 0; col < static_cast<std::ptrdiff_t>(np); ++col) {
    const std::size_t panel = static_cast<std::size_t>(col) / kNr, lane = static_cast<std::size_t>(col) % kNr;
    std::int8_t* dst = bp + panel * k4p * kNr * 4 + lane * 4;
    std::size_t g = 0;
    if (static_cast<std::size_t>(col) < n) {
      const std::int8_t* src = b + static_cast<std::size_t>(col) * k;
      for (; g < whole; ++g) std::memcpy(dst + g * kNr * 4, src + g * 4, 4);
      if (whole * 4 < k) {
        std::int8_t last[4] = {0, 0, 0, 0};
        for (std::size_t i = whole * 4; i < k; ++i) last[i % 4] = src[i];
        std::memcpy(dst + g * kNr * 4, last, 4);
        ++g;
      }
    }
    for (; g < k4p; ++g) std::memset(dst + g * kNr * 4, 0, 4);
  }
}

// c[r][col] = tile[r][col] - column_offset[col] (mod 2^32) for the rows and columns that exist.
inline void store_tile(const std::int32_t* tile, std::size_t tile_stride, std::size_t rows, std::size_t cols,
                       std::int32_t* c, std::size_t n, const std::uint32_t* offset) {
  for (std::size_t r = 0; r < rows; ++r) {
    std::int32_t* dst = c + r * n;
    const std::int32_t* src = tile + r * tile_stride;
    for (std::size_t j = 0; j < cols; ++j) {
      dst[j] = static_cast<std::int32_t>(static_cast<std::uint32_t>(src[j]) - (offset ? offset[j] : 0u));
    }
  }
}

constexpr std::size_t kMr = 8;  // rows per VNNI micro-tile

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

void gemm_vnni(const std::uint8_t* a, const std::int8_t* b, std::size_t m, std::size_t n, std::size_t k,
               std::int32_t* c, const std::uint32_t* column_offset) {
  const std::size_t k4 = (k + 3) / 4;               // groups of 4 reduction steps
  const std::size_t mp = (m + kMr - 1) / kMr * kMr;
  const std::size_t np = (n + kNr - 1) / kNr * kNr;
  // A: rows padded to 4-byte groups (zeros), read in place when they already are; rows past M
  // read zeros. Buffers are reused scratch (kernels/common/scratch.h).
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
  pack_b_panels(b, n, k, k4, bp);
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
      alignas(64) std::int32_t tile[kMr * kNr];
      for (std::size_t r = 0; r < kMr; ++r) {
        _mm512_store_si512(tile + r * kNr, acc[2 * r]);
        _mm512_store_si512(tile + r * kNr + 16, acc[2 * r + 1]);
      }
      const std::size_t c0 = static_cast<std::size_t>(ct) * kNr;
      store_tile(tile, kNr, std::min(kMr, m - r0), std::min(kNr, n - c0), c + r0 * n + c0, n,
                 column_offset ? column_offset + c0 : nullptr);
    }
  }
  }  // omp parallel
}
#endif  // __AVX512VNNI__

#if defined(TESSERA_AMX_TILES) && defined(__AVX512VNNI__)
// AMX: a 32 x 32 block of C is 4 int32 tiles (16 x 16); per 64 reduction steps two A tiles (16 rows x
// 64 bytes) and two B tiles (16 groups of 4 steps x 16 columns x 4 bytes: the two halves of a
// packed panel row, 128 bytes apart) feed 4 tdpbusd (16,384 u8 x s8 products each, int32 sums
// wrapping like vpdpbusd's).
constexpr std::size_t kAmxRows = 32;
constexpr std::size_t kAmxDepth = 64;  // bytes of K per tile row

void gemm_amx(const std::uint8_t* a, const std::int8_t* b, std::size_t m, std::size_t n, std::size_t k,
              std::int32_t* c, const std::uint32_t* column_offset) {
  const std::size_t ka = (k + kAmxDepth - 1) / kAmxDepth * kAmxDepth;  // K padded to whole tile rows
  const std::size_t k4p = ka / 4;
  const std::size_t mp = (m + kAmxRows - 1) / kAmxRows * kAmxRows;
  const std::size_t np = (n + kNr - 1) / kNr * kNr;
  // A is read in place when its rows are whole tile rows and M whole blocks; else copied with
  // zero padding (tile loads read whole 64-byte rows, and rows past M must exist).
  const bool copy_a = k != ka || m != mp;
  std::uint8_t* ap = copy_a ? scratch_buffer<std::uint8_t>(ScratchSlot::gemm_packed_a, mp * ka) : nullptr;
  const std::uint8_t* a_rows = copy_a ? ap : a;
  std::int8_t* bp = scratch_buffer<std::int8_t>(ScratchSlot::gemm_packed_b, np * k4p * 4);
  const std::size_t row_blocks = mp / kAmxRows, col_panels = np / kNr;
  // Tiles 0-3: C (rows 0-15 / 16-31 x columns 0-15 / 16-31), 4-5: A, 6-7: B.
  const TileConfig config = full_tiles(8);
#pragma omp parallel if(worth_parallel(std::uint64_t{m} * n * k))
  {
#pragma omp for schedule(static) nowait
    for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(copy_a ? mp : 0); ++r) {
      std::uint8_t* dst = ap + static_cast<std::size_t>(r) * ka;
      const std::size_t real = static_cast<std::size_t>(r) < m ? k : 0;
      if (real) std::memcpy(dst, a + static_cast<std::size_t>(r) * k, k);
      std::memset(dst + real, 0, ka - real);
    }
    pack_b_panels(b, n, k, k4p, bp);
    load_tile_config(config);
#pragma omp for collapse(2) schedule(dynamic, 4)
    for (std::ptrdiff_t ct = 0; ct < static_cast<std::ptrdiff_t>(col_panels); ++ct) {
      for (std::ptrdiff_t rb = 0; rb < static_cast<std::ptrdiff_t>(row_blocks); ++rb) {
        const std::int8_t* panel = bp + static_cast<std::size_t>(ct) * k4p * kNr * 4;
        const std::size_t r0 = static_cast<std::size_t>(rb) * kAmxRows;
        const std::uint8_t* a0 = a_rows + r0 * ka;
        const std::uint8_t* a1 = a0 + 16 * ka;
        _tile_zero(0);
        _tile_zero(1);
        _tile_zero(2);
        _tile_zero(3);
        for (std::size_t g = 0; g < k4p; g += 16) {
          _tile_loadd(4, a0 + 4 * g, static_cast<long>(ka));
          _tile_loadd(5, a1 + 4 * g, static_cast<long>(ka));
          _tile_loadd(6, panel + g * kNr * 4, static_cast<long>(kNr * 4));
          _tile_loadd(7, panel + g * kNr * 4 + 64, static_cast<long>(kNr * 4));
          _tile_dpbusd(0, 4, 6);
          _tile_dpbusd(1, 4, 7);
          _tile_dpbusd(2, 5, 6);
          _tile_dpbusd(3, 5, 7);
        }
        alignas(64) std::int32_t tile[kAmxRows * kNr];
        _tile_stored(0, tile, static_cast<long>(kNr * 4));
        _tile_stored(1, tile + 16, static_cast<long>(kNr * 4));
        _tile_stored(2, tile + 16 * kNr, static_cast<long>(kNr * 4));
        _tile_stored(3, tile + 16 * kNr + 16, static_cast<long>(kNr * 4));
        const std::size_t c0 = static_cast<std::size_t>(ct) * kNr;
        store_tile(tile, kNr, std::min(kAmxRows, m - r0), std::min(kNr, n - c0), c + r0 * n + c0, n,
                   column_offset ? column_offset + c0 : nullptr);
      }
    }
    _tile_release();
  }  // omp parallel
}
#endif  // TESSERA_AMX_TILES

const char* core_name(Int8Core core) {
  switch (core) {
    case Int8Core::amx: return "amx";
    case Int8Core::vnni: return "vnni";
    case Int8Core::portable: return "portable";
  }
  return "?";
}

}  // namespace

bool int8_core_available(Int8Core core) {
  switch (core) {
    case Int8Core::portable: return true;
    case Int8Core::vnni:
#if defined(__AVX512VNNI__)
      return true;
#else
      return false;
#endif
    case Int8Core::amx:
#if defined(TESSERA_AMX_TILES) && defined(__AVX512VNNI__)
      return amx_granted();
#else
      return false;
#endif
  }
  return false;
}

Int8Core int8_gemm_core() {
  static const Int8Core best = int8_core_available(Int8Core::amx)    ? Int8Core::amx
                               : int8_core_available(Int8Core::vnni) ? Int8Core::vnni
                                                                      : Int8Core::portable;
  return best;
}

bool int8_gemm_has_vnni() { return int8_gemm_core() != Int8Core::portable; }

void gemm_u8s8_i32_on(Int8Core core, const std::uint8_t* a, const std::int8_t* b, std::size_t m, std::size_t n,
                      std::size_t k, std::int32_t* c, const std::uint32_t* column_offset) {
  if (!int8_core_available(core)) {
    throw ConfigError(std::string("gemm_u8s8_i32: the ") + core_name(core) +
                      " core is not available in this build or on this machine");
  }
  if (m == 0 || n == 0) return;
  switch (core) {
#if defined(TESSERA_AMX_TILES) && defined(__AVX512VNNI__)
    case Int8Core::amx: gemm_amx(a, b, m, n, k, c, column_offset); return;
#endif
#if defined(__AVX512VNNI__)
    case Int8Core::vnni: gemm_vnni(a, b, m, n, k, c, column_offset); return;
#endif
    default: gemm_portable(a, b, m, n, k, c, column_offset); return;
  }
}

void gemm_u8s8_i32(const std::uint8_t* a, const std::int8_t* b, std::size_t m, std::size_t n, std::size_t k,
                   std::int32_t* c, const std::uint32_t* column_offset) {
  gemm_u8s8_i32_on(int8_gemm_core(), a, b, m, n, k, c, column_offset);
}

}  // namespace tessera::kernels
