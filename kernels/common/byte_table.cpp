// Whole arrays through a 256-entry table (byte_table.h).
#include "kernels/common/byte_table.h"

namespace tessera::kernels {

void apply_byte_table(const std::uint8_t table[256], const std::int8_t* src, std::size_t count, std::uint8_t* dst) {
  std::size_t i = 0;
#if defined(__AVX512VBMI__)
  __m512i t[4];
  load_byte_table(table, t);
  for (; i + 64 <= count; i += 64) {
    const __m512i codes = _mm512_loadu_si512(src + i);
    _mm512_storeu_si512(dst + i, lookup64(t, codes, quarter_masks(codes)));
  }
  if (i < count) {
    const __mmask64 tail = _bzhi_u64(~0ull, static_cast<unsigned>(count - i));
    const __m512i codes = _mm512_maskz_loadu_epi8(tail, src + i);
    _mm512_mask_storeu_epi8(dst + i, tail, lookup64(t, codes, quarter_masks(codes)));
    return;
  }
#endif
  for (; i < count; ++i) dst[i] = table[static_cast<std::uint8_t>(src[i])];
}

std::uint32_t sum_through_table(const std::uint32_t table[256], const std::int8_t* src, std::size_t count) {
  std::uint32_t sum = 0;
  std::size_t i = 0;
#if defined(__AVX512VBMI__)
  // The table's 4 byte planes looked up 64 codes at a time; vpsadbw adds each 8 bytes into a
  // 64-bit lane (no overflow below 2^56 / 255 codes), and the planes are weighted by 256^p at the end.
  alignas(64) std::uint8_t planes[4][256];
  for (std::size_t c = 0; c < 256; ++c)
    for (int p = 0; p < 4; ++p) planes[p][c] = static_cast<std::uint8_t>(table[c] >> (8 * p));
  __m512i t0[4], t1[4], t2[4], t3[4];
  load_byte_table(planes[0], t0);
  load_byte_table(planes[1], t1);
  load_byte_table(planes[2], t2);
  load_byte_table(planes[3], t3);
  const __m512i zero = _mm512_setzero_si512();
  __m512i s0 = zero, s1 = zero, s2 = zero, s3 = zero;
  for (; i < count; i += 64) {
    const __mmask64 lanes = count - i >= 64 ? ~0ull : _bzhi_u64(~0ull, static_cast<unsigned>(count - i));
    const __m512i codes = _mm512_maskz_loadu_epi8(lanes, src + i);
    const QuarterMasks m = quarter_masks(codes);
    s0 = _mm512_add_epi64(s0, _mm512_sad_epu8(_mm512_maskz_mov_epi8(lanes, lookup64(t0, codes, m)), zero));
    s1 = _mm512_add_epi64(s1, _mm512_sad_epu8(_mm512_maskz_mov_epi8(lanes, lookup64(t1, codes, m)), zero));
    s2 = _mm512_add_epi64(s2, _mm512_sad_epu8(_mm512_maskz_mov_epi8(lanes, lookup64(t2, codes, m)), zero));
    s3 = _mm512_add_epi64(s3, _mm512_sad_epu8(_mm512_maskz_mov_epi8(lanes, lookup64(t3, codes, m)), zero));
  }
  const auto total = [](__m512i s) { return static_cast<std::uint32_t>(_mm512_reduce_add_epi64(s)); };
  return total(s0) + (total(s1) << 8) + (total(s2) << 16) + (total(s3) << 24);
#endif
  for (; i < count; ++i) sum += table[static_cast<std::uint8_t>(src[i])];
  return sum;
}

}  // namespace tessera::kernels
