#pragma once
// Looking up 64 bytes at once in a 256-entry byte table (AVX-512 VBMI): the table is 4 registers
// of 64 entries; vpermb (one uop, port 5) looks up 64 entries among 64 by the index's low 6 bits,
// and the index's bits 7:6 pick the register by merge-masked vpermb, so a lookup costs 4 vpermb
// and no blend (vpermt2b covers 128 entries but is 3 uops, 2 of them on port 5). The masks depend
// on the index codes only, so lookups in several tables with the same codes share them.
// Builds tuned for AMD Zen (GCC's -mtune, which -march=native sets: znver3 for Zen 4 in GCC 12,
// znver4 from GCC 13) take vpermi2b instead: there it runs at the rate of one vpermb (one core:
// 0.47 ns per 64-byte lookup and add, either instruction; two vpermb and a mask 0.82), so 128
// entries cost one instruction and 256 two and a blend on bit 7.
// Also, for any code -> byte function, apply_byte_table: a whole array mapped through its table.
#include <cstddef>
#include <cstdint>

#if defined(__AVX512VBMI__)
#include <immintrin.h>
#if defined(__tune_znver3__) || defined(__tune_znver4__) || defined(__tune_znver5__)
#define TESSERA_BYTE_TABLE_VPERMI2B 1
#endif
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

[[gnu::always_inline]] inline __m512i lookup64(const __m512i t[4], __m512i idx, const QuarterMasks& m) {
#if defined(TESSERA_BYTE_TABLE_VPERMI2B)
  // Entries 0-127 and 128-255 by the index's bits 6:0, then bit 7 picks.
  return _mm512_mask_blend_epi8(m.from2, _mm512_permutex2var_epi8(t[0], idx, t[1]),
                                _mm512_permutex2var_epi8(t[2], idx, t[3]));
#else
  // Later registers overwrite earlier ones in the lanes that reach them.
  __m512i v = _mm512_permutexvar_epi8(idx, t[0]);
  v = _mm512_mask_permutexvar_epi8(v, m.from1, idx, t[1]);
  v = _mm512_mask_permutexvar_epi8(v, m.from2, idx, t[2]);
  return _mm512_mask_permutexvar_epi8(v, m.from3, idx, t[3]);
#endif
}

// The 256-byte table at `table` into 4 registers.
[[gnu::always_inline]] inline void load_byte_table(const std::uint8_t* table, __m512i t[4]) {
  for (int q = 0; q < 4; ++q) t[q] = _mm512_loadu_si512(table + 64 * q);
}
#endif

}  // namespace tessera::kernels
