// Deterministic MX encoding of FP4 / FP6 / INT8 / FP8 in 16 lanes (encode_search.h).
#include "kernels/mx/encode_search.h"

#include <cmath>
#include <iterator>
#include <limits>
#include <mutex>
#include <optional>

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__)
#define TESSERA_SEARCH_ENCODER_AVX512 1
#include <immintrin.h>
#endif

#include "golden/mx/convert.h"
#include "kernels/mx/encode.h"

namespace tessera::kernels {
namespace {

#if defined(TESSERA_SEARCH_ENCODER_AVX512)
constexpr std::uint8_t kUnitScale = 127;  // E8M0 byte of 2^0

double magnitude_of(std::uint8_t code, mx::ElementFormat format) {
  const mx::ElementValue v = mx::decode_element(code, format);
  return std::ldexp(static_cast<double>(v.significand), v.exponent);
}

// T * 2^-127 loses no bit (the lowest scale is the hardest case for exactness).
bool exact_at_lowest_scale(std::uint32_t bits) {
  const int exponent_field = static_cast<int>(bits >> 23) - 127;
  if (exponent_field >= 1) return true;
  const int shift = 1 - exponent_field;
  const std::uint32_t significand = (bits & 0x7FFFFFu) | 0x800000u;
  return shift < 24 && (significand & ((1u << shift) - 1u)) == 0;
}

// Golden's code for `value` at X = 0 (deterministic roundings: the element index plays no part).
std::uint8_t golden_code(float value, mx::ElementFormat format, const mx::QuantizePolicy& policy) {
  return mx::quantize_element(value, kUnitScale, format, policy, 0);
}

struct Boundary {
  std::uint32_t bits;  // FP32 bits of T_c at X = 0
  bool tie_down;       // |V| == T_c still gets code c-1
};

// The boundary between codes c-1 and c as golden's encoder draws it at X = 0: none where golden
// does not step from c-1 to c exactly there (then the encoder is not usable).
std::optional<Boundary> read_boundary(int c, mx::ElementFormat format, const mx::QuantizePolicy& policy) {
  auto code_at = [&](std::uint32_t bits) { return golden_code(mx::float_from_bits(bits), format, policy); };
  const double below = magnitude_of(static_cast<std::uint8_t>(c - 1), format);
  const double at = magnitude_of(static_cast<std::uint8_t>(c), format);
  if (!(below < at)) return std::nullopt;
  const double boundary = policy.rounding == mx::ElementRounding::toward_zero ? at : (below + at) / 2;
  const auto boundary_f = static_cast<float>(boundary);
  if (static_cast<double>(boundary_f) != boundary) return std::nullopt;
  const std::uint32_t bits = mx::float_bits(boundary_f);
  if (!exact_at_lowest_scale(bits)) return std::nullopt;
  const std::uint8_t tie = code_at(bits);
  if (tie != c && tie != c - 1) return std::nullopt;
  if (code_at(bits - 1) != c - 1 || code_at(bits + 1) != c) return std::nullopt;
  return Boundary{bits, tie != c};
}

// INT8's boundary c is where the rounding of |V| 2^-lsb in integer units steps to c: c - 1/2
// (toward_zero: c), the tie going down to c-1 only under nearest_even with c-1 even.
bool is_uniform_boundary(int c, const Boundary& b, const mx::ElementSpec& spec, const mx::QuantizePolicy& policy) {
  const bool toward_zero = policy.rounding == mx::ElementRounding::toward_zero;
  const float expected = std::ldexp(static_cast<float>(c) - (toward_zero ? 0.0f : 0.5f), spec.lsb_exponent);
  const bool tie_down = policy.rounding == mx::ElementRounding::nearest_even && (c & 1) != 0;
  return b.bits == mx::float_bits(expected) && b.tie_down == tie_down;
}

// INT8's sign rule as encode_uniform applies it: a negative value's code is (256 - n) & 0xFF of
// its magnitude's code n, so -0 and a negative value rounding to 0 are 0, and saturation is 129.
bool is_twos_complement_sign(mx::ElementFormat format, const mx::ElementSpec& spec, const mx::QuantizePolicy& policy) {
  auto code_at = [&](float value) { return golden_code(value, format, policy); };
  const float lsb = std::ldexp(1.0f, spec.lsb_exponent);
  return code_at(-0.0f) == 0 && code_at(-lsb / 4) == 0 && code_at(-lsb) == 0xFF &&
         code_at(-lsb * static_cast<float>(spec.max_code)) == 256 - spec.max_code &&
         code_at(-3.4028234663852886e38f) == 256 - spec.max_code;
}

// FP8's premises (encode_fp8, see the header), all read off golden at X = 0 but the last.
bool rounds_like_fp32_bits(mx::ElementFormat format, const mx::ElementSpec& spec, const mx::QuantizePolicy& policy) {
  auto code_at = [&](float value) { return golden_code(value, format, policy); };
  auto tie_goes_down = [&](int c) { return policy.rounding == mx::ElementRounding::nearest_even && (c & 1) != 0; };
  const int drop = 23 - spec.mantissa_bits;
  const int first_normal = 1 << spec.mantissa_bits;
  const auto exponent_offset = static_cast<std::uint32_t>((127 - spec.bias) << spec.mantissa_bits);
  for (int c = 0; c <= spec.max_code; ++c) {
    // The code layout encode_fp8 assembles: c 2^lsb below the first normal, then FP32's bits.
    const auto magnitude = static_cast<float>(magnitude_of(static_cast<std::uint8_t>(c), format));
    const bool laid_out = c < first_normal ? magnitude == std::ldexp(static_cast<float>(c), spec.lsb_exponent)
                                           : (mx::float_bits(magnitude) >> drop) - exponent_offset ==
                                                 static_cast<std::uint32_t>(c);
    if (!laid_out) return false;
    if (c == 0) continue;
    const std::optional<Boundary> b = read_boundary(c, format, policy);
    if (!b || b->tie_down != tie_goes_down(c)) return false;
  }
  // One step past the max, as if code max_code + 1 existed, golden gives its overflow code.
  const double max = magnitude_of(spec.max_code, format);
  const double quantum = max - magnitude_of(static_cast<std::uint8_t>(spec.max_code - 1), format);
  const auto past = static_cast<float>(policy.rounding == mx::ElementRounding::toward_zero ? max + quantum
                                                                                           : max + quantum / 2);
  const float huge = std::numeric_limits<float>::max();
  const std::uint8_t overflow = code_at(huge);
  if (code_at(std::nextafter(past, 0.0f)) != spec.max_code ||
      code_at(past) != (tie_goes_down(spec.max_code + 1) ? spec.max_code : overflow) ||
      code_at(std::nextafter(past, huge)) != overflow) {
    return false;
  }
  // A negative value is its magnitude's code with the sign bit (-0 and values rounding to 0 too).
  const std::uint8_t sign = mx::sign_bit(format);
  for (const float v : {0.0f, mx::float_from_bits(1), std::ldexp(1.0f, spec.lsb_exponent - 2),
                        std::ldexp(1.0f, spec.lsb_exponent), 1.0f, static_cast<float>(max), past, huge}) {
    if (code_at(-v) != (code_at(v) | sign)) return false;
  }
  // q under 2^-126, where scalef is not exact: the largest such q at the top scale is code 0.
  constexpr std::uint8_t kTopScale = 254;  // 2^127
  const float just_under_two = std::nextafter(2.0f, 0.0f);
  return mx::quantize_element(just_under_two, kTopScale, format, policy, 0) == 0 &&
         mx::quantize_element(-just_under_two, kTopScale, format, policy, 0) == sign;
}

// body(round_to_int): round_to_int(__m512) -> __m512i is `rounding` of each lane to an integer,
// the mode in the instruction, so MXCSR plays no part.
template <class Body>
void with_integer_rounding(mx::ElementRounding rounding, const Body& body) {
  switch (rounding) {
    case mx::ElementRounding::nearest_even:
      body([](__m512 u) { return _mm512_cvt_roundps_epi32(u, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); });
      break;
    case mx::ElementRounding::toward_zero:
      body([](__m512 u) { return _mm512_cvt_roundps_epi32(u, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC); });
      break;
    default:  // nearest_away
      body([](__m512 u) {
        // trunc(u) + (fraction >= 1/2) with the fraction exact; floor(u + 1/2) would round the
        // addition itself just below a tie (1/2 - 2^-25 + 1/2 is 1 in FP32).
        const __m512 whole = _mm512_roundscale_ps(u, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
        const __mmask16 up = _mm512_cmp_ps_mask(_mm512_sub_ps(u, whole), _mm512_set1_ps(0.5f), _CMP_GE_OQ);
        const __m512i n = _mm512_cvt_roundps_epi32(whole, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
        return _mm512_mask_sub_epi32(n, up, n, _mm512_set1_epi32(-1));
      });
      break;
  }
}

// The 16-lane loop every mode shares: `code_of(magnitude bits, negative lanes)` gives the signed
// codes of a finite group (a group holding Inf / NaN takes `scalar` element by element);
// subnormal inputs are zeros under SubnormalInputs::flush, as golden flushes them.
template <class Scalar, class CodeOf>
void encode_groups(const float* values, std::size_t count, bool flush_subnormals, std::uint8_t* codes,
                   const Scalar& scalar, const CodeOf& code_of) {
  // `lanes` < 16 only for the block's last group: whole groups take plain loads and stores.
  auto group = [&](std::size_t i, std::size_t lanes) {
    const auto in_block = static_cast<__mmask16>((1u << lanes) - 1u);
    const __m512i bits = lanes == 16 ? _mm512_loadu_si512(values + i) : _mm512_maskz_loadu_epi32(in_block, values + i);
    __m512i magnitude = _mm512_and_si512(bits, _mm512_set1_epi32(0x7FFFFFFF));
    if (_mm512_cmpge_epu32_mask(magnitude, _mm512_set1_epi32(0x7F800000)) != 0) {
      for (std::size_t j = i; j < i + lanes; ++j) codes[j] = scalar(values[j]);
      return;
    }
    if (flush_subnormals) {
      magnitude = _mm512_maskz_mov_epi32(_mm512_cmpge_epu32_mask(magnitude, _mm512_set1_epi32(0x800000)), magnitude);
    }
    const __m512i code = code_of(magnitude, _mm512_movepi32_mask(bits));
    if (lanes == 16) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(codes + i), _mm512_cvtepi32_epi8(code));
    } else {
      _mm512_mask_cvtepi32_storeu_epi8(codes + i, in_block, code);
    }
  };
  std::size_t i = 0;
  for (; i + 16 <= count; i += 16) group(i, 16);
  if (i < count) group(i, count - i);
}
#endif

// encode(first element, elements, scale byte) for each block of a run whose scale is not NaN.
template <class EncodeBlock>
void for_each_scaled_block(std::size_t count, std::size_t block_size, const std::uint8_t* scales,
                           const EncodeBlock& encode) {
  for (std::size_t b = 0, begin = 0; begin < count; ++b, begin += block_size) {
    if (scales[b] != mx::kE8M0Nan) encode(begin, count - begin < block_size ? count - begin : block_size, scales[b]);
  }
}

}  // namespace

SearchEncoder::SearchEncoder(mx::ElementFormat format, const mx::QuantizePolicy& policy) {
  *this = read_once(format, policy);
  policy_ = policy;
}

const SearchEncoder& SearchEncoder::read_once(mx::ElementFormat format, const mx::QuantizePolicy& policy) {
  // Keyed by the policy fields golden's quantize_element reads for a deterministic rounding.
  constexpr std::size_t kFormats = std::size(mx::kAllElementFormats);
  static std::once_flag once[kFormats][4][2][2];
  static std::optional<SearchEncoder> read[kFormats][4][2][2];
  const auto f = static_cast<std::size_t>(format), r = static_cast<std::size_t>(policy.rounding),
             o = static_cast<std::size_t>(policy.overflow), s = static_cast<std::size_t>(policy.subnormal_inputs);
  std::call_once(once[f][r][o][s], [&] { read[f][r][o][s] = SearchEncoder(format, policy, ReadOffGolden{}); });
  return *read[f][r][o][s];
}

SearchEncoder::SearchEncoder(mx::ElementFormat format, const mx::QuantizePolicy& policy, ReadOffGolden)
    : format_(format), policy_(policy), spec_(mx::element_spec(format)) {
#if defined(TESSERA_SEARCH_ENCODER_AVX512)
  if (policy.rounding == mx::ElementRounding::stochastic) return;
  if (!spec_.is_integer && spec_.bits == 8) {
    if (!rounds_like_fp32_bits(format, spec_, policy)) return;
    fp8_overflow_code_ = golden_code(std::numeric_limits<float>::max(), format, policy);
    method_ = Method::fp8_bits;
    return;
  }
  const int codes = spec_.max_code + 1;
  if ((codes & (codes - 1)) != 0 || (!spec_.is_integer && codes > kTableSize)) return;
  for (int c = 1; c < codes; ++c) {
    const std::optional<Boundary> b = read_boundary(c, format, policy);
    if (!b) return;
    if (spec_.is_integer) {
      if (!is_uniform_boundary(c, *b, spec_, policy)) return;
    } else {
      boundary_bits_[c] = b->bits;
      tie_down_[c] = b->tie_down ? 1u : 0u;
    }
  }
  // Saturation is the max magnitude.
  if (golden_code(3.4028234663852886e38f, format, policy) != spec_.max_code) return;
  if (spec_.is_integer) {
    if (spec_.max_units != spec_.max_code || !is_twos_complement_sign(format, spec_, policy)) return;
    method_ = Method::uniform;
  } else {
    while ((1 << search_steps_) < codes) ++search_steps_;
    method_ = Method::table;
  }
#endif
}

bool SearchEncoder::vectorized() {
#if defined(TESSERA_SEARCH_ENCODER_AVX512)
  return true;
#else
  return false;
#endif
}

void SearchEncoder::encode_block(const float* values, std::size_t count, std::uint8_t scale_byte,
                                 std::uint8_t* codes) const {
  if (count != 0) encode_blocks(values, count, count, &scale_byte, codes);
}

void SearchEncoder::encode_blocks(const float* values, std::size_t count, std::size_t block_size,
                                  const std::uint8_t* scales, std::uint8_t* codes) const {
  switch (method_) {
    case Method::golden_steps:
      for_each_scaled_block(count, block_size, scales, [&](std::size_t begin, std::size_t n, std::uint8_t scale) {
        encode_deterministic_block(values + begin, n, scale, format_, spec_, policy_, codes + begin);
      });
      break;
    case Method::table: encode_by_table(values, count, block_size, scales, codes); break;
    case Method::uniform: encode_uniform(values, count, block_size, scales, codes); break;
    case Method::fp8_bits: encode_fp8(values, count, block_size, scales, codes); break;
  }
}

void SearchEncoder::encode_by_table(const float* values, std::size_t count, std::size_t block_size,
                                    const std::uint8_t* scales, std::uint8_t* codes) const {
#if defined(TESSERA_SEARCH_ENCODER_AVX512)
  // The boundaries of this block: T_c * 2^X as FP32 bits (+1 where a tie goes down), by integer
  // exponent arithmetic: exponent field e + X in [1, 254] is a normal number, above it +Inf,
  // below it the significand shifted right (exact, checked in the constructor). Unused entries
  // (c = 0, c > max_code) are above every finite magnitude.
  auto scaled = [&](__m512i scale, const std::uint32_t* boundary, const std::uint32_t* tie_down, int first) {
    const __m512i t = _mm512_loadu_si512(boundary + first);
    const __m512i e = _mm512_add_epi32(_mm512_srli_epi32(t, 23), scale);
    const __m512i normal = _mm512_add_epi32(t, _mm512_slli_epi32(scale, 23));
    const __m512i significand = _mm512_or_si512(_mm512_and_si512(t, _mm512_set1_epi32(0x7FFFFF)),
                                                _mm512_set1_epi32(0x800000));
    const __m512i subnormal = _mm512_srlv_epi32(significand, _mm512_sub_epi32(_mm512_set1_epi32(1), e));
    __m512i b = _mm512_mask_blend_epi32(_mm512_cmplt_epi32_mask(e, _mm512_set1_epi32(1)), normal, subnormal);
    b = _mm512_mask_blend_epi32(_mm512_cmpgt_epi32_mask(e, _mm512_set1_epi32(254)), b,
                                _mm512_set1_epi32(0x7F800000));
    b = _mm512_add_epi32(b, _mm512_loadu_si512(tie_down + first));
    const __mmask16 unused = _mm512_cmpeq_epi32_mask(t, _mm512_setzero_si512());
    return _mm512_mask_blend_epi32(unused, b, _mm512_set1_epi32(-1));
  };
  const __m512i sign_bit = _mm512_set1_epi32(mx::sign_bit(format_));
  const int first_step = 1 << (search_steps_ - 1);
  const bool flush = policy_.subnormal_inputs == mx::SubnormalInputs::flush;
  for_each_scaled_block(count, block_size, scales, [&](std::size_t begin, std::size_t n, std::uint8_t scale_byte) {
    const __m512i scale = _mm512_set1_epi32(mx::e8m0_exponent(scale_byte));
    const __m512i low_table = scaled(scale, boundary_bits_, tie_down_, 0);
    const __m512i high_table = search_steps_ > 4 ? scaled(scale, boundary_bits_, tie_down_, 16) : _mm512_set1_epi32(-1);
    encode_groups(values + begin, n, flush, codes + begin,
                  [&](float v) { return encode_deterministic(v, scale_byte, format_, spec_, policy_); },
                  [&](__m512i magnitude, __mmask16 negative) {
                    // Branch-free binary search: the largest code c with magnitude >= boundary c.
                    __m512i code = _mm512_setzero_si512();
                    for (int step = first_step; step >= 1; step >>= 1) {
                      const __m512i candidate = _mm512_or_si512(code, _mm512_set1_epi32(step));
                      const __m512i boundary = _mm512_permutex2var_epi32(low_table, candidate, high_table);
                      code = _mm512_mask_mov_epi32(code, _mm512_cmpge_epu32_mask(magnitude, boundary), candidate);
                    }
                    return _mm512_mask_or_epi32(code, negative, code, sign_bit);
                  });
  });
#else
  (void)values, (void)count, (void)block_size, (void)scales, (void)codes;
#endif
}

void SearchEncoder::encode_uniform(const float* values, std::size_t count, std::size_t block_size,
                                   const std::uint8_t* scales, std::uint8_t* codes) const {
#if defined(TESSERA_SEARCH_ENCODER_AVX512)
  // |V| 2^(6-X) in lsb units (scalef: exact where normal, see the header), clamped to the max
  // code before rounding: every rounding of a value >= 127 saturates to 127 anyway, and the clamp
  // also takes huge values (+Inf after scalef) there.
  const __m512 max_units = _mm512_set1_ps(static_cast<float>(spec_.max_units));
  const bool flush = policy_.subnormal_inputs == mx::SubnormalInputs::flush;
  with_integer_rounding(policy_.rounding, [&](auto round_to_int) {
    for_each_scaled_block(count, block_size, scales, [&](std::size_t begin, std::size_t n, std::uint8_t scale_byte) {
      const __m512 to_units =
          _mm512_set1_ps(static_cast<float>(-spec_.lsb_exponent - mx::e8m0_exponent(scale_byte)));
      encode_groups(values + begin, n, flush, codes + begin,
                    [&](float v) { return encode_deterministic(v, scale_byte, format_, spec_, policy_); },
                    [&](__m512i magnitude, __mmask16 negative) {
                      const __m512 units = _mm512_min_ps(
                          _mm512_scalef_round_ps(_mm512_castsi512_ps(magnitude), to_units,
                                                 _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC),
                          max_units);
                      const __m512i code = round_to_int(units);
                      return _mm512_mask_sub_epi32(code, negative, _mm512_setzero_si512(), code);  // (256 - n) & 0xFF
                    });
    });
  });
#else
  (void)values, (void)count, (void)block_size, (void)scales, (void)codes;
#endif
}

void SearchEncoder::encode_fp8(const float* values, std::size_t count, std::size_t block_size,
                               const std::uint8_t* scales, std::uint8_t* codes) const {
#if defined(TESSERA_SEARCH_ENCODER_AVX512)
  // The rounding of q's FP32 bits: add half a kept unit (nearest_even: half - 1 plus the kept
  // lsb, so a tie carries only from an odd code; toward_zero: nothing), then drop the low bits.
  const int drop = 23 - spec_.mantissa_bits;
  const bool nearest = policy_.rounding != mx::ElementRounding::toward_zero;
  const bool ties_even = policy_.rounding == mx::ElementRounding::nearest_even;
  const __m512i dropped_bits = _mm512_set1_epi32(drop);
  const __m512i round_add = _mm512_set1_epi32(nearest ? (1 << (drop - 1)) - (ties_even ? 1 : 0) : 0);
  const __m512i kept_lsb = _mm512_set1_epi32(ties_even ? 1 : 0);
  const __m512i exponent_offset = _mm512_set1_epi32((127 - spec_.bias) << spec_.mantissa_bits);
  const __m512i smallest_normal = _mm512_set1_epi32((spec_.emin + 127) << 23);
  // Rounded past the max (kept bits above the max's; +Inf from scalef lands here too).
  const __m512i max_kept = _mm512_set1_epi32(static_cast<int>(
      mx::float_bits(mx::element_to_float(spec_.max_code, format_)) >> drop));
  const __m512i overflow_code = _mm512_set1_epi32(fp8_overflow_code_);
  const __m512i sign_bit = _mm512_set1_epi32(mx::sign_bit(format_));
  const bool flush = policy_.subnormal_inputs == mx::SubnormalInputs::flush;
  with_integer_rounding(policy_.rounding, [&](auto round_to_int) {
    for_each_scaled_block(count, block_size, scales, [&](std::size_t begin, std::size_t n, std::uint8_t scale_byte) {
      const int x = mx::e8m0_exponent(scale_byte);
      const __m512 to_q = _mm512_set1_ps(static_cast<float>(-x));
      const __m512 to_units = _mm512_set1_ps(static_cast<float>(-spec_.lsb_exponent - x));
      encode_groups(values + begin, n, flush, codes + begin,
                    [&](float v) { return encode_deterministic(v, scale_byte, format_, spec_, policy_); },
                    [&](__m512i magnitude, __mmask16 negative) {
                      const __m512 m = _mm512_castsi512_ps(magnitude);
                      const __m512i q = _mm512_castps_si512(
                          _mm512_scalef_round_ps(m, to_q, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
                      const __m512i carry = _mm512_and_si512(_mm512_srlv_epi32(q, dropped_bits), kept_lsb);
                      const __m512i kept =
                          _mm512_srlv_epi32(_mm512_add_epi32(_mm512_add_epi32(q, round_add), carry), dropped_bits);
                      const __m512i normal_code = _mm512_sub_epi32(kept, exponent_offset);
                      const __m512i subnormal_code = round_to_int(
                          _mm512_scalef_round_ps(m, to_units, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
                      __m512i code = _mm512_mask_blend_epi32(_mm512_cmplt_epu32_mask(q, smallest_normal), normal_code,
                                                             subnormal_code);
                      code = _mm512_mask_blend_epi32(_mm512_cmpgt_epu32_mask(kept, max_kept), code, overflow_code);
                      return _mm512_mask_or_epi32(code, negative, code, sign_bit);
                    });
    });
  });
#else
  (void)values, (void)count, (void)block_size, (void)scales, (void)codes;
#endif
}

}  // namespace tessera::kernels
