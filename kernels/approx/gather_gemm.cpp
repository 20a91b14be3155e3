// The gather path of the approximate GEMM (gather_gemm.h).
//
// Weights are transposed to K x Np bytes (Np = N rounded up to 64; padding columns read code 0
// and are never written out), so that for a fixed k the weights of 64 columns are one register.
// Work unit: kRowBlock activation rows x one column group, the whole K in blocks of kStepBlock.
#include "kernels/approx/gather_gemm.h"

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <vector>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "golden/approx/table.h"
#include "kernels/approx/expanded_gemm.h"
#include "kernels/common/parallel.h"
#include "kernels/common/scratch.h"

namespace tessera::kernels {
namespace {

constexpr std::size_t kRowBlock = 32;

#if defined(__SSE2__)
// dst[j][i] = src[i][j] for a 16 x 16 byte tile: four rounds of unpacks, each interleaving pairs of
// rows at twice the previous width (bytes, words, dwords, qwords).
void transpose16x16(const std::int8_t* src, std::size_t src_stride, std::uint8_t* dst, std::size_t dst_stride) {
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

// In square tiles, so that both the strided reads and the writes stay in a few cache lines.
// Into reused scratch: padding columns are written as code 0.
const std::uint8_t* transpose_weights(const std::int8_t* w, std::size_t n, std::size_t k, std::size_t np,
                                      std::uint64_t work) {
  constexpr std::size_t kTile = 16;
  std::uint8_t* wt = scratch_buffer<std::uint8_t>(ScratchSlot::gather_columns, k * np);
  const std::size_t k_tiles = (k + kTile - 1) / kTile;
#pragma omp parallel for schedule(static) if(worth_parallel(work))
  for (std::ptrdiff_t kt = 0; kt < static_cast<std::ptrdiff_t>(k_tiles); ++kt) {
    const std::size_t k0 = static_cast<std::size_t>(kt) * kTile, k1 = std::min(k, k0 + kTile);
    for (std::size_t kk = k0; kk < k1; ++kk) std::fill(wt + kk * np + n, wt + (kk + 1) * np, std::uint8_t{0});
    for (std::size_t c0 = 0; c0 < n; c0 += kTile) {
      const std::size_t c1 = std::min(n, c0 + kTile);
#if defined(__SSE2__)
      if (k1 - k0 == kTile && c1 - c0 == kTile) {
        transpose16x16(w + c0 * k + k0, k, wt + k0 * np + c0, np);
        continue;
      }
#endif
      for (std::size_t kk = k0; kk < k1; ++kk) {
        std::uint8_t* dst = wt + kk * np;
        for (std::size_t col = c0; col < c1; ++col) dst[col] = static_cast<std::uint8_t>(w[col * k + kk]);
      }
    }
  }
  return wt;
}

#if defined(__AVX512VBMI__)
// AVX-512 VBMI, on the residual of the row split (row_split.h): a row's 256 residual bytes per
// plane are 4 registers of 64 entries. vpermb (one uop on Intel cores; vpermt2b is three)
// looks up 64 entries among 64 by the index's low 6 bits; the index's bits 7:6 pick the register,
// by merge-masked vpermb with masks shared by both planes (QuarterMasks), so a plane costs 4 uops
// and no blend. (vpermt2b covers 128 entries but measures as 2 port-5 cycles here: 2 of them + a
// blend cost more than 4 vpermb.) Per activation row and block of kStepBlock steps, the steps are
// sorted by how many planes their row's residual needs: none (skipped), the low byte only, or
// both. The accumulators stay in registers for the block and kChunks x 64 columns:
//   raw[c] += v            (uint16 lanes, wrapping: lane = even byte + 256 * odd byte, mod 2^16)
//   odd[c] += v >> 8       (the odd columns' bytes, <= 255 * kStepBlock < 2^16: exact)
// and afterwards even = raw - 256 * odd (mod 2^16; the true even sum is < 2^16, so exact).
// Per 64 products and plane: 4 vpermb on port 5; per 64 products: 1 kmovq (port 5), vpmovb2m,
// kor, kand and 3 adds/shifts per plane on port 0 or 5; no stores. Then, per column, in int32
// (modulo 2^32, as the linear part): sum residual = 256 * sum(high) + sum(low).
constexpr std::size_t kChunks = 4;          // 16 accumulators + 8 table registers + temporaries <= 32
constexpr std::size_t kGroupColumns = 64 * kChunks;
constexpr std::size_t kStepBlock = 128;     // <= 257 (uint16 bound); 128 x 256 weight bytes = 32 KiB of L1

// Per 64 weight codes: bit 6 of each code, as a mask. With bit 7 (vpmovb2m of the codes, port 0)
// it gives the lanes that read table register 1 or above, 2 or above (bit 7), 3 (kor/kand, port 0).
// Loading a mask with kmovq costs a port-5 uop, as much as a vpermb: one such load per 64 codes
// instead of three.
const std::uint64_t* bit6_masks(const std::uint8_t* wt, std::size_t bytes, std::uint64_t work) {
  const std::size_t count = bytes / 64;
  std::uint64_t* masks = scratch_buffer<std::uint64_t>(ScratchSlot::gather_masks, count);
#pragma omp parallel for schedule(static) if(worth_parallel(work))
  for (std::ptrdiff_t v = 0; v < static_cast<std::ptrdiff_t>(count); ++v) {
    const __m512i codes = _mm512_loadu_si512(wt + 64 * static_cast<std::size_t>(v));
    // A 16-bit shift by one moves every byte's bit 6 to its bit 7.
    masks[static_cast<std::size_t>(v)] = _cvtmask64_u64(_mm512_movepi8_mask(_mm512_slli_epi16(codes, 1)));
  }
  return masks;
}

struct QuarterMasks {
  __mmask64 from1, from2, from3;  // lanes whose code (unsigned) is >= 64, >= 128, >= 192
};

[[gnu::always_inline]] inline QuarterMasks quarter_masks(__m512i codes, std::uint64_t bit6) {
  const __mmask64 bit7 = _mm512_movepi8_mask(codes);
  const __mmask64 b6 = _cvtu64_mask64(bit6);
  return {_kor_mask64(bit7, b6), bit7, _kand_mask64(bit7, b6)};
}

// Later registers overwrite earlier ones in the lanes that reach them.
[[gnu::always_inline]] inline __m512i lookup64(const __m512i t[4], __m512i idx, const QuarterMasks& m) {
  __m512i v = _mm512_permutexvar_epi8(idx, t[0]);
  v = _mm512_mask_permutexvar_epi8(v, m.from1, idx, t[1]);
  v = _mm512_mask_permutexvar_epi8(v, m.from2, idx, t[2]);
  return _mm512_mask_permutexvar_epi8(v, m.from3, idx, t[3]);
}

// uint16 lanes of (even, odd) column sums -> 32 columns in order, starting at column 32 * half.
inline __m512i interleave_columns(__m512i even, __m512i odd, int half) {
  alignas(64) std::uint16_t index[32];
  for (int j = 0; j < 32; ++j) index[j] = static_cast<std::uint16_t>((j % 2) * 32 + 16 * half + j / 2);
  return _mm512_permutex2var_epi16(even, _mm512_load_si512(index), odd);
}

// Adds 256 * high + low of 32 columns (uint16 sums, in column order) into out[0..valid) (int32).
inline void fold32(__m512i low_sums, __m512i high_sums, std::int32_t* out, std::size_t valid) {
  for (int q = 0; q < 2; ++q) {
    if (valid <= static_cast<std::size_t>(16 * q)) return;
    const std::size_t left = valid - static_cast<std::size_t>(16 * q);
    const __mmask16 mask = left >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
    const __m512i lo = _mm512_cvtepu16_epi32(q == 0 ? _mm512_castsi512_si256(low_sums) : _mm512_extracti64x4_epi64(low_sums, 1));
    const __m512i hi = _mm512_cvtepu16_epi32(q == 0 ? _mm512_castsi512_si256(high_sums) : _mm512_extracti64x4_epi64(high_sums, 1));
    std::int32_t* dst = out + 16 * q;
    const __m512i v = _mm512_add_epi32(_mm512_add_epi32(_mm512_slli_epi32(hi, 8), lo), _mm512_maskz_loadu_epi32(mask, dst));
    _mm512_mask_storeu_epi32(dst, mask, v);
  }
}

// The four uint16 sums of 64 columns (see above).
struct ColumnSums {
  __m512i raw_low, odd_low, raw_high, odd_high;
};

// One plane alone: two 128-entry lookups (vpermt2b reads the index's bits 6:0) and a blend on
// bit 7 need no bit-6 mask (no kmovq, kor, kand); measured as fast as 4 masked vpermb.
[[gnu::always_inline]] inline void accumulate_low64(ColumnSums& s, const __m512i tl[4], const std::uint8_t* wk) {
  const __m512i idx = _mm512_loadu_si512(wk);
  const __m512i lower = _mm512_permutex2var_epi8(tl[0], idx, tl[1]);
  const __m512i upper = _mm512_permutex2var_epi8(tl[2], idx, tl[3]);
  const __m512i lo = _mm512_mask_blend_epi8(_mm512_movepi8_mask(idx), lower, upper);
  s.raw_low = _mm512_add_epi16(s.raw_low, lo);
  s.odd_low = _mm512_add_epi16(s.odd_low, _mm512_srli_epi16(lo, 8));
}

[[gnu::always_inline]] inline void accumulate64(ColumnSums& s, const __m512i tl[4], const __m512i th[4], const std::uint8_t* wk,
                                   std::uint64_t bit6) {
  const __m512i idx = _mm512_loadu_si512(wk);
  const QuarterMasks m = quarter_masks(idx, bit6);
  const __m512i lo = lookup64(tl, idx, m);
  const __m512i hi = lookup64(th, idx, m);
  s.raw_low = _mm512_add_epi16(s.raw_low, lo);
  s.odd_low = _mm512_add_epi16(s.odd_low, _mm512_srli_epi16(lo, 8));
  s.raw_high = _mm512_add_epi16(s.raw_high, hi);
  s.odd_high = _mm512_add_epi16(s.odd_high, _mm512_srli_epi16(hi, 8));
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

// One activation row, steps [k0, k1), Chunks x 64 columns of wt from column c0; adds into
// out_row[0 .. valid). Four named column groups (fold64 takes them by value): as an array, or
// behind pointers, GCC stored them to the stack every step.
template <std::size_t Chunks, bool TwoPlanes>
void row_block_pass(const RowSplit& split, const std::int8_t* a_row, const std::uint8_t* wt, const std::uint64_t* masks,
                    std::size_t np, std::size_t c0, std::size_t k0, std::size_t k1, std::int32_t* out_row,
                    std::size_t valid) {
  const __m512i zero = _mm512_setzero_si512();
  ColumnSums s0{zero, zero, zero, zero}, s1 = s0, s2 = s0, s3 = s0;
  for (std::size_t kk = k0; kk < k1; ++kk) {
    const std::size_t row = static_cast<std::size_t>(static_cast<std::uint8_t>(a_row[kk])) << 8;
    const std::uint8_t* wk = wt + kk * np + c0;
    __m512i tl[4];
    for (int q = 0; q < 4; ++q) tl[q] = _mm512_loadu_si512(split.low.data() + row + 64 * q);
    if constexpr (TwoPlanes) {
      const std::uint64_t* mk = masks + (kk * np + c0) / 64;  // built for two-plane tables only
      __m512i th[4];
      for (int q = 0; q < 4; ++q) th[q] = _mm512_loadu_si512(split.high.data() + row + 64 * q);
      accumulate64(s0, tl, th, wk, mk[0]);
      if constexpr (Chunks > 1) accumulate64(s1, tl, th, wk + 64, mk[1]);
      if constexpr (Chunks > 2) accumulate64(s2, tl, th, wk + 128, mk[2]);
      if constexpr (Chunks > 3) accumulate64(s3, tl, th, wk + 192, mk[3]);
    } else {
      accumulate_low64(s0, tl, wk);
      if constexpr (Chunks > 1) accumulate_low64(s1, tl, wk + 64);
      if constexpr (Chunks > 2) accumulate_low64(s2, tl, wk + 128);
      if constexpr (Chunks > 3) accumulate_low64(s3, tl, wk + 192);
    }
  }
  fold64(s0, out_row, valid);
  if (Chunks > 1 && valid > 64) fold64(s1, out_row + 64, valid - 64);
  if (Chunks > 2 && valid > 128) fold64(s2, out_row + 128, valid - 128);
  if (Chunks > 3 && valid > 192) fold64(s3, out_row + 192, valid - 192);
}

template <bool TwoPlanes>
void row_block_pass(std::size_t chunks, const RowSplit& split, const std::int8_t* a_row, const std::uint8_t* wt,
                    const std::uint64_t* masks, std::size_t np, std::size_t c0, std::size_t k0, std::size_t k1,
                    std::int32_t* out_row, std::size_t valid) {
  switch (chunks) {
    case 4: row_block_pass<4, TwoPlanes>(split, a_row, wt, masks, np, c0, k0, k1, out_row, valid); break;
    case 3: row_block_pass<3, TwoPlanes>(split, a_row, wt, masks, np, c0, k0, k1, out_row, valid); break;
    case 2: row_block_pass<2, TwoPlanes>(split, a_row, wt, masks, np, c0, k0, k1, out_row, valid); break;
    default: row_block_pass<1, TwoPlanes>(split, a_row, wt, masks, np, c0, k0, k1, out_row, valid); break;
  }
}

// out = the split's linear part + sum_k offset(a[r][k]), modulo 2^32.
void linear_part(const RowSplit& split, const std::int8_t* a, const std::int8_t* w, std::size_t m, std::size_t n,
                 std::size_t k, std::int32_t* out) {
  if (split.terms == 0) {
    std::fill(out, out + m * n, 0);
  } else {
    std::array<std::uint8_t, kMaxSplitTerms> shift;
    shift.fill(128);
    expanded_int8_gemm(
        a, w, m, n, k, static_cast<std::size_t>(split.terms), shift.data(),
        [&](std::size_t j) {
          const auto& coefficient = split.coefficient[j];
          return [&coefficient](std::int8_t code) { return int{coefficient[static_cast<std::uint8_t>(code)]}; };
        },
        [&](std::size_t j) {
          const auto& basis = split.basis[j];
          return [&basis](std::int8_t code) { return int{basis[static_cast<std::uint8_t>(code)]}; };
        },
        out);
    // (basis[0] is b itself: the helper's plane 0.)
  }
#pragma omp parallel for schedule(static) if(worth_parallel(std::uint64_t{m} * n * k))
  for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(m); ++r) {
    const std::int8_t* row = a + static_cast<std::size_t>(r) * k;
    std::uint32_t offsets = 0;
    for (std::size_t i = 0; i < k; ++i) offsets += static_cast<std::uint32_t>(split.offset[static_cast<std::uint8_t>(row[i])]);
    std::int32_t* dst = out + static_cast<std::size_t>(r) * n;
    for (std::size_t c = 0; c < n; ++c) dst[c] = static_cast<std::int32_t>(static_cast<std::uint32_t>(dst[c]) + offsets);
  }
}

void gather_gemm_vbmi(const RowSplit& split, const std::int8_t* a, const std::int8_t* w, std::size_t m,
                      std::size_t n, std::size_t k, std::int32_t* out) {
  linear_part(split, a, w, m, n, k, out);
  if (split.rows_with_planes(0) == 256) return;
  // Every step runs the table's widest row: sorting a mixed table's steps by plane count cost
  // more than the narrow rows saved (measured). A constant residual is 0 and reads as zeros.
  const bool two_planes = split.rows_with_planes(2) > 0;
  const std::uint64_t work = std::uint64_t{m} * n * k;
  const std::size_t np = (n + 63) / 64 * 64;
  const std::uint8_t* wt = transpose_weights(w, n, k, np, work);
  const std::uint64_t* masks = two_planes ? bit6_masks(wt, k * np, work) : nullptr;
  const std::size_t groups = (np + kGroupColumns - 1) / kGroupColumns;
  const std::size_t row_blocks = (m + kRowBlock - 1) / kRowBlock;
#pragma omp parallel for collapse(2) schedule(dynamic) if(worth_parallel(work))
  for (std::ptrdiff_t g = 0; g < static_cast<std::ptrdiff_t>(groups); ++g) {
    for (std::ptrdiff_t rb = 0; rb < static_cast<std::ptrdiff_t>(row_blocks); ++rb) {
      const std::size_t c0 = static_cast<std::size_t>(g) * kGroupColumns;
      const std::size_t chunks = std::min(kGroupColumns, np - c0) / 64;
      const std::size_t valid = std::min(kGroupColumns, n - c0);
      const std::size_t r0 = static_cast<std::size_t>(rb) * kRowBlock, r1 = std::min(m, r0 + kRowBlock);
      for (std::size_t k0 = 0; k0 < k; k0 += kStepBlock) {
        const std::size_t k1 = std::min(k, k0 + kStepBlock);
        for (std::size_t r = r0; r < r1; ++r) {
          const std::int8_t* a_row = a + r * k;
          std::int32_t* out_row = out + r * n + c0;
          if (two_planes) {
            row_block_pass<true>(chunks, split, a_row, wt, masks, np, c0, k0, k1, out_row, valid);
          } else {
            row_block_pass<false>(chunks, split, a_row, wt, masks, np, c0, k0, k1, out_row, valid);
          }
        }
      }
    }
  }
}
#endif

// Portable: int32 table entries (32-bit gathers where the compiler vectorises), the table row of
// one activation in L1 while kPortableColumns weights index it.
constexpr std::size_t kPortableRows = 4;
constexpr std::size_t kPortableColumns = 512;

[[maybe_unused]] void gather_gemm_portable(const std::vector<std::int16_t>& lut, const std::int8_t* a, const std::int8_t* w,
                                           std::size_t m, std::size_t n, std::size_t k, std::int32_t* out) {
  const std::uint64_t work = std::uint64_t{m} * n * k;
  const std::size_t np = (n + 63) / 64 * 64;
  const std::uint8_t* wt = transpose_weights(w, n, k, np, work);
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

GatherTable::GatherTable(const std::int16_t* entries)
    : lut(entries, entries + approx::kTableEntries), split(split_table_rows(entries)) {}

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

void gather_gemm(const GatherTable& table, const std::int8_t* a, const std::int8_t* w, std::size_t m, std::size_t n,
                 std::size_t k, std::int32_t* out) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    std::fill(out, out + m * n, 0);
    return;
  }
#if defined(__AVX512VBMI__)
  gather_gemm_vbmi(table.split, a, w, m, n, k, out);
#else
  gather_gemm_portable(table.lut, a, w, m, n, k, out);
#endif
}

}  // namespace tessera::kernels
