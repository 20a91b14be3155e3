// golden's ADC step with its draws computed 16 at a time (adc_draws.h).
#include "kernels/optical/adc_draws.h"

#include <cmath>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "golden/optical/noise.h"
#include "golden/optical/quantizer.h"
#include "golden/rng/counter_rng.h"

namespace tessera::kernels {
namespace {

#if defined(__AVX512F__)
// Philox4x32-10 (Random123) on 16 counters: ctr = (index lo, index hi, stream, draw), key = seed.
struct Words16 {
  __m512i w[4];
};

// (hi, lo) 32-bit halves of the 32 x 32 -> 64-bit products a * m of 16 lanes.
inline void mulhilo(__m512i a, __m512i m, __m512i& hi, __m512i& lo) {
  const __m512i even = _mm512_mul_epu32(a, m);                          // lanes 0, 2, ...: 64-bit products
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);    // lanes 1, 3, ...
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
}

Words16 philox16(std::uint64_t seed, std::uint32_t stream, std::uint64_t first_index, std::uint32_t draw) {
  alignas(64) std::uint32_t lo_index[16], hi_index[16];
  for (std::uint32_t i = 0; i < 16; ++i) {
    const std::uint64_t index = first_index + i;
    lo_index[i] = static_cast<std::uint32_t>(index);
    hi_index[i] = static_cast<std::uint32_t>(index >> 32);
  }
  __m512i c0 = _mm512_load_si512(lo_index), c1 = _mm512_load_si512(hi_index);
  __m512i c2 = _mm512_set1_epi32(static_cast<int>(stream)), c3 = _mm512_set1_epi32(static_cast<int>(draw));
  std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  const __m512i m0 = _mm512_set1_epi64(0xD2511F53), m1 = _mm512_set1_epi64(0xCD9E8D57);
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    __m512i hi0, lo0, hi1, lo1;
    mulhilo(c0, m0, hi0, lo0);
    mulhilo(c2, m1, hi1, lo1);
    const __m512i n0 = _mm512_xor_si512(_mm512_xor_si512(hi1, c1), _mm512_set1_epi32(static_cast<int>(k0)));
    const __m512i n2 = _mm512_xor_si512(_mm512_xor_si512(hi0, c3), _mm512_set1_epi32(static_cast<int>(k1)));
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
  }
  return {{c0, c1, c2, c3}};
}

// golden gaussian_irwin_hall for 16 consecutive indices: the integer sum of 12 words, then one
// exact conversion and scaling per lane.
void irwin_hall16(std::uint64_t seed, std::uint32_t stream, std::uint64_t first_index, std::uint32_t base_draw,
                  double* out) {
  __m512i sum = _mm512_setzero_si512();  // < 2^30 per lane: int32 is exact
  for (std::uint32_t block = 0; block < 3; ++block) {
    const Words16 words = philox16(seed, stream, first_index, base_draw + block);
    for (const __m512i& w : words.w) {
      sum = _mm512_add_epi32(sum, _mm512_add_epi32(_mm512_slli_epi32(_mm512_srli_epi32(w, 8), 1), _mm512_set1_epi32(1)));
    }
  }
  const __m512i centred = _mm512_sub_epi32(sum, _mm512_set1_epi32(12 * (1 << 24)));
  const __m512d scale = _mm512_set1_pd(1.0 / 33554432.0);
  _mm512_storeu_pd(out, _mm512_mul_pd(_mm512_cvtepi32_pd(_mm512_castsi512_si256(centred)), scale));
  _mm512_storeu_pd(out + 8, _mm512_mul_pd(_mm512_cvtepi32_pd(_mm512_extracti64x4_epi64(centred, 1)), scale));
}

void uniform16(const optical::RandomKey& key, std::uint64_t first_index, float* out) {
  const Words16 words = philox16(key.seed, key.stream, first_index, key.draw);
  // rng::uniform_float: (word >> 8) * 2^-24, exact.
  _mm512_storeu_ps(out, _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_srli_epi32(words.w[0], 8)),
                                      _mm512_set1_ps(1.0f / 16777216.0f)));
}
#endif

}  // namespace

void adc_draws(std::uint64_t first_index, const optical::OutputStage& stage, const optical::CallKey& key,
               std::uint32_t pass, AdcDraws& draws) {
  const std::uint32_t base_draw = key.call * optical::kDrawsPerCall + pass * optical::kDrawsPerPass;
  const std::uint32_t detector_stream = rng::make_stream(key.unit, rng::Purpose::optical_detector_noise);
  const std::uint32_t shot_stream = rng::make_stream(key.unit, rng::Purpose::optical_shot_noise);
  const optical::RandomKey rounding_key = optical::adc_rounding_key(key, pass);
#if defined(__AVX512F__)
  if (stage.detector_noise_lsb > 0.0) irwin_hall16(key.seed, detector_stream, first_index, base_draw, draws.detector);
  if (stage.shot_noise_photons_full_scale > 0.0) irwin_hall16(key.seed, shot_stream, first_index, base_draw, draws.shot);
  uniform16(rounding_key, first_index, draws.rounding);
#else
  for (std::size_t lane = 0; lane < kAdcBlock; ++lane) {
    const std::uint64_t index = first_index + lane;
    if (stage.detector_noise_lsb > 0.0) {
      draws.detector[lane] = optical::gaussian_irwin_hall(key.seed, detector_stream, index, base_draw);
    }
    if (stage.shot_noise_photons_full_scale > 0.0) {
      draws.shot[lane] = optical::gaussian_irwin_hall(key.seed, shot_stream, index, base_draw);
    }
    draws.rounding[lane] = optical::rounding_uniform(rounding_key, index);
  }
#endif
}

float adc_convert_with_draws(double analog, const AdcDraws& draws, std::size_t lane, const optical::OutputStage& stage) {
  const double detector = stage.detector_noise_lsb > 0.0 ? draws.detector[lane] : 0.0;
  const double shot = stage.shot_noise_photons_full_scale > 0.0 ? draws.shot[lane] : 0.0;
  const float y = optical::adc_input_with_draws(analog, stage, detector, shot);
  // golden adc_convert's tail.
  const std::uint32_t q = optical::code_stochastic(y, stage.adc, draws.rounding[lane]);
  return optical::code_value(q, stage.adc);
}

void adc_convert16(const double* analog, const AdcDraws& draws, const optical::OutputStage& stage, float* out) {
#if defined(__AVX512F__) && defined(__AVX512DQ__)
  // Per-stage constants, each by golden's own scalar expression.
  const optical::QuantizerParams& adc = stage.adc;
  const bool detector = stage.detector_noise_lsb > 0.0, shot = stage.shot_noise_photons_full_scale > 0.0;
  const double lsb = (static_cast<double>(adc.max) - static_cast<double>(adc.min)) / static_cast<double>(adc.levels - 1u);
  const __m512d detector_sigma = _mm512_set1_pd(stage.detector_noise_lsb * lsb);
  const __m512d full_scale =
      _mm512_set1_pd(std::fmax(std::fabs(static_cast<double>(adc.min)), std::fabs(static_cast<double>(adc.max))));
  const __m512d photons = _mm512_set1_pd(stage.shot_noise_photons_full_scale);
  __m256 received[2];
  for (int half = 0; half < 2; ++half) {
    const __m512d a = _mm512_loadu_pd(analog + 8 * half);
    __m512d y = a;
    if (detector) y = _mm512_add_pd(y, _mm512_mul_pd(detector_sigma, _mm512_loadu_pd(draws.detector + 8 * half)));
    if (shot) {
      const __m512d magnitude = _mm512_mul_pd(_mm512_abs_pd(a), full_scale);
      const __m512d sigma = _mm512_sqrt_pd(_mm512_div_pd(magnitude, photons));
      y = _mm512_add_pd(y, _mm512_mul_pd(sigma, _mm512_loadu_pd(draws.shot + 8 * half)));
    }
    received[half] = _mm512_cvtpd_ps(y);
  }
  // code_stochastic: grid_position (clamp, shift, divide, scale in float), + u in double, floor,
  // saturate at L - 1; then code_value in float.
  const __m512 x = _mm512_insertf32x8(_mm512_castps256_ps512(received[0]), received[1], 1);
  const __m512 lo = _mm512_set1_ps(adc.min), hi = _mm512_set1_ps(adc.max);
  const float range = adc.max - adc.min;
  const float denom = range + 1e-8f;
  const auto steps = static_cast<float>(adc.levels - 1u);
  __m512 clamped = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, hi, _CMP_GT_OQ), x, hi);
  clamped = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, lo, _CMP_LT_OQ), clamped, lo);
  const __m512 position =
      _mm512_mul_ps(_mm512_div_ps(_mm512_sub_ps(clamped, lo), _mm512_set1_ps(denom)), _mm512_set1_ps(steps));
  const __m512 u = _mm512_loadu_ps(draws.rounding);
  __m256i code_half[2];
  for (int half = 0; half < 2; ++half) {
    const __m512d p = _mm512_cvtps_pd(half == 0 ? _mm512_castps512_ps256(position) : _mm512_extractf32x8_ps(position, 1));
    const __m512d v = _mm512_cvtps_pd(half == 0 ? _mm512_castps512_ps256(u) : _mm512_extractf32x8_ps(u, 1));
    const __m512d sum = _mm512_roundscale_pd(_mm512_add_pd(p, v), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    code_half[half] = _mm512_cvttpd_epu32(sum);
  }
  __m512i code = _mm512_inserti64x4(_mm512_castsi256_si512(code_half[0]), code_half[1], 1);
  code = _mm512_min_epu32(code, _mm512_set1_epi32(static_cast<int>(adc.levels - 1u)));
  const __m512 fraction = _mm512_div_ps(_mm512_cvtepu32_ps(code), _mm512_set1_ps(steps));
  _mm512_storeu_ps(out, _mm512_add_ps(_mm512_mul_ps(fraction, _mm512_set1_ps(range)), lo));
#else
  for (std::size_t lane = 0; lane < kAdcBlock; ++lane) out[lane] = adc_convert_with_draws(analog[lane], draws, lane, stage);
#endif
}

}  // namespace tessera::kernels
