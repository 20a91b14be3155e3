// The gather path of the approximate GEMM (gather_gemm.h).
//
// Weights are transposed to K x Np bytes (Np = N rounded up to 64; padding columns read code 0
// and are never written out), so that for a fixed k the weights of 64 columns are one register.
// Work unit: kRowBlock activation rows x one column group, the whole K in blocks of kStepBlock.
#include "kernels/approx/gather_gemm.h"

#include <algorithm>
#include <vector>

#if defined(__AVX512VBMI__)
#include <immintrin.h>
#endif

#include "golden/approx/table.h"
#include "kernels/common/parallel.h"

namespace tessera::kernels {
namespace {

constexpr std::size_t kRowBlock = 32;

std::vector<std::uint8_t> transpose_weights(const std::int8_t* w, std::size_t n, std::size_t k, std::size_t np,
                                            std::uint64_t work) {
  std::vector<std::uint8_t> wt(k * np, 0);
#pragma omp parallel for schedule(static) if(worth_parallel(work))
  for (std::ptrdiff_t kk = 0; kk < static_cast<std::ptrdiff_t>(k); ++kk) {
    std::uint8_t* dst = wt.data() + static_cast<std::size_t>(kk) * np;
    for (std::size_t col = 0; col < n; ++col) dst[col] = static_cast<std::uint8_t>(w[col * k + static_cast<std::size_t>(kk)]);
  }
  return wt;
}

#if defined(__AVX512VBMI__)
// AVX-512 VBMI. A table row (the 256 entries of one activation code) is split into two byte
// planes, low bytes and high bytes + 128 (both unsigned), 4 registers of 64 entries each.
// vpermb (one uop on Intel cores; vpermt2b is three) looks up 64 entries among 64 by the index's low 6 bits;
// the index's bits 7:6 pick the register, by merge-masked vpermb with masks shared by both
// planes (QuarterMasks), so a plane costs 4 uops and no blend. (vpermt2b covers 128 entries but
// measures as 2 port-5 cycles here: 2 of them + a blend cost more than 4 vpermb.) The
// accumulators stay in registers for kStepBlock steps of one activation row and kChunks x 64 columns:
//   raw[c] += v            (uint16 lanes, wrapping: lane = even byte + 256 * odd byte, mod 2^16)
//   odd[c] += v >> 8       (the odd columns' bytes, <= 255 * kStepBlock < 2^16: exact)
// and afterwards even = raw - 256 * odd (mod 2^16; the true even sum is < 2^16, so exact).
// Per 64 products: 8 vpermb + 1 kmovq on port 5; 6 adds/shifts, vpmovb2m, kor, kand on port 0
// or 5; no stores. Then, per column, in int32:
//   sum table = 256 * sum(high + 128) + sum(low) - 32768 * steps.
constexpr std::size_t kChunks = 4;          // 16 accumulators + 8 table registers + temporaries <= 32
constexpr std::size_t kGroupColumns = 64 * kChunks;
constexpr std::size_t kStepBlock = 128;     // <= 257 (uint16 bound); 128 x 256 weight bytes = 32 KiB of L1

struct BytePlanes {
  std::vector<std::uint8_t> low, high;  // high byte + 128
  explicit BytePlanes(const std::int16_t* lut) : low(approx::kTableEntries), high(approx::kTableEntries) {
    for (std::size_t i = 0; i < approx::kTableEntries; ++i) {
      const auto u = static_cast<std::uint16_t>(lut[i]);
      low[i] = static_cast<std::uint8_t>(u & 0xFF);
      high[i] = static_cast<std::uint8_t>(static_cast<std::int8_t>(u >> 8) + 128);
    }
  }
};

// Per 64 weight codes: bit 6 of each code, as a mask. With bit 7 (vpmovb2m of the codes, port 0)
// it gives the lanes that read table register 1 or above, 2 or above (bit 7), 3 (kor/kand, port 0).
// Loading a mask with kmovq costs a port-5 uop, as much as a vpermb: one such load per 64 codes
// instead of three.
std::vector<std::uint64_t> bit6_masks(const std::vector<std::uint8_t>& wt, std::uint64_t work) {
  std::vector<std::uint64_t> masks(wt.size() / 64);
#pragma omp parallel for schedule(static) if(worth_parallel(work))
  for (std::ptrdiff_t v = 0; v < static_cast<std::ptrdiff_t>(masks.size()); ++v) {
    const __m512i codes = _mm512_loadu_si512(wt.data() + 64 * static_cast<std::size_t>(v));
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

// Adds the 32 columns' sums (uint16 low-plane and high-plane sums, in column order) into
// out[0..valid) (int32), or stores them when `first`.
inline void fold32(__m512i low_sums, __m512i high_sums, __m512i bias, std::int32_t* out, std::size_t valid, bool first) {
  for (int q = 0; q < 2; ++q) {
    if (valid <= static_cast<std::size_t>(16 * q)) return;
    const std::size_t left = valid - static_cast<std::size_t>(16 * q);
    const __mmask16 mask = left >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
    const __m512i lo = _mm512_cvtepu16_epi32(q == 0 ? _mm512_castsi512_si256(low_sums) : _mm512_extracti64x4_epi64(low_sums, 1));
    const __m512i hi = _mm512_cvtepu16_epi32(q == 0 ? _mm512_castsi512_si256(high_sums) : _mm512_extracti64x4_epi64(high_sums, 1));
    __m512i v = _mm512_sub_epi32(_mm512_add_epi32(_mm512_slli_epi32(hi, 8), lo), bias);
    std::int32_t* dst = out + 16 * q;
    if (!first) v = _mm512_add_epi32(v, _mm512_maskz_loadu_epi32(mask, dst));
    _mm512_mask_storeu_epi32(dst, mask, v);
  }
}

// The four uint16 sums of 64 columns (see above).
struct ColumnSums {
  __m512i raw_low, odd_low, raw_high, odd_high;
};

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
[[gnu::always_inline]] inline void fold64(ColumnSums s, __m512i bias, std::int32_t* out_row, std::size_t valid, bool first) {
  const __m512i even_low = _mm512_sub_epi16(s.raw_low, _mm512_slli_epi16(s.odd_low, 8));
  const __m512i even_high = _mm512_sub_epi16(s.raw_high, _mm512_slli_epi16(s.odd_high, 8));
  for (int half = 0; half < 2; ++half) {
    const std::size_t start = static_cast<std::size_t>(32 * half);
    if (start >= valid) break;
    fold32(interleave_columns(even_low, s.odd_low, half), interleave_columns(even_high, s.odd_high, half), bias,
           out_row + start, std::min<std::size_t>(32, valid - start), first);
  }
}

// One activation row, steps [k0, k1), Chunks x 64 columns of wt from column c0; adds into
// out_row[0 .. valid). Four named column groups (fold64 takes them by value): as an array, or
// behind pointers, GCC stored them to the stack every step.
template <std::size_t Chunks>
void row_block_pass(const BytePlanes& planes, const std::int8_t* a_row, const std::uint8_t* wt,
                    const std::uint64_t* masks, std::size_t np,
                    std::size_t c0, std::size_t k0, std::size_t k1, std::int32_t* out_row, std::size_t valid,
                    bool first) {
  const __m512i zero = _mm512_setzero_si512();
  ColumnSums s0{zero, zero, zero, zero}, s1 = s0, s2 = s0, s3 = s0;
  for (std::size_t kk = k0; kk < k1; ++kk) {
    const std::size_t row = static_cast<std::size_t>(static_cast<std::uint8_t>(a_row[kk])) << 8;
    __m512i tl[4], th[4];
    for (int q = 0; q < 4; ++q) {
      tl[q] = _mm512_loadu_si512(planes.low.data() + row + 64 * q);
      th[q] = _mm512_loadu_si512(planes.high.data() + row + 64 * q);
    }
    const std::uint8_t* wk = wt + kk * np + c0;
    const std::uint64_t* mk = masks + (kk * np + c0) / 64;
    accumulate64(s0, tl, th, wk, mk[0]);
    if constexpr (Chunks > 1) accumulate64(s1, tl, th, wk + 64, mk[1]);
    if constexpr (Chunks > 2) accumulate64(s2, tl, th, wk + 128, mk[2]);
    if constexpr (Chunks > 3) accumulate64(s3, tl, th, wk + 192, mk[3]);
  }
  const __m512i bias = _mm512_set1_epi32(32768 * static_cast<std::int32_t>(k1 - k0));
  fold64(s0, bias, out_row, valid, first);
  if (Chunks > 1 && valid > 64) fold64(s1, bias, out_row + 64, valid - 64, first);
  if (Chunks > 2 && valid > 128) fold64(s2, bias, out_row + 128, valid - 128, first);
  if (Chunks > 3 && valid > 192) fold64(s3, bias, out_row + 192, valid - 192, first);
}

void gather_gemm_vbmi(const std::int16_t* lut, const std::int8_t* a, const std::int8_t* w, std::size_t m,
                      std::size_t n, std::size_t k, std::int32_t* out) {
  const std::uint64_t work = std::uint64_t{m} * n * k;
  const std::size_t np = (n + 63) / 64 * 64;
  const std::vector<std::uint8_t> wt = transpose_weights(w, n, k, np, work);
  const std::vector<std::uint64_t> masks = bit6_masks(wt, work);
  const BytePlanes planes(lut);
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
          switch (chunks) {
            case 4: row_block_pass<4>(planes, a_row, wt.data(), masks.data(), np, c0, k0, k1, out_row, valid, k0 == 0); break;
            case 3: row_block_pass<3>(planes, a_row, wt.data(), masks.data(), np, c0, k0, k1, out_row, valid, k0 == 0); break;
            case 2: row_block_pass<2>(planes, a_row, wt.data(), masks.data(), np, c0, k0, k1, out_row, valid, k0 == 0); break;
            default: row_block_pass<1>(planes, a_row, wt.data(), masks.data(), np, c0, k0, k1, out_row, valid, k0 == 0); break;
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

[[maybe_unused]] void gather_gemm_portable(const std::int16_t* lut, const std::int8_t* a, const std::int8_t* w,
                                           std::size_t m, std::size_t n, std::size_t k, std::int32_t* out) {
  const std::uint64_t work = std::uint64_t{m} * n * k;
  const std::size_t np = (n + 63) / 64 * 64;
  const std::vector<std::uint8_t> wt = transpose_weights(w, n, k, np, work);
  const std::vector<std::int32_t> wide(lut, lut + approx::kTableEntries);
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
        const std::uint8_t* wk = wt.data() + kk * np + c0;
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

void gather_gemm(const std::int16_t* lut, const std::int8_t* a, const std::int8_t* w, std::size_t m, std::size_t n,
                 std::size_t k, std::int32_t* out) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    std::fill(out, out + m * n, 0);
    return;
  }
#if defined(__AVX512VBMI__)
  gather_gemm_vbmi(lut, a, w, m, n, k, out);
#else
  gather_gemm_portable(lut, a, w, m, n, k, out);
#endif
}

}  // namespace tessera::kernels
