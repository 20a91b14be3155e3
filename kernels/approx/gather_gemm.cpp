// The gather path of the approximate GEMM (gather_gemm.h).
//
// Weights are transposed to K x Np bytes (Np = N rounded up to 64; padding columns read code 0
// and are never written out), so that for a fixed k the weights of 64 columns are one register.
// Unless the rows share their lookups (gather_shares_lookups; shared_lookup_gemm below), each row
// looks up its own table rows; work unit: kRowBlock activation rows x one column group, the whole
// K in blocks of kStepBlock (kTileStepBlock with tile sums).
#include "kernels/approx/gather_gemm.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <mutex>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <omp.h>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "golden/approx/table.h"
#include "golden/common/error.h"
#include "kernels/approx/expanded_gemm.h"
#include "kernels/approx/signed_operands.h"
#include "kernels/common/amx_tiles.h"
#include "kernels/common/byte_table.h"
#include "kernels/common/parallel.h"
#include "kernels/common/scratch.h"
#include "kernels/common/transpose.h"

namespace tessera::kernels {
namespace {

constexpr std::size_t kRowBlock = 32;
constexpr std::size_t kGroupColumns = 256;  // a work unit's columns (the direct passes)

// w (N x K) as K x np bytes into reused scratch; padding columns are written as code 0.
const std::uint8_t* transpose_weights(const std::int8_t* w, std::size_t n, std::size_t k, std::size_t np,
                                      std::uint64_t work) {
  std::uint8_t* wt = scratch_buffer<std::uint8_t>(ScratchSlot::gather_columns, k * np);
  transpose_bytes(reinterpret_cast<const std::uint8_t*>(w), k, n, k, wt, np, work);
  for (std::size_t kk = 0; kk < k; ++kk) std::fill(wt + kk * np + n, wt + (kk + 1) * np, std::uint8_t{0});
  return wt;
}

#if defined(__AVX512VBMI__)
// AVX-512 VBMI, on the residual of the row split (row_split.h): a row's 256 residual bytes per
// plane are a byte table looked up 64 weight codes at a time (kernels/common/byte_table.h: 4
// vpermb, masks shared by every table looked up with the same codes). The looked-up bytes are
// summed by AMX tiles where available (tile_pass below), else by the vector passes here.
// Vector accumulators, per row and 64 columns, in registers for a block of kStepBlock steps:
//   raw[c] += v            (uint16 lanes, wrapping: lane = even byte + 256 * odd byte, mod 2^16)
//   odd[c] += v >> 8       (the odd columns' bytes, <= 255 * kStepBlock < 2^16: exact)
// and afterwards even = raw - 256 * odd (mod 2^16; the true even sum is < 2^16, so exact).
// Then, per column, in int32 (modulo 2^32, as the linear part): 256 * sum(high) + sum(low).
// The loops are bound by their uops on the two vector ports (port 5: vpermb, mask loads; port 0:
// vpmovb2m, k-ops, shifts; either: adds), so the mask work goes where it is shared:
//  - one plane: 2 activation rows x 128 columns per pass; the masks of a step are computed once
//    for both rows (vpmovb2m of the codes and of the codes << 1, kor, kand);
//  - two planes: 1 row x 256 columns, the row's 8 table registers loaded once per step, bit 6 of
//    the codes precomputed as masks (a kmovq load); 2 rows x 2 chunks measured 10-15 % slower
//    (twice the table lines per product, and a 128 KiB residual does not stay in L1).
constexpr std::size_t kStepBlock = 128;     // <= 257 (uint16 bound); 128 x 256 weight bytes = 32 KiB of L1
// The tile passes' sums are int32 and each pass ends with a drain (its last tdpbuud, the sums'
// stores and the fold): blocks of 256 steps ran 4-8 % faster than 128 (768: no better).
constexpr std::size_t kTileStepBlock = 256;

// Per 64 weight codes: bit 6 of each code, as a mask (the two-plane pass loads them: one load per
// 64 codes instead of a shift and a vpmovb2m per row and step).
const std::uint64_t* bit6_masks(const std::uint8_t* wt, std::size_t bytes, std::uint64_t work) {
  const std::size_t count = bytes / 64;
  std::uint64_t* masks = scratch_buffer<std::uint64_t>(ScratchSlot::gather_masks, count);
#pragma omp parallel for schedule(static) if(worth_parallel(work))
  for (std::ptrdiff_t v = 0; v < static_cast<std::ptrdiff_t>(count); ++v) {
    const __m512i codes = _mm512_loadu_si512(wt + 64 * static_cast<std::size_t>(v));
    masks[static_cast<std::size_t>(v)] = _cvtmask64_u64(_mm512_movepi8_mask(_mm512_add_epi8(codes, codes)));
  }
  return masks;
}

[[gnu::always_inline]] inline void load_row(const std::uint8_t* plane, std::int8_t code, __m512i t[4]) {
  load_byte_table(plane + (static_cast<std::size_t>(static_cast<std::uint8_t>(code)) << 8), t);
}

// uint16 lanes of (even, odd) column sums -> 32 columns in order, starting at column 32 * half.
inline __m512i interleave_columns(__m512i even, __m512i odd, int half) {
  alignas(64) std::uint16_t index[32];
  for (int j = 0; j < 32; ++j) index[j] = static_cast<std::uint16_t>((j % 2) * 32 + 16 * half + j / 2);
  return _mm512_permutex2var_epi16(even, _mm512_load_si512(index), odd);
}

// Adds 256 * high + low of 32 columns (uint16 sums, in column order) into out[0..valid) (int32).
// (With add = false, stores them instead.)
inline void fold32(__m512i low_sums, __m512i high_sums, std::int32_t* out, std::size_t valid, bool add = true) {
  for (int q = 0; q < 2; ++q) {
    if (valid <= static_cast<std::size_t>(16 * q)) return;
    const std::size_t left = valid - static_cast<std::size_t>(16 * q);
    const __mmask16 mask = left >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
    const __m512i lo = _mm512_cvtepu16_epi32(q == 0 ? _mm512_castsi512_si256(low_sums) : _mm512_extracti64x4_epi64(low_sums, 1));
    const __m512i hi = _mm512_cvtepu16_epi32(q == 0 ? _mm512_castsi512_si256(high_sums) : _mm512_extracti64x4_epi64(high_sums, 1));
    std::int32_t* dst = out + 16 * q;
    __m512i v = _mm512_add_epi32(_mm512_slli_epi32(hi, 8), lo);
    if (add) v = _mm512_add_epi32(v, _mm512_maskz_loadu_epi32(mask, dst));
    _mm512_mask_storeu_epi32(dst, mask, v);
  }
}

// The four uint16 sums of one row's 64 columns (see above).
struct ColumnSums {
  __m512i raw_low, odd_low, raw_high, odd_high;
};

[[gnu::always_inline]] inline void add_bytes(__m512i& raw, __m512i& odd, __m512i v) {
  raw = _mm512_add_epi16(raw, v);
  odd = _mm512_add_epi16(odd, _mm512_srli_epi16(v, 8));
}

// even = raw - 256 * odd, then the 64 columns in order into out_row[0 .. valid).
[[gnu::always_inline]] inline void fold64(ColumnSums s, std::int32_t* out_row, std::size_t valid) {
  const __m512i even_low = _mm512_sub_epi16(s.raw_low, _mm512_slli_epi16(s.odd_low, 8));
  const __m512i even_high = _mm512_sub_epi16(s.raw_high, _mm512_slli_epi16(s.odd_high, 8));
  for (int half = 0; half < 2; ++half) {
    const std::size_t start = static_cast<std::size_t>(32 * half);
    if (start >= valid) break;
    fold32(interleave_columns(even_low, s.odd_low, half), interleave_columns(even_high, s.odd_high, half),
           out_row + start, std::min<std::size_t>(32, valid - start));
  }
}

// Folds sums[i] (row i / chunks, chunk i % chunks) into out_row[row][c0 + 64 * chunk ..).
inline void fold_all(const ColumnSums* const* sums, std::size_t rows, std::size_t chunks, std::int32_t* const* out_row,
                     std::size_t c0, std::size_t valid) {
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < chunks && 64 * c < valid; ++c)
      fold64(*sums[r * chunks + c], out_row[r] + c0 + 64 * c, valid - 64 * c);
}

// What a pass looks up: the row split's residual (256 entries a row; the weight codes' bits 7:6
// pick one of 4 registers) or a signed split (signed_split.h: 128 entries a row, bit 6 of the
// magnitude picks one of 2 registers, then the bytes of negative codes are NOTed).
struct LookupSource {
  const std::uint8_t* planes[2];
  // Signed: per 64 weight codes (in the passes' column order), two masks: bit 6 of the
  // magnitudes, the signs.
  const std::uint64_t* masks;
};

// A signed split's lookup of 64 codes in one plane (t: the row's 2 registers; signed_weights).
[[gnu::always_inline]] inline __m512i signed_lookup64(const __m512i t[2], __m512i idx, __mmask64 bit6, __mmask64 negative) {
  const __m512i v = _mm512_mask_permutexvar_epi8(_mm512_permutexvar_epi8(idx, t[0]), bit6, idx, t[1]);
  return _mm512_mask_sub_epi8(v, negative, _mm512_set1_epi8(-1), v);  // NOT where negative
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

// signed_vector_pass for each of `count` rows, the chunk count (1 .. 4) known at run time.
template <int Planes>
void signed_vector_passes(const LookupSource& source, const std::int8_t* const* a_row, std::size_t count,
                          const std::uint8_t* indices, std::size_t np, std::size_t c0, std::size_t chunks,
                          std::size_t k0, std::size_t k1, std::int32_t* const* out_row, std::size_t valid) {
  for (std::size_t r = 0; r < count; ++r) {
    switch (chunks) {
      case 4: signed_vector_pass<Planes, 4>(source, a_row[r], indices, np, c0, k0, k1, out_row + r, valid); break;
      case 3: signed_vector_pass<Planes, 3>(source, a_row[r], indices, np, c0, k0, k1, out_row + r, valid); break;
      case 2: signed_vector_pass<Planes, 2>(source, a_row[r], indices, np, c0, k0, k1, out_row + r, valid); break;
      default: signed_vector_pass<Planes, 1>(source, a_row[r], indices, np, c0, k0, k1, out_row + r, valid); break;
    }
  }
}

#if defined(TESSERA_AMX_TILES)
// The lookups summed by AMX (LookupSums::amx_tiles; the default where the build and the kernel
// allow). The vector passes above are bound by their uops on the two vector ports: per 64
// products and plane 4 vpermb, the masks' share and 3 for the sums. Here the looked-up bytes are
// only stored, and AMX sums them: per 4 steps, a B tile (16 rows of 64 bytes) holds 4 slots (a
// slot: one activation row and one 64-column chunk) x 4 steps, row 4 * slot + step, and tdpbuud
// against a constant 0/1 A tile (the selector) adds, for C row i and column c, the bytes at
// 4 * c + i % 4 of the 4 rows of slot i / 4 into an int32 C tile. The weight codes are permuted
// within each chunk so that byte 4 * c + q of a lookup is column 16 * q + c
// (tile_ordered_weights): a slot's 64 int32 sums are then its columns in order. The vector ports
// keep the vpermb and the masks, so two planes run 1 row x 4 chunks and one plane 2 rows x 4
// chunks (the masks of a step shared by both rows). One core, 512x768x768, uniform codes:
// two planes 16.8 -> 19.3 G MAC/s, one plane (mul8s_1L2H) 26.1 -> 31.8.
// Tiles (numbered literally: GCC's tile intrinsics paste the number into the instruction): 0 the
// selector, 1 and 2 the bytes (low and high plane, or slots 0-3 and 4-7 of one plane), 3 and 4
// their sums over even groups of steps, 5 and 6 over odd ones.
constexpr int kLookupTiles = 7;


constexpr std::size_t kTileSteps = 4;  // steps per B tile (16 rows = 4 slots x 4 steps)

// The A tile: selector[i][4 * row + q] = 1 where row / 4 == i / 4 and q == i % 4.
const std::uint8_t* tile_selector() {
  alignas(64) static const std::array<std::uint8_t, 16 * 64> selector = [] {
    std::array<std::uint8_t, 16 * 64> s{};
    for (std::size_t i = 0; i < 16; ++i)
      for (std::size_t row = 0; row < 16; ++row) s[i * 64 + 4 * row + i % 4] = row / 4 == i / 4 ? 1 : 0;
    return s;
  }();
  return selector.data();
}

// wt (bytes / 64 chunks of 64 codes) with each chunk's codes in the order the sums tile reads:
// position 4 * c + q holds column 16 * q + c.
const std::uint8_t* tile_ordered_weights(const std::uint8_t* wt, std::size_t bytes, std::uint64_t work) {
  alignas(64) std::uint8_t order[64];
  for (std::size_t p = 0; p < 64; ++p) order[p] = chunk_column(ChunkOrder::tiles, p);
  const __m512i index = _mm512_load_si512(order);
  std::uint8_t* ordered = scratch_buffer<std::uint8_t>(ScratchSlot::gather_tile_columns, bytes);
#pragma omp parallel for schedule(static) if(worth_parallel(work))
  for (std::ptrdiff_t v = 0; v < static_cast<std::ptrdiff_t>(bytes / 64); ++v) {
    const std::size_t at = 64 * static_cast<std::size_t>(v);
    _mm512_store_si512(ordered + at, _mm512_permutexvar_epi8(index, _mm512_loadu_si512(wt + at)));
  }
  return ordered;
}

// Rows x Chunks from c0 (wt_tiles: tile_ordered_weights), steps [k0, k1), Planes byte planes,
// added into out_row[r][c0 ..) (`valid` columns). A slot is a row and a chunk (slot = row *
// Chunks + chunk); a B tile holds 4 slots' 4 steps (row 4 * (slot % 4) + step), and there are at
// most 2 B tiles (tiles 1 and 2): byte tile p * slot_tiles + slot / 4. The calling thread has
// the tiles configured (kLookupTiles) and the selector loaded. Signed: wt_tiles are
// signed_weights' indices and the table rows are 128 entries (LookupSource).
template <int Planes, std::size_t Rows, std::size_t Chunks, bool Signed>
void tile_pass(const LookupSource& source, const std::int8_t* const* a_row, const std::uint8_t* wt_tiles, std::size_t np,
               std::size_t c0, std::size_t k0, std::size_t k1, std::int32_t* const* out_row, std::size_t valid) {
  constexpr std::size_t kSlots = Rows * Chunks, kSlotTiles = (kSlots + 3) / 4, kByteTiles = Planes * kSlotTiles;
  constexpr int kSegments = Signed ? 2 : 4;  // 64-entry registers per table row and plane
  static_assert((Planes == 1 || Planes == 2) && kSlots >= 1 && kByteTiles <= 2);
  // [buffer][byte tile][row][byte]. A group's tiles are loaded one group later: a tile load
  // cannot take bytes from stores still in flight, and waited for them (measured: the tile loads
  // and tdpbuud took 30 % of the samples when they followed their own group's stores).
  constexpr std::size_t kBuffers = 3;
  alignas(64) std::uint8_t bytes[kBuffers][kByteTiles][16 * 64];
  if constexpr (kSlots % 4 != 0) std::memset(bytes, 0, sizeof(bytes));  // rows of absent slots: summed, never read
  const __m512i zero = _mm512_setzero_si512();
  const auto row_of = [](int plane, std::size_t slot, std::size_t step) {
    return std::pair<std::size_t, std::size_t>{static_cast<std::size_t>(plane) * kSlotTiles + slot / 4,
                                               64 * (kTileSteps * (slot % 4) + step)};
  };
  // Groups alternate between two sums tiles per byte tile (3, 4 even; 5, 6 odd): each tdpbuud
  // waits for the last one into its tile, longer than a group of one plane's lookups takes.
  _tile_zero(3);
  _tile_zero(5);
  if constexpr (kByteTiles == 2) {
    _tile_zero(4);
    _tile_zero(6);
  }
  const auto sum_group = [&](std::size_t group) {
    const auto& tiles = bytes[group % kBuffers];
    _tile_loadd(1, tiles[0], 64);
    if (group % 2 == 0) _tile_dpbuud(3, 0, 1);
    else _tile_dpbuud(5, 0, 1);
    if constexpr (kByteTiles == 2) {
      _tile_loadd(2, tiles[1], 64);
      if (group % 2 == 0) _tile_dpbuud(4, 0, 2);
      else _tile_dpbuud(6, 0, 2);
    }
  };
  std::size_t group = 0;
  for (std::size_t g0 = k0; g0 < k1; g0 += kTileSteps, ++group) {
    auto& tiles = bytes[group % kBuffers];
    const std::size_t steps = std::min(kTileSteps, k1 - g0);
    for (std::size_t s = 0; s < steps; ++s) {
      const std::size_t kk = g0 + s;
      __m512i t[Rows][Planes][kSegments];
      for (std::size_t r = 0; r < Rows; ++r) {
        const std::size_t row = static_cast<std::size_t>(static_cast<std::uint8_t>(a_row[r][kk])) << (Signed ? 7 : 8);
        for (int p = 0; p < Planes; ++p)
          for (int q = 0; q < kSegments; ++q) t[r][p][q] = _mm512_loadu_si512(source.planes[p] + row + 64 * q);
      }
      const std::size_t wk = kk * np + c0;
      for (std::size_t chunk = 0; chunk < Chunks; ++chunk) {
        const __m512i idx = _mm512_loadu_si512(wt_tiles + wk + 64 * chunk);
        if constexpr (Signed) {
          const std::uint64_t* masks = source.masks + 2 * (wk / 64 + chunk);
          const __mmask64 bit6 = _cvtu64_mask64(masks[0]), negative = _cvtu64_mask64(masks[1]);
          for (std::size_t r = 0; r < Rows; ++r) {
            for (int p = 0; p < Planes; ++p) {
              const auto [tile, at] = row_of(p, r * Chunks + chunk, s);
              _mm512_store_si512(tiles[tile] + at, signed_lookup64(t[r][p], idx, bit6, negative));
            }
          }
        } else {
          const QuarterMasks m = quarter_masks(idx);
          for (std::size_t r = 0; r < Rows; ++r) {
            for (int p = 0; p < Planes; ++p) {
              const auto [tile, at] = row_of(p, r * Chunks + chunk, s);
              _mm512_store_si512(tiles[tile] + at, lookup64(t[r][p], idx, m));
            }
          }
        }
      }
    }
    for (std::size_t s = steps; s < kTileSteps; ++s) {
      for (std::size_t slot = 0; slot < kSlots; ++slot) {
        for (int p = 0; p < Planes; ++p) {
          const auto [tile, at] = row_of(p, slot, s);
          _mm512_store_si512(tiles[tile] + at, zero);
        }
      }
    }
    if (group > 0) sum_group(group - 1);
  }
  if (group > 0) sum_group(group - 1);
  alignas(64) std::uint32_t even[kByteTiles][256], odd[kByteTiles][256];
  _tile_stored(3, even[0], 64);
  _tile_stored(5, odd[0], 64);
  if constexpr (kByteTiles == 2) {
    _tile_stored(4, even[1], 64);
    _tile_stored(6, odd[1], 64);
  }
  // Modulo 2^32, as the linear part.
  for (std::size_t r = 0; r < Rows; ++r) {
    for (std::size_t chunk = 0; chunk < Chunks && 64 * chunk < valid; ++chunk) {
      std::uint32_t* out = reinterpret_cast<std::uint32_t*>(out_row[r] + c0 + 64 * chunk);
      const std::size_t slot = r * Chunks + chunk, columns = std::min<std::size_t>(64, valid - 64 * chunk);
      const std::size_t low = slot / 4, base = 64 * (slot % 4);  // the high plane's tile: kSlotTiles + low
      for (std::size_t c = 0; c < columns; ++c) {
        std::uint32_t v = even[low][base + c] + odd[low][base + c];
        if constexpr (Planes == 2) v += (even[kSlotTiles + low][base + c] + odd[kSlotTiles + low][base + c]) << 8;
        out[c] += v;
      }
    }
  }
}

// tile_pass with the chunk count (1 .. 4) known at run time.
template <int Planes, std::size_t Rows, bool Signed = false>
void tile_pass_chunks(std::size_t chunks, const LookupSource& source, const std::int8_t* const* a_row,
                      const std::uint8_t* wt_tiles, std::size_t np, std::size_t c0, std::size_t k0, std::size_t k1,
                      std::int32_t* const* out_row, std::size_t valid) {
  switch (chunks) {
    case 4: tile_pass<Planes, Rows, 4, Signed>(source, a_row, wt_tiles, np, c0, k0, k1, out_row, valid); break;
    case 3: tile_pass<Planes, Rows, 3, Signed>(source, a_row, wt_tiles, np, c0, k0, k1, out_row, valid); break;
    case 2: tile_pass<Planes, Rows, 2, Signed>(source, a_row, wt_tiles, np, c0, k0, k1, out_row, valid); break;
    default: tile_pass<Planes, Rows, 1, Signed>(source, a_row, wt_tiles, np, c0, k0, k1, out_row, valid); break;
  }
}

// A work unit's rows x chunks through tile_pass: two planes 1 row x 4 chunks, one plane 2 rows x 4
// chunks (the masks of a step shared by both rows).
template <bool Signed>
void tile_passes(int planes, const LookupSource& source, const std::int8_t* const* a_row, std::size_t count,
                 const std::uint8_t* wt_tiles, std::size_t np, std::size_t c0, std::size_t chunks, std::size_t k0,
                 std::size_t k1, std::int32_t* const* out_row, std::size_t valid) {
  std::size_t r = 0;
  if (planes == 2) {
    for (; r < count; ++r)
      tile_pass_chunks<2, 1, Signed>(chunks, source, a_row + r, wt_tiles, np, c0, k0, k1, out_row + r, valid);
    return;
  }
  for (; r + 2 <= count; r += 2)
    tile_pass_chunks<1, 2, Signed>(chunks, source, a_row + r, wt_tiles, np, c0, k0, k1, out_row + r, valid);
  if (r < count) tile_pass_chunks<1, 1, Signed>(chunks, source, a_row + r, wt_tiles, np, c0, k0, k1, out_row + r, valid);
}
#endif

// A work unit's rows (a_row[0 .. count)) x `chunks` chunks from c0, steps [k0, k1).
// With tiles (LookupSums::amx_tiles), wt is tile_ordered_weights.
void residual_pass(const RowSplit& split, bool two_planes, bool tiles, const std::int8_t* const* a_row,
                   std::size_t count, const std::uint8_t* wt, const std::uint64_t* masks, std::size_t np,
                   std::size_t c0, std::size_t chunks, std::size_t k0, std::size_t k1, std::int32_t* const* out_row,
                   std::size_t valid) {
#if defined(TESSERA_AMX_TILES)
  if (tiles) {
    const LookupSource source{{split.low.data(), split.high.data()}, nullptr};
    tile_passes<false>(two_planes ? 2 : 1, source, a_row, count, wt, np, c0, chunks, k0, k1, out_row, valid);
    return;
  }
#endif
  if (two_planes) {
    for (std::size_t r = 0; r < count; ++r) {
      switch (chunks) {
        case 4: two_plane_pass<4>(split, a_row[r], wt, masks, np, c0, k0, k1, out_row + r, valid); break;
        case 3: two_plane_pass<3>(split, a_row[r], wt, masks, np, c0, k0, k1, out_row + r, valid); break;
        case 2: two_plane_pass<2>(split, a_row[r], wt, masks, np, c0, k0, k1, out_row + r, valid); break;
        default: two_plane_pass<1>(split, a_row[r], wt, masks, np, c0, k0, k1, out_row + r, valid); break;
      }
    }
    return;
  }
  for (std::size_t c = 0; c < chunks; c += 2) {
    const std::size_t cc = c0 + 64 * c, left = valid - std::min(valid, 64 * c);
    const bool pair = c + 1 < chunks;
    std::size_t r = 0;
    for (; r + 2 <= count; r += 2) {
      if (pair) one_plane_pass<2, 2>(split, a_row + r, wt, np, cc, k0, k1, out_row + r, left);
      else one_plane_pass<2, 1>(split, a_row + r, wt, np, cc, k0, k1, out_row + r, left);
    }
    if (r < count) {
      if (pair) one_plane_pass<1, 2>(split, a_row + r, wt, np, cc, k0, k1, out_row + r, left);
      else one_plane_pass<1, 1>(split, a_row + r, wt, np, cc, k0, k1, out_row + r, left);
    }
  }
}

// The split's exception rows (row_split.h): out[r][c] += 256 * sum high(a[r][k], w[c][k]) over
// the steps where a[r][k] is an exception code. Per row, those steps are listed first (a scan of
// the row's K codes), then each 64-column chunk sums their high bytes as the passes above do.
void exception_pass(const RowSplit& split, const std::int8_t* a, const std::uint8_t* wt, std::size_t np, std::size_t m,
                    std::size_t n, std::size_t k, std::int32_t* out) {
  std::array<bool, 256> is_exception{};
  for (const std::uint8_t code : split.exception_rows) is_exception[code] = true;
  const __m512i zero = _mm512_setzero_si512();
#pragma omp parallel if(worth_parallel(std::uint64_t{m} * n * k))
  {
    std::vector<std::uint32_t> hits;
#pragma omp for schedule(dynamic, 16)
    for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(m); ++r) {
      const std::int8_t* row = a + static_cast<std::size_t>(r) * k;
      hits.clear();
      for (std::size_t kk = 0; kk < k; ++kk) {
        if (is_exception[static_cast<std::uint8_t>(row[kk])]) hits.push_back(static_cast<std::uint32_t>(kk));
      }
      std::int32_t* out_row = out + static_cast<std::size_t>(r) * n;
      for (std::size_t c0 = 0; c0 < n; c0 += 64) {
        for (std::size_t h0 = 0; h0 < hits.size(); h0 += kStepBlock) {
          ColumnSums sums{zero, zero, zero, zero};
          for (std::size_t h = h0; h < std::min(hits.size(), h0 + kStepBlock); ++h) {
            const std::size_t kk = hits[h];
            const __m512i idx = _mm512_loadu_si512(wt + kk * np + c0);
            __m512i t[4];
            load_row(split.high.data(), row[kk], t);
            add_bytes(sums.raw_high, sums.odd_high, lookup64(t, idx, quarter_masks(idx)));
          }
          fold64(sums, out_row + c0, std::min<std::size_t>(64, n - c0));
        }
      }
    }
  }
}

// out[r][c] += sum over j < parts of row_offsets[j * m + r] (partial sums of the row's
// offsets), modulo 2^32.
void add_row_offsets(const std::uint32_t* row_offsets, std::size_t parts, std::size_t m, std::size_t n,
                     std::uint64_t work, std::int32_t* out) {
#pragma omp parallel for schedule(static) if(worth_parallel(work))
  for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(m); ++r) {
    std::uint32_t add = 0;
    for (std::size_t j = 0; j < parts; ++j) add += row_offsets[j * m + static_cast<std::size_t>(r)];
    std::int32_t* dst = out + static_cast<std::size_t>(r) * n;
    for (std::size_t c = 0; c < n; ++c) dst[c] = static_cast<std::int32_t>(static_cast<std::uint32_t>(dst[c]) + add);
  }
}

// Many rows (gather_gemm.h: gather_shares_lookups): the lookups are shared. Per 64-column chunk and
// block of steps, phase 1 looks up the residual row of every code once (4 vpermb per plane, into
// `entries`: [step][code] x planes x 64 bytes), and phase 2 adds, per row and step, the entry of
// that row's code: a load and the accumulation, no lookup and no mask. Phase 1 costs 256 lookups
// per step and chunk whatever the rows, so it pays from ~1000 rows on (one plane, 3136 x 64 x 576:
// 22 -> 30 G MAC/s on one core). The entries hold the chunk's columns in the order c0, c32, c1,
// c33, ... (the codes are permuted before the lookup): the uint16 sums' even bytes are then
// columns 0..31 and the odd ones 32..63, in order, and the fold needs no interleave. Blocks of
// 32 steps (16 for two planes) keep `entries` at 512 KiB, in L2.
constexpr std::size_t kSharedPrefetchRows = 8;

template <int Planes>
constexpr std::size_t shared_block_steps() { return Planes == 2 ? 16 : 32; }

constexpr std::size_t kSharedEntriesBytes = 32 * 256 * 64;

__m512i half_interleave_index() {
  alignas(64) std::uint8_t index[64];
  for (std::size_t p = 0; p < 64; ++p) index[p] = chunk_column(ChunkOrder::halves, p);
  return _mm512_load_si512(index);
}

// out[0 .. valid) += 256 * high + low (or = with add false), the sums' even bytes being columns
// 0..31, odd 32..63.
inline void fold_halves(const ColumnSums& s, std::int32_t* out, std::size_t valid, bool add) {
  const __m512i even_low = _mm512_sub_epi16(s.raw_low, _mm512_slli_epi16(s.odd_low, 8));
  const __m512i even_high = _mm512_sub_epi16(s.raw_high, _mm512_slli_epi16(s.odd_high, 8));
  fold32(even_low, even_high, out, std::min<std::size_t>(32, valid), add);
  if (valid > 32) fold32(s.odd_low, s.odd_high, out + 32, valid - 32, add);
}

// Every row of a (M x k) x the chunk at column c0 (`valid` real columns), steps [k_begin, k_end),
// into out (row stride n): added, or stored by the first block if `store_first`. Row split: wt
// holds the codes (permuted here) and source.planes its 256-entry residual rows; Signed: wt holds
// signed_weights' indices in ChunkOrder::halves and source the signed split's 128-entry rows and
// masks. With RowOffsets (the row split's units of chunk 0): also row_offsets[r] = sum over those
// steps of offset[a[r][k]], modulo 2^32, on the scalar ports while phase 2 keeps the vector ones
// busy.
template <int Planes, bool RowOffsets, bool Signed>
void shared_lookup_unit(const LookupSource& source, const std::int32_t* offset, const std::int8_t* a, std::size_t m,
                        std::size_t k, std::size_t k_begin, std::size_t k_end, const std::uint8_t* wt, std::size_t np,
                        std::size_t c0, std::size_t valid, std::int32_t* out, std::size_t n, bool store_first,
                        std::uint8_t* entries, std::uint32_t* row_offsets) {
  static_assert(!(RowOffsets && Signed));
  constexpr std::size_t block = shared_block_steps<Planes>();
  constexpr std::size_t entry_bytes = Planes * 64;
  const __m512i order = half_interleave_index();
  const __m512i zero = _mm512_setzero_si512();
  for (std::size_t k0 = k_begin; k0 < k_end; k0 += block) {
    const std::size_t steps = std::min(block, k_end - k0);
    const bool first_block = k0 == k_begin;
    const bool add = !(store_first && first_block);
    for (std::size_t s = 0; s < steps; ++s) {
      const std::size_t at = (k0 + s) * np + c0;
      std::uint8_t* step_entries = entries + s * 256 * entry_bytes;
      if constexpr (Signed) {
        const __m512i idx = _mm512_load_si512(wt + at);
        const std::uint64_t* masks = source.masks + 2 * (at / 64);
        const __mmask64 bit6 = _cvtu64_mask64(masks[0]), negative = _cvtu64_mask64(masks[1]);
        for (std::size_t code = 0; code < 256; ++code) {
          for (int p = 0; p < Planes; ++p) {
            const __m512i t[2] = {_mm512_loadu_si512(source.planes[p] + code * 128),
                                  _mm512_loadu_si512(source.planes[p] + code * 128 + 64)};
            _mm512_store_si512(step_entries + code * entry_bytes + 64 * p, signed_lookup64(t, idx, bit6, negative));
          }
        }
      } else {
        const __m512i idx = _mm512_permutexvar_epi8(order, _mm512_loadu_si512(wt + at));
        const QuarterMasks masks = quarter_masks(idx);
        for (std::size_t code = 0; code < 256; ++code) {
          for (int p = 0; p < Planes; ++p) {
            __m512i t[4];
            load_row(source.planes[p], static_cast<std::int8_t>(code), t);
            _mm512_store_si512(step_entries + code * entry_bytes + 64 * p, lookup64(t, idx, masks));
          }
        }
      }
    }
    for (std::size_t r = 0; r < m; ++r) {
      const std::uint8_t* row = reinterpret_cast<const std::uint8_t*>(a + r * k + k0);
      if (r + kSharedPrefetchRows < m) {
        _mm_prefetch(reinterpret_cast<const char*>(row + kSharedPrefetchRows * k), _MM_HINT_T0);
        const char* ahead = reinterpret_cast<const char*>(out + (r + kSharedPrefetchRows) * n + c0);
        for (int line = 0; line < 4; ++line) _mm_prefetch(ahead + 64 * line, _MM_HINT_T0);
      }
      __m512i rl = zero, ol = zero, rh = zero, oh = zero;
      std::uint32_t offsets = 0;
      const std::uint8_t* base = entries;
      for (std::size_t s = 0; s < steps; ++s, base += 256 * entry_bytes) {
        const std::uint8_t* entry = base + std::size_t{row[s]} * entry_bytes;
        add_bytes(rl, ol, _mm512_load_si512(entry));
        if constexpr (Planes == 2) add_bytes(rh, oh, _mm512_load_si512(entry + 64));
        if constexpr (RowOffsets) offsets += static_cast<std::uint32_t>(offset[row[s]]);
      }
      fold_halves(ColumnSums{rl, ol, rh, oh}, out + r * n + c0, valid, add);
      if constexpr (RowOffsets) row_offsets[r] = first_block ? offsets : row_offsets[r] + offsets;
    }
  }
}

// The shared lookups of `planes` byte planes over every row and column, added into out. Row
// split (offset: its per-row offsets, also added): wt the codes; Signed (offset null): wt
// signed_weights' indices in ChunkOrder::halves.
template <bool Signed>
void shared_lookup_gemm(const LookupSource& source, const std::int32_t* offset, int planes, const std::int8_t* a,
                        const std::uint8_t* wt, std::size_t np, std::size_t m, std::size_t n, std::size_t k,
                        std::int32_t* out) {
  const std::uint64_t work = std::uint64_t{m} * n * k;
  const std::size_t chunks = np / 64;
  const std::size_t threads = worth_parallel(work) ? static_cast<std::size_t>(omp_get_max_threads()) : 1;
  // Units: 64-column chunks x step ranges, at least two per thread when the chunks are fewer (a
  // conv layer's 64 channels are one chunk). Splitting the steps, not the rows, keeps phase 1 done
  // once per step; each range past the first sums into its own partial output, added at the end.
  const std::size_t block = shared_block_steps<1>();
  std::size_t ranges = threads == 1 || chunks >= 2 * threads ? 1 : (2 * threads + chunks - 1) / chunks;
  ranges = std::max<std::size_t>(1, std::min(ranges, k / (2 * block)));
  const std::size_t steps_per_range = ((k + ranges - 1) / ranges + block - 1) / block * block;
  ranges = (k + steps_per_range - 1) / steps_per_range;
  std::uint8_t* entries_all = scratch_buffer<std::uint8_t>(ScratchSlot::gather_shared_entries, kSharedEntriesBytes * threads);
  std::uint32_t* row_offsets = scratch_buffer<std::uint32_t>(ScratchSlot::gather_row_offsets, m * ranges);
  std::int32_t* partial = scratch_buffer<std::int32_t>(ScratchSlot::gather_partial_output, m * n * (ranges - 1));
  const bool two_planes = planes == 2;
#pragma omp parallel for collapse(2) schedule(dynamic) num_threads(static_cast<int>(threads))
  for (std::ptrdiff_t c = 0; c < static_cast<std::ptrdiff_t>(chunks); ++c) {
    for (std::ptrdiff_t kr = 0; kr < static_cast<std::ptrdiff_t>(ranges); ++kr) {
      const std::size_t c0 = static_cast<std::size_t>(c) * 64;
      const std::size_t range = static_cast<std::size_t>(kr);
      const std::size_t k_begin = range * steps_per_range, k_end = std::min(k, k_begin + steps_per_range);
      if (c0 >= n) continue;
      std::uint8_t* entries = entries_all + kSharedEntriesBytes * static_cast<std::size_t>(omp_get_thread_num());
      std::int32_t* dst = range == 0 ? out : partial + (range - 1) * m * n;
      std::uint32_t* offsets = row_offsets + range * m;
      const bool store_first = range > 0;  // out already holds the linear part; partials hold garbage
      const std::size_t valid = std::min<std::size_t>(64, n - c0);
      const auto unit = [&](auto planes_constant, auto row_offsets_constant) {
        constexpr int kPlanes = decltype(planes_constant)::value;
        constexpr bool kRowOffsets = decltype(row_offsets_constant)::value && !Signed;
        shared_lookup_unit<kPlanes, kRowOffsets, Signed>(source, offset, a, m, k, k_begin, k_end, wt, np, c0, valid,
                                                          dst, n, store_first, entries, kRowOffsets ? offsets : nullptr);
      };
      using One = std::integral_constant<int, 1>;
      using Two = std::integral_constant<int, 2>;
      if (two_planes && c0 == 0) unit(Two{}, std::true_type{});
      if (two_planes && c0 != 0) unit(Two{}, std::false_type{});
      if (!two_planes && c0 == 0) unit(One{}, std::true_type{});
      if (!two_planes && c0 != 0) unit(One{}, std::false_type{});
    }
  }
  if (!Signed) add_row_offsets(row_offsets, ranges, m, n, work, out);
  // out += the partial outputs, modulo 2^32.
  if (ranges > 1) {
#pragma omp parallel for schedule(static) if(worth_parallel(work))
    for (std::ptrdiff_t rr = 0; rr < static_cast<std::ptrdiff_t>(m); ++rr) {
      const std::size_t r = static_cast<std::size_t>(rr);
      std::uint32_t* dst = reinterpret_cast<std::uint32_t*>(out + r * n);
      for (std::size_t range = 1; range < ranges; ++range) {
        const std::uint32_t* src = reinterpret_cast<const std::uint32_t*>(partial + (range - 1) * m * n + r * n);
        for (std::size_t c = 0; c < n; ++c) dst[c] += src[c];
      }
    }
  }
}

// out = the linear part of a split (linear_part.h), modulo 2^32.
void linear_terms(const LinearPart& linear, const std::int8_t* a, const std::int8_t* w, std::size_t m, std::size_t n,
                  std::size_t k, std::int32_t* out) {
  if (linear.terms == 0) {
    std::fill(out, out + m * n, 0);
    return;
  }
  std::array<std::uint8_t, kMaxLinearTerms> shift;
  shift.fill(128);
  expanded_int8_gemm(
      a, w, m, n, k, static_cast<std::size_t>(linear.terms), shift.data(),
      [&](std::size_t j) {
        const auto& coefficient = linear.coefficient[j];
        return [&coefficient](std::int8_t code) { return int{coefficient[static_cast<std::uint8_t>(code)]}; };
      },
      [&](std::size_t j) {
        const auto& basis = linear.basis[j];
        return [&basis](std::int8_t code) { return int{basis[static_cast<std::uint8_t>(code)]}; };
      },
      out);
  // (basis[0] is b itself: the helper's plane 0.)
}

// row_offsets[r] = sum_k offset(a[r][k]), modulo 2^32.
void sum_row_offsets(const RowSplit& split, const std::int8_t* a, std::size_t m, std::size_t k, std::uint64_t work,
                     std::uint32_t* row_offsets) {
  std::uint32_t offset[256];
  for (std::size_t c = 0; c < 256; ++c) offset[c] = static_cast<std::uint32_t>(split.offset[c]);
#pragma omp parallel for schedule(static) if(worth_parallel(work))
  for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(m); ++r) {
    row_offsets[r] = sum_through_table(offset, a + static_cast<std::size_t>(r) * k, k);
  }
}

// A work unit's activation rows (kRowBlock at most) and their output rows.
struct UnitRows {
  const std::int8_t* a_row[kRowBlock];
  std::int32_t* out_row[kRowBlock];
  std::size_t count;
};

// Runs unit(rows, c0, chunks, valid) over every kRowBlock rows x kGroupColumns columns, in
// parallel; with tiles, each thread has the lookup tiles configured and the selector loaded.
template <class Unit>
void for_each_work_unit(const std::int8_t* a, std::size_t m, std::size_t n, std::size_t k, bool tiles, Unit unit,
                        std::int32_t* out) {
  // From the real columns: a k-major caller's stride may hold whole groups of padding.
  const std::size_t groups = (n + kGroupColumns - 1) / kGroupColumns;
  const std::size_t row_blocks = (m + kRowBlock - 1) / kRowBlock;
#if defined(TESSERA_AMX_TILES)
  const TileConfig config = full_tiles(kLookupTiles);
#else
  (void)tiles;
#endif
#pragma omp parallel if(worth_parallel(std::uint64_t{m} * n * k))
  {
#if defined(TESSERA_AMX_TILES)
  if (tiles) {
    load_tile_config(config);
    _tile_loadd(0, tile_selector(), 64);
  }
#endif
#pragma omp for collapse(2) schedule(dynamic)
  for (std::ptrdiff_t g = 0; g < static_cast<std::ptrdiff_t>(groups); ++g) {
    for (std::ptrdiff_t rb = 0; rb < static_cast<std::ptrdiff_t>(row_blocks); ++rb) {
      const std::size_t c0 = static_cast<std::size_t>(g) * kGroupColumns;
      const std::size_t r0 = static_cast<std::size_t>(rb) * kRowBlock;
      UnitRows rows;
      rows.count = std::min(m, r0 + kRowBlock) - r0;
      for (std::size_t i = 0; i < rows.count; ++i) {
        rows.a_row[i] = a + (r0 + i) * k;
        rows.out_row[i] = out + (r0 + i) * n;
      }
      const std::size_t valid = std::min(kGroupColumns, n - c0);
      unit(rows, c0, (valid + 63) / 64, valid);
    }
  }
#if defined(TESSERA_AMX_TILES)
  if (tiles) _tile_release();
#endif
  }  // omp parallel
}

// wt: the column operand k-major (K x np); w: the same N x K, read only by the linear part.
void gather_gemm_vbmi(const RowSplit& split, const std::int8_t* a, const std::int8_t* w, const std::uint8_t* wt,
                      std::size_t np, std::size_t m, std::size_t n, std::size_t k, std::int32_t* out, LookupSums sums) {
  const std::uint64_t work = std::uint64_t{m} * n * k;
  linear_terms(split.linear, a, w, m, n, k, out);
  const bool two_planes = split.exception_rows.empty() && split.rows_with_planes(2) > 0;
  if (gather_shares_lookups(m, n, sums) && split.rows_with_planes(0) < 256) {
    const LookupSource source{{split.low.data(), split.high.data()}, nullptr};
    shared_lookup_gemm<false>(source, split.offset.data(), two_planes ? 2 : 1, a, wt, np, m, n, k, out);  // adds the row offsets too
    if (!split.exception_rows.empty()) exception_pass(split, a, wt, np, m, n, k, out);
    return;
  }
  std::uint32_t* row_offsets = scratch_buffer<std::uint32_t>(ScratchSlot::gather_row_offsets, m);
  sum_row_offsets(split, a, m, k, work, row_offsets);
  add_row_offsets(row_offsets, 1, m, n, work, out);
  if (split.rows_with_planes(0) == 256) return;
  // Every step runs the table's widest row: sorting a mixed table's steps by plane count cost
  // more than the narrow rows saved (measured). A constant residual is 0 and reads as zeros. With
  // exception rows, every step runs one plane and the exceptions' high bytes come after.
  const bool tiles = sums == LookupSums::amx_tiles;
  const std::uint64_t* masks = two_planes && !tiles ? bit6_masks(wt, k * np, work) : nullptr;
#if defined(TESSERA_AMX_TILES)
  const std::uint8_t* wt_pass = tiles ? tile_ordered_weights(wt, k * np, work) : wt;
#else
  const std::uint8_t* wt_pass = wt;
#endif
  const std::size_t step_block = tiles ? kTileStepBlock : kStepBlock;
  for_each_work_unit(a, m, n, k, tiles, [&](const UnitRows& unit, std::size_t c0, std::size_t chunks, std::size_t valid) {
    for (std::size_t k0 = 0; k0 < k; k0 += step_block) {
      residual_pass(split, two_planes, tiles, unit.a_row, unit.count, wt_pass, masks, np, c0, chunks, k0,
                    std::min(k, k0 + step_block), unit.out_row, valid);
    }
  }, out);
  if (!split.exception_rows.empty()) exception_pass(split, a, wt, np, m, n, k, out);
}

// Above this fraction of -128 codes in the column operand the row split runs instead: each one
// costs every row a scalar update (uniform codes hold 1 in 256).
constexpr std::size_t kMaxMinus128Share = 32;  // 1 in 32

// The signed split: a: M x K, w: N x K, wt: the same K x np; the lookups summed by `sums`. Returns
// false, having written nothing, where the column operand holds too many -128 codes.
bool signed_gather_gemm(const SignedSplit& split, const std::int8_t* a, const std::int8_t* w, const std::uint8_t* wt,
                        std::size_t np, std::size_t m, std::size_t n, std::size_t k, std::int32_t* out, LookupSums sums) {
  const MinusOneTwentyEight minus_128 = list_minus_128(wt, np, n, k);
  if (minus_128.columns.size() * kMaxMinus128Share > n * k) return false;
  linear_terms(split.linear, a, w, m, n, k, out);
  add_signed_corrections(split, a, w, m, n, k, out);
  const std::uint64_t work = std::uint64_t{m} * n * k;
  if (gather_shares_lookups(m, n, sums)) {
    const SignedWeights weights = signed_weights(wt, k * np, ChunkOrder::halves, work);
    const LookupSource source{{split.low.data(), split.high.data()}, weights.masks};
    shared_lookup_gemm<true>(source, nullptr, split.planes, a, weights.indices, np, m, n, k, out);
    signed_minus_128(split, a, minus_128, m, n, k, out);
    return true;
  }
  const bool tiles = sums == LookupSums::amx_tiles;
  const SignedWeights weights = signed_weights(wt, k * np, tiles ? ChunkOrder::tiles : ChunkOrder::columns, work);
  const LookupSource source{{split.low.data(), split.high.data()}, weights.masks};
  const std::size_t step_block = tiles ? kTileStepBlock : kStepBlock;
  for_each_work_unit(a, m, n, k, tiles, [&](const UnitRows& unit, std::size_t c0, std::size_t chunks, std::size_t valid) {
    for (std::size_t k0 = 0; k0 < k; k0 += step_block) {
      const std::size_t k1 = std::min(k, k0 + step_block);
#if defined(TESSERA_AMX_TILES)
      if (tiles) {
        tile_passes<true>(split.planes, source, unit.a_row, unit.count, weights.indices, np, c0, chunks, k0, k1,
                          unit.out_row, valid);
        continue;
      }
#endif
      if (split.planes == 2) signed_vector_passes<2>(source, unit.a_row, unit.count, weights.indices, np, c0, chunks, k0, k1, unit.out_row, valid);
      else signed_vector_passes<1>(source, unit.a_row, unit.count, weights.indices, np, c0, chunks, k0, k1, unit.out_row, valid);
    }
  }, out);
  signed_minus_128(split, a, minus_128, m, n, k, out);
  return true;
}
#endif

// Portable: int32 table entries (32-bit gathers where the compiler vectorises), the table row of
// one activation in L1 while kPortableColumns weights index it.
constexpr std::size_t kPortableRows = 4;
constexpr std::size_t kPortableColumns = 512;

[[maybe_unused]] void gather_gemm_portable(const std::vector<std::int16_t>& lut, const std::int8_t* a, const std::uint8_t* wt,
                                           std::size_t np, std::size_t m, std::size_t n, std::size_t k, std::int32_t* out) {
  const std::uint64_t work = std::uint64_t{m} * n * k;
  const std::vector<std::int32_t> wide(lut.begin(), lut.end());
  const std::size_t row_blocks = (m + kPortableRows - 1) / kPortableRows;
  const std::size_t col_tiles = (np + kPortableColumns - 1) / kPortableColumns;
#pragma omp parallel for collapse(2) schedule(dynamic) if(worth_parallel(work))
  for (std::ptrdiff_t rb = 0; rb < static_cast<std::ptrdiff_t>(row_blocks); ++rb) {
    for (std::ptrdiff_t ct = 0; ct < static_cast<std::ptrdiff_t>(col_tiles); ++ct) {
      const std::size_t r0 = static_cast<std::size_t>(rb) * kPortableRows;
      const std::size_t rows = std::min(kPortableRows, m - r0);
      const std::size_t c0 = static_cast<std::size_t>(ct) * kPortableColumns;
      const std::size_t cols = std::min(kPortableColumns, np - c0);
      std::int32_t acc[kPortableRows][kPortableColumns] = {};
      for (std::size_t kk = 0; kk < k; ++kk) {
        const std::uint8_t* wk = wt + kk * np + c0;
        for (std::size_t r = 0; r < rows; ++r) {
          const std::int32_t* t =
              wide.data() + (static_cast<std::size_t>(static_cast<std::uint8_t>(a[(r0 + r) * k + kk])) << 8);
#pragma omp simd
          for (std::size_t c = 0; c < cols; ++c) acc[r][c] += t[wk[c]];
        }
      }
      const std::size_t valid = c0 >= n ? 0 : std::min(cols, n - c0);
      for (std::size_t r = 0; r < rows; ++r) std::copy(acc[r], acc[r] + valid, out + (r0 + r) * n + c0);
    }
  }
}

}  // namespace

GatherTable::GatherTable(const std::int16_t* entries) : GatherTable(entries, table_splits(entries)) {}

GatherTable::GatherTable(const std::int16_t* entries, TableSplits splits)
    : lut(entries, entries + approx::kTableEntries),
      split(std::move(splits.usual)),
      sparse_split(std::move(splits.sparse)),
      signed_split(split_signed(entries)) {}

namespace {

// The row split a call runs and its estimated cost (split_cost.h).
struct RowSplitChoice {
  const RowSplit* split;
  double cost;
};

RowSplitChoice choose_row_split(const GatherTable& table, const std::int8_t* a, std::size_t m, std::size_t k) {
  const RowSplitChoice usual{&table.split, estimated_cost(table.split, 0.0)};
  if (!table.sparse_split || m * k == 0) return usual;
  std::uint32_t is_exception[256] = {};
  for (const std::uint8_t code : table.sparse_split->exception_rows) is_exception[code] = 1;
  std::uint64_t hits = 0;
  constexpr std::size_t kPiece = std::size_t{1} << 31;  // the counts stay below 2^32
  for (std::size_t i = 0; i < m * k; i += kPiece) hits += sum_through_table(is_exception, a + i, std::min(kPiece, m * k - i));
  const double sparse_cost = estimated_cost(*table.sparse_split, static_cast<double>(hits) / static_cast<double>(m * k));
  return sparse_cost < usual.cost ? RowSplitChoice{&*table.sparse_split, sparse_cost} : usual;
}

}  // namespace

const RowSplit& split_for(const GatherTable& table, const std::int8_t* a, std::size_t m, std::size_t k) {
  return *choose_row_split(table, a, m, k).split;
}

std::shared_ptr<const GatherTable> shared_gather_table(const std::int16_t* lut) {
  static std::mutex mutex;
  static std::map<std::uint64_t, std::vector<std::weak_ptr<const GatherTable>>> cache;
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a over the entries
  for (std::size_t i = 0; i < approx::kTableEntries; ++i) {
    hash = (hash ^ static_cast<std::uint16_t>(lut[i])) * 1099511628211ull;
  }
  const std::lock_guard<std::mutex> lock(mutex);
  std::vector<std::weak_ptr<const GatherTable>>& bucket = cache[hash];
  bucket.erase(std::remove_if(bucket.begin(), bucket.end(), [](const auto& entry) { return entry.expired(); }),
               bucket.end());
  for (const auto& entry : bucket) {
    std::shared_ptr<const GatherTable> table = entry.lock();
    if (table && std::equal(table->lut.begin(), table->lut.end(), lut)) return table;
  }
  auto table = std::make_shared<const GatherTable>(lut);
  bucket.push_back(table);
  return table;
}

bool lookup_sums_available(LookupSums sums) {
  if (sums == LookupSums::vector) return true;
#if defined(__AVX512VBMI__) && defined(TESSERA_AMX_TILES)
  return amx_granted();
#else
  return false;
#endif
}

LookupSums lookup_sums() {
  return lookup_sums_available(LookupSums::amx_tiles) ? LookupSums::amx_tiles : LookupSums::vector;
}

bool gather_shares_lookups(std::size_t rows, std::size_t columns, LookupSums sums) {
  if (rows < kSharedLookupRows) return false;
  return sums == LookupSums::vector || columns < kGroupColumns;
}

namespace {
// Whether a call runs the table's signed split rather than the row split `choice`.
bool runs_signed(const GatherTable& table, const RowSplitChoice& choice) {
#if defined(__AVX512VBMI__)
  return table.signed_split && estimated_cost(*table.signed_split) < choice.cost;
#else
  (void)table, (void)choice;
  return false;
#endif
}
}  // namespace

bool signed_lookups_built() {
#if defined(__AVX512VBMI__)
  return true;
#else
  return false;
#endif
}

bool gather_uses_signed_split(const GatherTable& table, const std::int8_t* a, std::size_t m, std::size_t k) {
  return runs_signed(table, choose_row_split(table, a, m, k));
}

namespace {

void require_available(LookupSums sums) {
  if (!lookup_sums_available(sums)) {
    throw ConfigError("gather_gemm: lookup sums on AMX tiles are not available (the build needs AVX-512 VBMI "
                      "and AMX, and the kernel must grant the tile state)");
  }
}
}  // namespace

void gather_gemm(const GatherTable& table, const std::int8_t* a, const std::int8_t* w, std::size_t m, std::size_t n,
                 std::size_t k, std::int32_t* out, LookupSums sums) {
  require_available(sums);
  if (m == 0 || n == 0) return;
  if (k == 0) {
    std::fill(out, out + m * n, 0);
    return;
  }
  const std::size_t np = (n + 63) / 64 * 64;
  const std::uint8_t* wt = transpose_weights(w, n, k, np, std::uint64_t{m} * n * k);
#if defined(__AVX512VBMI__)
  const RowSplitChoice choice = choose_row_split(table, a, m, k);
  const RowSplit& split = *choice.split;
  if (runs_signed(table, choice) && signed_gather_gemm(*table.signed_split, a, w, wt, np, m, n, k, out, sums)) {
    return;
  }
  gather_gemm_vbmi(split, a, w, wt, np, m, n, k, out, sums);
#else
  gather_gemm_portable(table.lut, a, wt, np, m, n, k, out);
#endif
}

void gather_gemm_k_major(const GatherTable& table, const std::int8_t* a, const std::uint8_t* w_t,
                         std::size_t column_stride, std::size_t m, std::size_t n, std::size_t k, std::int32_t* out,
                         LookupSums sums) {
  require_available(sums);
  if (column_stride % 64 != 0 || column_stride < n) {
    throw ConfigError("gather_gemm_k_major: column_stride " + std::to_string(column_stride) +
                      " must be a multiple of 64 and at least N = " + std::to_string(n));
  }
  if (m == 0 || n == 0) return;
  if (k == 0) {
    std::fill(out, out + m * n, 0);
    return;
  }
#if defined(__AVX512VBMI__)
  // Only the linear part (if it has terms) and the signed split's correction read the columns row
  // by row (one integer GEMM each).
  const RowSplitChoice choice = choose_row_split(table, a, m, k);
  const RowSplit& split = *choice.split;
  const bool signed_lookups = runs_signed(table, choice);
  std::int8_t* w = nullptr;
  if (split.linear.terms > 0 || signed_lookups) {
    w = scratch_buffer<std::int8_t>(ScratchSlot::gather_rows, n * k);
    transpose_bytes(w_t, column_stride, k, n, reinterpret_cast<std::uint8_t*>(w), k, std::uint64_t{m} * n * k);
  }
  if (signed_lookups && signed_gather_gemm(*table.signed_split, a, w, w_t, column_stride, m, n, k, out, sums)) return;
  gather_gemm_vbmi(split, a, w, w_t, column_stride, m, n, k, out, sums);
#else
  gather_gemm_portable(table.lut, a, w_t, column_stride, m, n, k, out);
#endif
}

}  // namespace tessera::kernels
