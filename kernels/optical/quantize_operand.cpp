// CPU twin of golden optical::quantize_operand (quantize_operand.h).
#include "kernels/optical/quantize_operand.h"

#include <algorithm>
#include <cmath>

#if defined(__AVX512F__) && defined(__AVX512BW__)
#include <immintrin.h>
#endif

#include "golden/optical/quantizer.h"
#include "kernels/common/parallel.h"

namespace tessera::kernels {
namespace {

// golden's per-element steps (quantizer.h: grid_position, round_half_even, code_value,
// floor_sign) on one element.
void quantize_scalar(float x, const optical::QuantizerParams& p, std::uint32_t& code, std::int8_t& floor_sign) {
  code = optical::code_deterministic(x, p);
  floor_sign = static_cast<std::int8_t>(optical::floor_sign(optical::code_value(code, p), p));
}

#if defined(__AVX512F__) && defined(__AVX512BW__)
// The same IEEE float operations in the same order, 16 lanes at a time (separate mul and add:
// no contraction). The clamp is golden's two comparisons as masks (a min/max instruction would
// turn x = -0 into the bound +0). x is not NaN (checked by the caller).
void quantize16(const float* x, const optical::QuantizerParams& p, std::uint32_t* codes, std::int8_t* signs) {
  const float r = p.max - p.min;
  const __m512 min = _mm512_set1_ps(p.min), max = _mm512_set1_ps(p.max);
  const __m512 steps = _mm512_set1_ps(static_cast<float>(p.levels - 1u));
  __m512 v = _mm512_loadu_ps(x);
  v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, min, _CMP_LT_OQ), v, min);
  v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, max, _CMP_GT_OQ), v, max);
  const __m512 normalized = _mm512_div_ps(_mm512_sub_ps(v, min), _mm512_set1_ps(r + 1e-8f));
  const __m512 position = _mm512_mul_ps(normalized, steps);
  // round_half_even: floor, the exact fraction, +1 above one half or at one half from odd.
  const __m512 low = _mm512_roundscale_ps(position, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  const __m512 frac = _mm512_sub_ps(position, low);
  __m512i q = _mm512_cvttps_epu32(low);
  const __m512 half = _mm512_set1_ps(0.5f);
  const __mmask16 odd = _mm512_test_epi32_mask(q, _mm512_set1_epi32(1));
  const __mmask16 up = _mm512_cmp_ps_mask(frac, half, _CMP_GT_OQ) | (_mm512_cmp_ps_mask(frac, half, _CMP_EQ_OQ) & odd);
  q = _mm512_mask_add_epi32(q, up, q, _mm512_set1_epi32(1));
  _mm512_storeu_si512(codes, q);
  // code_value and floor_sign.
  const __m512 value = _mm512_add_ps(_mm512_mul_ps(_mm512_div_ps(_mm512_cvtepu32_ps(q), steps), _mm512_set1_ps(r)), min);
  __mmask16 positive = 0, negative = 0;
  if (p.lut_min > 0.0f) {
    const __m512 zero = _mm512_setzero_ps();
    positive = _mm512_cmp_ps_mask(value, zero, _CMP_GT_OQ) &
               _mm512_cmp_ps_mask(value, _mm512_set1_ps(optical::positive_floor(p)), _CMP_LT_OQ);
    negative = _mm512_cmp_ps_mask(value, zero, _CMP_LT_OQ) &
               _mm512_cmp_ps_mask(value, _mm512_set1_ps(-optical::negative_floor(p)), _CMP_GT_OQ);
  }
  const __m128i sign = _mm_mask_mov_epi8(_mm_maskz_mov_epi8(positive, _mm_set1_epi8(1)), negative, _mm_set1_epi8(-1));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(signs), sign);
}
#endif

void quantize_range(const float* x, std::size_t count, const optical::QuantizerParams& p, std::uint32_t* codes,
                    std::int8_t* signs) {
  std::size_t i = 0;
#if defined(__AVX512F__) && defined(__AVX512BW__)
  for (; i + 16 <= count; i += 16) quantize16(x + i, p, codes + i, signs + i);
#endif
  for (; i < count; ++i) quantize_scalar(x[i], p, codes[i], signs[i]);
}

}  // namespace

optical::OperandCodes optical_quantize_operand(const optical::Matrix& mat, const optical::QuantizerParams& params,
                                               const std::string& what) {
  for (float v : mat.data) {
    if (std::isnan(v)) return optical::quantize_operand(mat, params, what);
  }
  optical::OperandCodes out;
  out.rows = mat.rows;
  out.cols = mat.cols;
  out.params = params;
  out.codes.resize(mat.size());
  out.floor_signs.resize(mat.size());
  constexpr std::size_t kChunk = 4096;
  const std::size_t chunks = (mat.size() + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static) if(worth_parallel(std::uint64_t{mat.size()} * 32))
  for (std::ptrdiff_t cc = 0; cc < static_cast<std::ptrdiff_t>(chunks); ++cc) {
    const std::size_t begin = static_cast<std::size_t>(cc) * kChunk, end = std::min(mat.size(), begin + kChunk);
    quantize_range(mat.data.data() + begin, end - begin, params, out.codes.data() + begin, out.floor_signs.data() + begin);
  }
  return out;
}

}  // namespace tessera::kernels
