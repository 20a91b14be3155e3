#pragma once
// Looking up 64 bytes at once in a 256-entry byte table (AVX-512 VBMI): the table is 4 registers
// of 64 entries; vpermb (one uop, port 5) looks up 64 entries among 64 by the index's low 6 bits,
// and the index's bits 7:6 pick the register by merge-masked vpermb, so a lookup costs 4 vpermb
// and no blend (vpermt2b covers 128 entries but is 3 uops, 2 of them on port 5). The masks depend
// on the index codes only, so lookups in several tables with the same codes share them.
// Also, for any code -> byte function, apply_byte_table: a whole array mapped through its table.
#include <cstddef>
#include <cstdint>

#if defined(__AVX512VBMI__)
#include <immintrin.h>
#endif

namespace tessera::kernels {

// dst[i] = table[uint8(src[i])] for i < count.
void apply_byte_table(const std::uint8_t table[256], const std::int8_t* src, std::size_t count, std::uint8_t* dst);

// sum_i table[uint8(src[i])] modulo 2^32, for i < count.
std::uint32_t sum_through_table(const std::uint32_t table[256], const std::int8_t* src, std::size_t count);

#if defined(__AVX512VBMI__)
struct QuarterMasks {
  __mmask64 from1, from2, from3;  // lanes whose code (unsigned) is >= 64, >= 128, >= 192
};

[[gnu::always_inline]] inline QuarterMasks quarter_masks(__mmask64 bit7, __mmask64 bit6) {
  return {_kor_mask64(bit7, bit6), bit7, _kand_mask64(bit7, bit6)};
}

[[gnu::always_inline]] inline QuarterMasks quarter_masks(__m512i codes) {
  // codes + codes moves every byte's bit 6 to its bit 7.
  return quarter_masks(_mm512_movepi8_mask(codes), _mm512_movepi8_mask(_mm512_add_epi8(codes, codes)));
}

// Later registers overwrite earlier ones in the lanes that reach them.
[[gnu::always_inline]] inline __m512i lookup64(const __m512i t[4], __m512i idx, const QuarterMasks& m) {
  __m512i v = _mm512_permutexvar_epi8(idx, t[0]);
  v = _mm512_mask_permutexvar_epi8(v, m.from1, idx, t[1]);
  v = _mm512_mask_permutexvar_epi8(v, m.from2, idx, t[2]);
  return _mm512_mask_permutexvar_epi8(v, m.from3, idx, t[3]);
}

// The 256-byte table at `table` into 4 registers.
[[gnu::always_inline]] inline void load_byte_table(const std::uint8_t* table, __m512i t[4]) {
  for (int q = 0; q < 4; ++q) t[q] = _mm512_loadu_si512(table + 64 * q);
}
#endif

}  // namespace tessera::kernels
