// MX element encoding for the deterministic roundings (encode.h).
#include "kernels/mx/encode.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__AVX512VL__)
#include <immintrin.h>
#endif

#include "golden/mx/convert.h"

namespace tessera::kernels {
namespace {

// Element encoding for the deterministic roundings without golden's bit loops: the value over
// the block scale, V / 2^X, is formed in double (exact: a change of exponent, far inside double's
// range), its quantum 2^q is found from the exponent, and V / 2^(X+q) (exact again) is rounded
// to an integer n by floor plus an explicit ties-to-even step, floor(x + 0.5) (exact in double:
// x has at most 24 significant bits below 2^10) or trunc. From n on, golden's encode_element tail
// is repeated line for line. Tested against golden on random data and on every tie.
// 2^e as a double, -1022 <= e <= 1023 (here |e| < 300).
double pow2_double(int e) {
  const std::uint64_t bits = static_cast<std::uint64_t>(e + 1023) << 52;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// The code golden gives a value past the format's range (saturate, or Inf/NaN for FP8).
std::uint8_t overflow_code(bool negative, mx::ElementFormat format, const mx::ElementSpec& s,
                           const mx::QuantizePolicy& policy) {
  const std::uint8_t sign = negative ? mx::sign_bit(format) : std::uint8_t{0};
  if (policy.overflow == mx::Overflow::to_inf_or_nan && !s.is_integer && s.bits == 8) {
    return s.has_inf ? static_cast<std::uint8_t>(sign | 0x7Cu) : mx::nan_code(format, negative);
  }
  if (s.is_integer) return negative ? static_cast<std::uint8_t>(256u - s.max_code) : s.max_code;
  return static_cast<std::uint8_t>(sign | s.max_code);
}

}  // namespace

std::uint8_t encode_deterministic(float value, std::uint8_t scale_byte, mx::ElementFormat format, const mx::ElementSpec& s,
                                  const mx::QuantizePolicy& policy) {
  const std::uint32_t bits = mx::float_bits(value);
  const bool negative = (bits >> 31) != 0;
  const std::uint32_t magnitude = bits & 0x7FFFFFFFu;
  const std::uint8_t sign = negative ? mx::sign_bit(format) : std::uint8_t{0};
  auto overflowed = [&] { return overflow_code(negative, format, s, policy); };
  if (magnitude == 0) return sign;
  if ((magnitude >> 23) == 0 && policy.subnormal_inputs == mx::SubnormalInputs::flush) return sign;
  const double m = static_cast<double>(mx::float_from_bits(magnitude)) * pow2_double(-mx::e8m0_exponent(scale_byte));
  std::uint64_t m_bits;
  std::memcpy(&m_bits, &m, sizeof m_bits);
  const int lead = static_cast<int>((m_bits >> 52) & 0x7FFu) - 1023;  // m is a normal double
  if (lead > s.emax + 1) return overflowed();
  const int quantum = s.is_integer ? s.lsb_exponent : std::max(lead, s.emin) - s.mantissa_bits;
  const double x = m * pow2_double(-quantum);
  double r;
  switch (policy.rounding) {
    case mx::ElementRounding::nearest_even: {  // explicit ties-to-even: no dependence on fesetround
      r = std::floor(x);
      const double rest = x - r;  // exact
      if (rest > 0.5 || (rest == 0.5 && (static_cast<std::uint64_t>(r) & 1u) != 0)) r += 1.0;
      break;
    }
    case mx::ElementRounding::nearest_away: r = std::floor(x + 0.5); break;
    default: r = std::trunc(x); break;
  }
  const auto n = static_cast<std::uint64_t>(r);
  const std::uint64_t units = n << (quantum - s.lsb_exponent);
  if (units > s.max_units) return overflowed();
  if (s.is_integer) {
    return negative ? static_cast<std::uint8_t>((256u - n) & 0xFFu) : static_cast<std::uint8_t>(n);
  }
  if (n == 0) return sign;
  const int rounded_lead = mx::bit_length(n) - 1 + quantum;
  if (rounded_lead < s.emin) return static_cast<std::uint8_t>(sign | n);
  const std::uint64_t normalised = n >> (rounded_lead - s.mantissa_bits - quantum);
  const auto exponent_field = static_cast<std::uint32_t>(rounded_lead + s.bias);
  const auto mantissa = static_cast<std::uint32_t>(normalised) & ((1u << s.mantissa_bits) - 1u);
  return static_cast<std::uint8_t>(sign | (exponent_field << s.mantissa_bits) | mantissa);
}

#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__AVX512VL__)
namespace {

// Eight elements at a time, encode_deterministic's steps in int64 / double lanes: every double
// step is exact (changes of exponent by scalef, getexp of normal doubles, integral rounding by
// roundscale with the rounding in the immediate, so MXCSR plays no part). The per-block
// constants are built once.
class Encoder8 {
 public:
  Encoder8(std::uint8_t scale_byte, mx::ElementFormat format, const mx::ElementSpec& s, const mx::QuantizePolicy& policy)
      : s_(s),
        rounding_(policy.rounding),
        flush_subnormals_(policy.subnormal_inputs == mx::SubnormalInputs::flush),
        minus_scale_(_mm512_set1_pd(-static_cast<double>(mx::e8m0_exponent(scale_byte)))),
        sign_bit_(_mm512_set1_epi64(mx::sign_bit(format))),
        overflow_negative_(_mm512_set1_epi64(overflow_code(true, format, s, policy))),
        overflow_positive_(_mm512_set1_epi64(overflow_code(false, format, s, policy))) {}

  // False (nothing written) when a lane needs the scalar path: a non-finite value, or a
  // subnormal input under SubnormalInputs::flush.
  bool encode(const float* values, std::uint8_t* codes) const {
    const __m256i bits = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values));
    const __m256i magnitude = _mm256_and_si256(bits, _mm256_set1_epi32(0x7FFFFFFF));
    const __m256i exponent_field = _mm256_srli_epi32(magnitude, 23);
    if (_mm256_cmpeq_epi32_mask(exponent_field, _mm256_set1_epi32(0xFF)) != 0) return false;
    if (flush_subnormals_ &&
        _mm256_mask_cmpneq_epi32_mask(_mm256_cmpeq_epi32_mask(exponent_field, _mm256_setzero_si256()), magnitude,
                                      _mm256_setzero_si256()) != 0) {
      return false;
    }
    const __mmask8 negative = _mm256_movepi32_mask(bits);
    const __m512d m = _mm512_scalef_pd(_mm512_cvtps_pd(_mm256_castsi256_ps(magnitude)), minus_scale_);
    // floor(log2 m); -inf on zero lanes, which then give n = 0 and so golden's code `sign`.
    const __m512d lead_d = _mm512_getexp_pd(m);
    __mmask8 overflow = _mm512_cmp_pd_mask(lead_d, _mm512_set1_pd(s_.emax + 1), _CMP_GT_OQ);
    const __m512i lead = _mm512_cvtpd_epi64(_mm512_max_pd(lead_d, _mm512_set1_pd(-1100.0)));
    const __m512i quantum = s_.is_integer ? _mm512_set1_epi64(s_.lsb_exponent)
                                          : _mm512_sub_epi64(_mm512_max_epi64(lead, _mm512_set1_epi64(s_.emin)),
                                                             _mm512_set1_epi64(s_.mantissa_bits));
    const __m512d x = _mm512_scalef_pd(m, _mm512_cvtepi64_pd(_mm512_sub_epi64(_mm512_setzero_si512(), quantum)));
    __m512d r;
    switch (rounding_) {
      case mx::ElementRounding::nearest_even:
        r = _mm512_roundscale_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        break;
      case mx::ElementRounding::nearest_away:  // floor(x + 0.5), the addition exact (x < 2^11)
        r = _mm512_roundscale_pd(_mm512_add_pd(x, _mm512_set1_pd(0.5)), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
        break;
      default: r = _mm512_roundscale_pd(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC); break;
    }
    const __m512i n = _mm512_cvttpd_epu64(r);
    const __m512i units = _mm512_sllv_epi64(n, _mm512_sub_epi64(quantum, _mm512_set1_epi64(s_.lsb_exponent)));
    overflow |= _mm512_cmpgt_epu64_mask(units, _mm512_set1_epi64(static_cast<long long>(s_.max_units)));
    const __m512i sign = _mm512_maskz_mov_epi64(negative, sign_bit_);
    __m512i code;
    if (s_.is_integer) {
      code = _mm512_mask_sub_epi64(n, negative, _mm512_set1_epi64(256), n);
    } else {
      // rounded_lead = bit_length(n) - 1 + quantum; r holds n exactly, so getexp(r) = bit_length(n) - 1.
      const __m512i rounded_lead =
          _mm512_add_epi64(_mm512_cvtpd_epi64(_mm512_getexp_pd(_mm512_max_pd(r, _mm512_set1_pd(1.0)))), quantum);
      const __mmask8 subnormal = _mm512_cmplt_epi64_mask(rounded_lead, _mm512_set1_epi64(s_.emin));
      const __m512i shift =
          _mm512_sub_epi64(rounded_lead, _mm512_add_epi64(quantum, _mm512_set1_epi64(s_.mantissa_bits)));
      const __m512i mantissa = _mm512_and_si512(_mm512_srlv_epi64(n, _mm512_max_epi64(shift, _mm512_setzero_si512())),
                                                _mm512_set1_epi64((1 << s_.mantissa_bits) - 1));
      const __m512i exponent = _mm512_slli_epi64(_mm512_add_epi64(rounded_lead, _mm512_set1_epi64(s_.bias)),
                                                 static_cast<unsigned>(s_.mantissa_bits));
      code = _mm512_or_si512(sign, _mm512_mask_blend_epi64(subnormal, _mm512_or_si512(exponent, mantissa), n));
      code = _mm512_mask_blend_epi64(_mm512_cmpeq_epi64_mask(n, _mm512_setzero_si512()), code, sign);
    }
    code = _mm512_mask_blend_epi64(overflow & negative, code, overflow_negative_);
    code = _mm512_mask_blend_epi64(overflow & static_cast<__mmask8>(~negative), code, overflow_positive_);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(codes),
                     _mm512_cvtepi64_epi8(_mm512_and_si512(code, _mm512_set1_epi64(0xFF))));
    return true;
  }

 private:
  mx::ElementSpec s_;
  mx::ElementRounding rounding_;
  bool flush_subnormals_;
  __m512d minus_scale_;
  __m512i sign_bit_, overflow_negative_, overflow_positive_;
};

}  // namespace
#endif

void encode_deterministic_block(const float* values, std::size_t count, std::uint8_t scale_byte,
                                mx::ElementFormat format, const mx::ElementSpec& spec,
                                const mx::QuantizePolicy& policy, std::uint8_t* codes) {
  std::size_t i = 0;
#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__AVX512VL__)
  const Encoder8 encoder(scale_byte, format, spec, policy);
  for (; i + 8 <= count; i += 8) {
    if (encoder.encode(values + i, codes + i)) continue;
    for (std::size_t j = i; j < i + 8; ++j) codes[j] = encode_deterministic(values[j], scale_byte, format, spec, policy);
  }
#endif
  for (; i < count; ++i) codes[i] = encode_deterministic(values[i], scale_byte, format, spec, policy);
}

}  // namespace tessera::kernels
