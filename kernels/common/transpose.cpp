#include "kernels/common/transpose.h"

#include <algorithm>

#if defined(__SSE2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "kernels/common/parallel.h"

namespace tessera::kernels {
namespace {

#if defined(__SSE2__)
// dst[j][i] = src[i][j] for a 16 x 16 byte tile: four rounds of unpacks, each interleaving pairs of
// rows at twice the previous width (bytes, words, dwords, qwords).
void transpose16x16(const std::uint8_t* src, std::size_t src_stride, std::uint8_t* dst, std::size_t dst_stride) {
  __m128i r[16], t[16];
  for (int i = 0; i < 16; ++i) r[i] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + static_cast<std::size_t>(i) * src_stride));
  for (int i = 0; i < 8; ++i) {
    t[i] = _mm_unpacklo_epi8(r[2 * i], r[2 * i + 1]);
    t[i + 8] = _mm_unpackhi_epi8(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 8; ++i) {
    const int h = i / 4 * 8, j = i % 4;
    r[h + j] = _mm_unpacklo_epi16(t[h + 2 * j], t[h + 2 * j + 1]);
    r[h + j + 4] = _mm_unpackhi_epi16(t[h + 2 * j], t[h + 2 * j + 1]);
  }
  for (int i = 0; i < 8; ++i) {
    const int q = i / 2 * 4, j = i % 2;
    t[q + j] = _mm_unpacklo_epi32(r[q + 2 * j], r[q + 2 * j + 1]);
    t[q + j + 2] = _mm_unpackhi_epi32(r[q + 2 * j], r[q + 2 * j + 1]);
  }
  for (int i = 0; i < 8; ++i) {
    r[2 * i] = _mm_unpacklo_epi64(t[2 * i], t[2 * i + 1]);
    r[2 * i + 1] = _mm_unpackhi_epi64(t[2 * i], t[2 * i + 1]);
  }
  for (int i = 0; i < 16; ++i) _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + static_cast<std::size_t>(i) * dst_stride), r[i]);
}
#endif

#if defined(__AVX512F__)
// dst[j][i] = src[i][j] for a 16 x 16 int32 tile: 32-bit and 64-bit interleaves leave column
// 4L + c of rows 4b..4b+3 in 128-bit lane L of u[4b + c]; a 4 x 4 transpose of those lanes
// (two rounds of vshufi32x4) finishes it.
void transpose16x16(const std::int32_t* src, std::size_t src_stride, std::int32_t* dst, std::size_t dst_stride) {
  __m512i r[16], t[16], u[16];
  for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_si512(src + static_cast<std::size_t>(i) * src_stride);
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
  }
  for (int b = 0; b < 4; ++b) {
    u[4 * b + 0] = _mm512_unpacklo_epi64(t[4 * b], t[4 * b + 2]);
    u[4 * b + 1] = _mm512_unpackhi_epi64(t[4 * b], t[4 * b + 2]);
    u[4 * b + 2] = _mm512_unpacklo_epi64(t[4 * b + 1], t[4 * b + 3]);
    u[4 * b + 3] = _mm512_unpackhi_epi64(t[4 * b + 1], t[4 * b + 3]);
  }
  for (int c = 0; c < 4; ++c) {
    const __m512i v0 = _mm512_shuffle_i32x4(u[c], u[4 + c], 0x44);
    const __m512i v1 = _mm512_shuffle_i32x4(u[c], u[4 + c], 0xEE);
    const __m512i v2 = _mm512_shuffle_i32x4(u[8 + c], u[12 + c], 0x44);
    const __m512i v3 = _mm512_shuffle_i32x4(u[8 + c], u[12 + c], 0xEE);
    _mm512_storeu_si512(dst + static_cast<std::size_t>(c) * dst_stride, _mm512_shuffle_i32x4(v0, v2, 0x88));
    _mm512_storeu_si512(dst + static_cast<std::size_t>(4 + c) * dst_stride, _mm512_shuffle_i32x4(v0, v2, 0xDD));
    _mm512_storeu_si512(dst + static_cast<std::size_t>(8 + c) * dst_stride, _mm512_shuffle_i32x4(v1, v3, 0x88));
    _mm512_storeu_si512(dst + static_cast<std::size_t>(12 + c) * dst_stride, _mm512_shuffle_i32x4(v1, v3, 0xDD));
  }
}
#endif

// In kTile x kTile tiles; whole tiles by `whole_tile` when there is one (SIMD), the rest element
// by element.
template <class T>
void transpose_tiled(const T* src, std::size_t src_stride, std::size_t rows, std::size_t cols, T* dst,
                     std::size_t dst_stride, std::uint64_t work,
                     void (*whole_tile)(const T*, std::size_t, T*, std::size_t)) {
  constexpr std::size_t kTile = 16;
  const std::size_t col_tiles = (cols + kTile - 1) / kTile;
#pragma omp parallel for schedule(static) if(worth_parallel(work))
  for (std::ptrdiff_t ct = 0; ct < static_cast<std::ptrdiff_t>(col_tiles); ++ct) {
    const std::size_t c0 = static_cast<std::size_t>(ct) * kTile, c1 = std::min(cols, c0 + kTile);
    for (std::size_t r0 = 0; r0 < rows; r0 += kTile) {
      const std::size_t r1 = std::min(rows, r0 + kTile);
      if (whole_tile != nullptr && r1 - r0 == kTile && c1 - c0 == kTile) {
        whole_tile(src + r0 * src_stride + c0, src_stride, dst + c0 * dst_stride + r0, dst_stride);
        continue;
      }
      for (std::size_t c = c0; c < c1; ++c) {
        for (std::size_t r = r0; r < r1; ++r) dst[c * dst_stride + r] = src[r * src_stride + c];
      }
    }
  }
}

#if defined(__SSE2__)
constexpr void (*kByteTile)(const std::uint8_t*, std::size_t, std::uint8_t*, std::size_t) = transpose16x16;
#else
constexpr void (*kByteTile)(const std::uint8_t*, std::size_t, std::uint8_t*, std::size_t) = nullptr;
#endif
#if defined(__AVX512F__)
constexpr void (*kInt32Tile)(const std::int32_t*, std::size_t, std::int32_t*, std::size_t) = transpose16x16;
#else
constexpr void (*kInt32Tile)(const std::int32_t*, std::size_t, std::int32_t*, std::size_t) = nullptr;
#endif

}  // namespace

void transpose_bytes(const std::uint8_t* src, std::size_t src_stride, std::size_t rows, std::size_t cols,
                     std::uint8_t* dst, std::size_t dst_stride, std::uint64_t work) {
  transpose_tiled(src, src_stride, rows, cols, dst, dst_stride, work, kByteTile);
}

void transpose_int32(const std::int32_t* src, std::size_t src_stride, std::size_t rows, std::size_t cols,
                     std::int32_t* dst, std::size_t dst_stride, std::uint64_t work) {
  transpose_tiled(src, src_stride, rows, cols, dst, dst_stride, work, kInt32Tile);
}

}  // namespace tessera::kernels
