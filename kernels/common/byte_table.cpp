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

#if defined(__AVX512VBMI__)
namespace {

// The sum of Planes byte planes of a table (planes[p][code] = byte p of the entry): each looked
// up 64 codes at a time, vpsadbw adding each 8 bytes into a 64-bit lane (no overflow below
// 2^56 / 255 codes), the planes weighted by 256^p at the end.
template <int Planes>
std::uint32_t sum_planes(const std::uint8_t (&planes)[4][256], const std::int8_t* src, std::size_t count) {
  __m512i t[Planes][4];
  for (int p = 0; p < Planes; ++p) load_byte_table(planes[p], t[p]);
  const __m512i zero = _mm512_setzero_si512();
  __m512i sums[Planes];
  for (int p = 0; p < Planes; ++p) sums[p] = zero;
  for (std::size_t i = 0; i < count; i += 64) {
    const __mmask64 lanes = count - i >= 64 ? ~0ull : _bzhi_u64(~0ull, static_cast<unsigned>(count - i));
    const __m512i codes = _mm512_maskz_loadu_epi8(lanes, src + i);
    const QuarterMasks m = quarter_masks(codes);
    for (int p = 0; p < Planes; ++p) {
      sums[p] = _mm512_add_epi64(sums[p], _mm512_sad_epu8(_mm512_maskz_mov_epi8(lanes, lookup64(t[p], codes, m)), zero));
    }
  }
  std::uint32_t total = 0;
  for (int p = 0; p < Planes; ++p) total += static_cast<std::uint32_t>(_mm512_reduce_add_epi64(sums[p])) << (8 * p);
  return total;
}

}  // namespace
#endif

std::uint32_t sum_through_table(const std::uint32_t table[256], const std::int8_t* src, std::size_t count) {
#if defined(__AVX512VBMI__)
  // Only the planes up to the highest byte any entry uses (a table of bytes: one plane).
  alignas(64) std::uint8_t planes[4][256];
  std::uint32_t used = 0;
  for (std::size_t c = 0; c < 256; ++c) {
    used |= table[c];
    for (int p = 0; p < 4; ++p) planes[p][c] = static_cast<std::uint8_t>(table[c] >> (8 * p));
  }
  if (used <= 0xFF) return sum_planes<1>(planes, src, count);
  if (used <= 0xFFFF) return sum_planes<2>(planes, src, count);
  return sum_planes<4>(planes, src, count);
#else
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < count; ++i) sum += table[static_cast<std::uint8_t>(src[i])];
  return sum;
#endif
}

}  // namespace tessera::kernels
