#pragma once
// Internal to the gather path (gather_gemm.cpp, shared_lookups.cpp; AVX-512 VBMI builds): a table
// row's registers, the looked-up bytes' sums and their fold into the int32 output, the signed
// split's lookup. A row's 256 residual bytes per plane are a byte table looked up 64 weight codes
// at a time (kernels/common/byte_table.h: 4 vpermb, masks shared by every table looked up with
// the same codes); the signed split's 128 entries take 2 (signed_lookup64).
// Vector accumulators, per row and 64 columns, in registers for a block of steps (<= 257):
//   raw[c] += v            (uint16 lanes, wrapping: lane = even byte + 256 * odd byte, mod 2^16)
//   odd[c] += v >> 8       (the odd columns' bytes, <= 255 * steps < 2^16: exact)
// and afterwards even = raw - 256 * odd (mod 2^16; the true even sum is < 2^16, so exact).
// Then, per column, in int32 (modulo 2^32, as the linear part): 256 * sum(high) + sum(low).
#if defined(__AVX512VBMI__)
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/common/byte_table.h"

namespace tessera::kernels::gather {

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

// A signed split's lookup of 64 codes in one plane (t: the row's 2 registers; signed_weights):
// two vpermb, or one vpermi2b (index bits 6:0) where the build is tuned for AMD Zen (byte_table.h).
[[gnu::always_inline]] inline __m512i signed_lookup64(const __m512i t[2], __m512i idx, __mmask64 bit6, __mmask64 negative) {
#if defined(TESSERA_BYTE_TABLE_VPERMI2B)
  (void)bit6;
  const __m512i v = _mm512_permutex2var_epi8(t[0], idx, t[1]);
#else
  const __m512i v = _mm512_mask_permutexvar_epi8(_mm512_permutexvar_epi8(idx, t[0]), bit6, idx, t[1]);
#endif
  return _mm512_mask_sub_epi8(v, negative, _mm512_set1_epi8(-1), v);  // NOT where negative
}

}  // namespace tessera::kernels::gather
#endif
