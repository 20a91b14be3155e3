#pragma once
// Internal to gather_gemm.cpp (AVX-512 VBMI builds): the lookup passes that sum their bytes in
// vector registers (LookupSums::vector; gather_sums.h has the accumulators), on the row split's
// one and two planes and on the signed split.
// The loops are bound by their uops on the two vector ports (port 5: vpermb, mask loads; port 0:
// vpmovb2m, k-ops, shifts; either: adds), so the mask work goes where it is shared:
//  - one plane: 2 activation rows x 128 columns per pass; the masks of a step are computed once
//    for both rows (vpmovb2m of the codes and of the codes << 1, kor, kand);
//  - two planes: 1 row x 256 columns, the row's 8 table registers loaded once per step, bit 6 of
//    the codes precomputed as masks (a kmovq load); 2 rows x 2 chunks measured 10-15 % slower
//    (twice the table lines per product, and a 128 KiB residual does not stay in L1);
//  - the signed split's one plane: 2 rows x 128 columns, a step's indices and masks loaded once
//    for both rows (Zen 4, one core: Mitchell 18.7 -> 19.8 G MAC/s, DRUM4 24.0 -> 26.0 against
//    1 row x 256 columns); its two planes: 1 row x 256 columns.
#if defined(__AVX512VBMI__)
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/approx/gather_sums.h"
#include "kernels/approx/row_split.h"
#include "kernels/common/byte_table.h"
#include "kernels/common/parallel.h"
#include "kernels/common/scratch.h"

namespace tessera::kernels::gather {

constexpr std::size_t kStepBlock = 128;     // <= 257 (uint16 bound); 128 x 256 weight bytes = 32 KiB of L1

// Per 64 weight codes: bit 6 of each code, as a mask (the two-plane pass loads them: one load per
// 64 codes instead of a shift and a vpmovb2m per row and step).
inline const std::uint64_t* bit6_masks(const std::uint8_t* wt, std::size_t bytes, std::uint64_t work) {
  const std::size_t count = bytes / 64;
  std::uint64_t* masks = scratch_buffer<std::uint64_t>(ScratchSlot::gather_masks, count);
#pragma omp parallel for schedule(static) if(worth_parallel(work))
  for (std::ptrdiff_t v = 0; v < static_cast<std::ptrdiff_t>(count); ++v) {
    const __m512i codes = _mm512_loadu_si512(wt + 64 * static_cast<std::size_t>(v));
    masks[static_cast<std::size_t>(v)] = _cvtmask64_u64(_mm512_movepi8_mask(_mm512_add_epi8(codes, codes)));
  }
  return masks;
}

// The passes below keep their sums in named variables (fold64 takes them by value): as an
// array, or behind pointers, GCC stored them to the stack every step.

// One plane: Rows (<= 2) activation rows x Chunks (<= 2) 64-column chunks of wt from c0 (`valid`
// columns real), steps [k0, k1), added into out_row[r][c0 ..).
template <std::size_t Rows, std::size_t Chunks>
void one_plane_pass(const RowSplit& split, const std::int8_t* const* a_row, const std::uint8_t* wt, std::size_t np,
                    std::size_t c0, std::size_t k0, std::size_t k1, std::int32_t* const* out_row, std::size_t valid) {
  static_assert(Rows >= 1 && Rows <= 2 && Chunks >= 1 && Chunks <= 2);
  const __m512i zero = _mm512_setzero_si512();
  // [row][chunk] raw and odd sums (named registers: see two_plane_pass).
  __m512i r00 = zero, o00 = zero, r01 = zero, o01 = zero, r10 = zero, o10 = zero, r11 = zero, o11 = zero;
  const std::int8_t* a0 = a_row[0];
  const std::int8_t* a1 = a_row[Rows - 1];
  for (std::size_t kk = k0; kk < k1; ++kk) {
    const std::uint8_t* wk = wt + kk * np + c0;
    __m512i t0[4], t1[4];
    load_row(split.low.data(), a0[kk], t0);
    if constexpr (Rows > 1) load_row(split.low.data(), a1[kk], t1);
    const __m512i idx0 = _mm512_loadu_si512(wk);
    const QuarterMasks m0 = quarter_masks(idx0);
    add_bytes(r00, o00, lookup64(t0, idx0, m0));
    if constexpr (Rows > 1) add_bytes(r10, o10, lookup64(t1, idx0, m0));
    if constexpr (Chunks > 1) {
      const __m512i idx1 = _mm512_loadu_si512(wk + 64);
      const QuarterMasks m1 = quarter_masks(idx1);
      add_bytes(r01, o01, lookup64(t0, idx1, m1));
      if constexpr (Rows > 1) add_bytes(r11, o11, lookup64(t1, idx1, m1));
    }
  }
  const ColumnSums sums[4] = {{r00, o00, zero, zero}, {r01, o01, zero, zero}, {r10, o10, zero, zero}, {r11, o11, zero, zero}};
  const ColumnSums* ordered[4] = {&sums[0], &sums[Chunks > 1 ? 1 : 2], &sums[Chunks > 1 ? 2 : 3], &sums[3]};
  fold_all(ordered, Rows, Chunks, out_row, c0, valid);
}

// The looked-up bytes of one step and chunk: the low plane's, and the high plane's (two planes).
struct PlaneBytes {
  __m512i low, high;
};

// One activation row x Chunks (<= 4) 64-column chunks on vector sums, steps [k0, k1): per step
// tables = load_tables(kk) (the row's table registers), then per chunk lookup(tables, kk, chunk)
// gives its PlaneBytes; the sums (named registers, see above) are folded into out_row[0][c0 ..).
template <std::size_t Chunks, int Planes, class LoadTables, class Lookup>
[[gnu::always_inline]] inline void one_row_vector_pass(LoadTables load_tables, Lookup lookup, std::size_t k0,
                                                       std::size_t k1, std::int32_t* const* out_row, std::size_t c0,
                                                       std::size_t valid) {
  static_assert(Chunks >= 1 && Chunks <= 4 && (Planes == 1 || Planes == 2));
  const __m512i zero = _mm512_setzero_si512();
  // [chunk] raw and odd sums of the low (l) and high (h) plane.
  __m512i rl0 = zero, ol0 = zero, rh0 = zero, oh0 = zero, rl1 = zero, ol1 = zero, rh1 = zero, oh1 = zero;
  __m512i rl2 = zero, ol2 = zero, rh2 = zero, oh2 = zero, rl3 = zero, ol3 = zero, rh3 = zero, oh3 = zero;
  const auto step = [&](const auto& tables, std::size_t kk, std::size_t chunk, __m512i& rl, __m512i& ol, __m512i& rh,
                        __m512i& oh) {
    const PlaneBytes bytes = lookup(tables, kk, chunk);
    add_bytes(rl, ol, bytes.low);
    if constexpr (Planes == 2) add_bytes(rh, oh, bytes.high);
  };
  for (std::size_t kk = k0; kk < k1; ++kk) {
    const auto tables = load_tables(kk);
    step(tables, kk, 0, rl0, ol0, rh0, oh0);
    if constexpr (Chunks > 1) step(tables, kk, 1, rl1, ol1, rh1, oh1);
    if constexpr (Chunks > 2) step(tables, kk, 2, rl2, ol2, rh2, oh2);
    if constexpr (Chunks > 3) step(tables, kk, 3, rl3, ol3, rh3, oh3);
  }
  const ColumnSums sums[4] = {{rl0, ol0, rh0, oh0}, {rl1, ol1, rh1, oh1}, {rl2, ol2, rh2, oh2}, {rl3, ol3, rh3, oh3}};
  const ColumnSums* ordered[4] = {&sums[0], &sums[1], &sums[2], &sums[3]};
  fold_all(ordered, 1, Chunks, out_row, c0, valid);
}

// Two planes of the row split: one activation row x Chunks (<= 4) chunks, as above.
template <std::size_t Chunks>
void two_plane_pass(const RowSplit& split, const std::int8_t* a_row, const std::uint8_t* wt, const std::uint64_t* masks,
                    std::size_t np, std::size_t c0, std::size_t k0, std::size_t k1, std::int32_t* const* out_row,
                    std::size_t valid) {
  struct Tables {
    __m512i low[4], high[4];
  };
  one_row_vector_pass<Chunks, 2>(
      [&](std::size_t kk) {
        Tables t;
        load_row(split.low.data(), a_row[kk], t.low);
        load_row(split.high.data(), a_row[kk], t.high);
        return t;
      },
      [&](const Tables& t, std::size_t kk, std::size_t chunk) {
        const __m512i idx = _mm512_loadu_si512(wt + kk * np + c0 + 64 * chunk);
        const QuarterMasks m = quarter_masks(_mm512_movepi8_mask(idx), _cvtu64_mask64(masks[(kk * np + c0) / 64 + chunk]));
        return PlaneBytes{lookup64(t.low, idx, m), lookup64(t.high, idx, m)};
      },
      k0, k1, out_row, c0, valid);
}

// The signed split (signed_split.h) on vector sums: one activation row x Chunks (<= 4) chunks of
// signed_weights' indices (column order), as two_plane_pass; the masks are loads, so rows need
// not share them.
template <int Planes, std::size_t Chunks>
void signed_vector_pass(const LookupSource& source, const std::int8_t* a_row, const std::uint8_t* indices,
                        std::size_t np, std::size_t c0, std::size_t k0, std::size_t k1, std::int32_t* const* out_row,
                        std::size_t valid) {
  struct Tables {
    __m512i low[2], high[2];
  };
  one_row_vector_pass<Chunks, Planes>(
      [&](std::size_t kk) {
        const std::size_t row = static_cast<std::size_t>(static_cast<std::uint8_t>(a_row[kk])) << 7;
        Tables t;
        for (int q = 0; q < 2; ++q) {
          t.low[q] = _mm512_loadu_si512(source.planes[0] + row + 64 * q);
          t.high[q] = Planes == 2 ? _mm512_loadu_si512(source.planes[1] + row + 64 * q) : _mm512_setzero_si512();
        }
        return t;
      },
      [&](const Tables& t, std::size_t kk, std::size_t chunk) {
        const std::size_t at = kk * np + c0 + 64 * chunk;
        const __m512i idx = _mm512_load_si512(indices + at);
        const std::uint64_t* masks = source.masks + 2 * (at / 64);
        const __mmask64 bit6 = _cvtu64_mask64(masks[0]), negative = _cvtu64_mask64(masks[1]);
        return PlaneBytes{signed_lookup64(t.low, idx, bit6, negative),
                          Planes == 2 ? signed_lookup64(t.high, idx, bit6, negative) : _mm512_setzero_si512()};
      },
      k0, k1, out_row, c0, valid);
}

// The signed split's one plane, two activation rows x Chunks (<= 2) chunks: a step's indices and
// masks are loaded once for both rows.
template <std::size_t Chunks>
void signed_row_pair_pass(const LookupSource& source, const std::int8_t* const* a_row, const std::uint8_t* indices,
                          std::size_t np, std::size_t c0, std::size_t k0, std::size_t k1,
                          std::int32_t* const* out_row, std::size_t valid) {
  static_assert(Chunks >= 1 && Chunks <= 2);
  const __m512i zero = _mm512_setzero_si512();
  // [row][chunk] raw and odd sums (named registers, see above).
  __m512i r00 = zero, o00 = zero, r01 = zero, o01 = zero, r10 = zero, o10 = zero, r11 = zero, o11 = zero;
  const std::uint8_t* plane = source.planes[0];
  for (std::size_t kk = k0; kk < k1; ++kk) {
    const std::size_t row0 = static_cast<std::size_t>(static_cast<std::uint8_t>(a_row[0][kk])) << 7;
    const std::size_t row1 = static_cast<std::size_t>(static_cast<std::uint8_t>(a_row[1][kk])) << 7;
    const __m512i t0[2] = {_mm512_loadu_si512(plane + row0), _mm512_loadu_si512(plane + row0 + 64)};
    const __m512i t1[2] = {_mm512_loadu_si512(plane + row1), _mm512_loadu_si512(plane + row1 + 64)};
    const std::size_t at = kk * np + c0;
    const std::uint64_t* masks = source.masks + 2 * (at / 64);
    {
      const __m512i idx = _mm512_load_si512(indices + at);
      const __mmask64 bit6 = _cvtu64_mask64(masks[0]), negative = _cvtu64_mask64(masks[1]);
      add_bytes(r00, o00, signed_lookup64(t0, idx, bit6, negative));
      add_bytes(r10, o10, signed_lookup64(t1, idx, bit6, negative));
    }
    if constexpr (Chunks > 1) {
      const __m512i idx = _mm512_load_si512(indices + at + 64);
      const __mmask64 bit6 = _cvtu64_mask64(masks[2]), negative = _cvtu64_mask64(masks[3]);
      add_bytes(r01, o01, signed_lookup64(t0, idx, bit6, negative));
      add_bytes(r11, o11, signed_lookup64(t1, idx, bit6, negative));
    }
  }
  const ColumnSums sums[4] = {{r00, o00, zero, zero}, {r01, o01, zero, zero}, {r10, o10, zero, zero}, {r11, o11, zero, zero}};
  const ColumnSums* ordered[4] = {&sums[0], &sums[Chunks > 1 ? 1 : 2], &sums[Chunks > 1 ? 2 : 3], &sums[3]};
  fold_all(ordered, 2, Chunks, out_row, c0, valid);
}

// signed_vector_pass for each of `count` rows, the chunk count (1 .. 4) known at run time.
template <int Planes>
void signed_vector_passes(const LookupSource& source, const std::int8_t* const* a_row, std::size_t count,
                          const std::uint8_t* indices, std::size_t np, std::size_t c0, std::size_t chunks,
                          std::size_t k0, std::size_t k1, std::int32_t* const* out_row, std::size_t valid) {
  std::size_t r = 0;
  if constexpr (Planes == 1) {
    for (; r + 1 < count; r += 2) {
      for (std::size_t c = 0; c < chunks; c += 2) {
        const std::size_t start = c0 + 64 * c, left = valid - 64 * c;
        if (chunks - c >= 2) signed_row_pair_pass<2>(source, a_row + r, indices, np, start, k0, k1, out_row + r, left);
        else signed_row_pair_pass<1>(source, a_row + r, indices, np, start, k0, k1, out_row + r, left);
      }
    }
  }
  for (; r < count; ++r) {
    switch (chunks) {
      case 4: signed_vector_pass<Planes, 4>(source, a_row[r], indices, np, c0, k0, k1, out_row + r, valid); break;
      case 3: signed_vector_pass<Planes, 3>(source, a_row[r], indices, np, c0, k0, k1, out_row + r, valid); break;
      case 2: signed_vector_pass<Planes, 2>(source, a_row[r], indices, np, c0, k0, k1, out_row + r, valid); break;
      default: signed_vector_pass<Planes, 1>(source, a_row[r], indices, np, c0, k0, k1, out_row + r, valid); break;
    }
  }
}

}  // namespace tessera::kernels::gather
#endif
