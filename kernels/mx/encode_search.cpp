// Deterministic MX encoding of FP4 / FP6 as a boundary search (encode_search.h).
#include "kernels/mx/encode_search.h"

#include <cmath>

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__)
#define TESSERA_SEARCH_ENCODER_AVX512 1
#include <immintrin.h>
#endif

#include "golden/mx/convert.h"
#include "kernels/mx/encode.h"

namespace tessera::kernels {
namespace {

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

}  // namespace

SearchEncoder::SearchEncoder(mx::ElementFormat format, const mx::QuantizePolicy& policy)
    : format_(format), policy_(policy), spec_(mx::element_spec(format)) {
#if defined(TESSERA_SEARCH_ENCODER_AVX512)
  const int codes = spec_.max_code + 1;
  if (spec_.is_integer || codes > kTableSize || (codes & (codes - 1)) != 0) return;
  if (policy.rounding == mx::ElementRounding::stochastic) return;
  auto code_at = [&](std::uint32_t bits) {
    return encode_deterministic(mx::float_from_bits(bits), kUnitScale, format, spec_, policy);
  };
  for (int c = 1; c < codes; ++c) {
    const double below = magnitude_of(static_cast<std::uint8_t>(c - 1), format);
    const double at = magnitude_of(static_cast<std::uint8_t>(c), format);
    if (!(below < at)) return;
    const double boundary = policy.rounding == mx::ElementRounding::toward_zero ? at : (below + at) / 2;
    const auto boundary_f = static_cast<float>(boundary);
    if (static_cast<double>(boundary_f) != boundary) return;
    const std::uint32_t bits = mx::float_bits(boundary_f);
    if (!exact_at_lowest_scale(bits)) return;
    const std::uint8_t tie = code_at(bits);
    if (tie != c && tie != c - 1) return;
    if (code_at(bits - 1) != c - 1 || code_at(bits + 1) != c) return;
    boundary_bits_[c] = bits;
    tie_down_[c] = tie == c ? 0u : 1u;
  }
  if (code_at(0x7F7FFFFFu) != spec_.max_code) return;  // saturation is the max magnitude
  search_steps_ = 0;
  while ((1 << search_steps_) < codes) ++search_steps_;
  usable_ = true;
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
  if (!usable_) {
    encode_deterministic_block(values, count, scale_byte, format_, spec_, policy_, codes);
    return;
  }
#if defined(TESSERA_SEARCH_ENCODER_AVX512)
  // The boundaries of this block: T_c * 2^X as FP32 bits (+1 where a tie goes down), by integer
  // exponent arithmetic: exponent field e + X in [1, 254] is a normal number, above it +Inf,
  // below it the significand shifted right (exact, checked in the constructor). Unused entries
  // (c = 0, c > max_code) are above every finite magnitude.
  const int x = mx::e8m0_exponent(scale_byte);
  const __m512i scale = _mm512_set1_epi32(x);
  auto scaled = [&](const std::uint32_t* boundary, const std::uint32_t* tie_down, int first) {
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
  const __m512i low_table = scaled(boundary_bits_, tie_down_, 0);
  const __m512i high_table = search_steps_ > 4 ? scaled(boundary_bits_, tie_down_, 16) : _mm512_set1_epi32(-1);
  const __m512i sign_bit = _mm512_set1_epi32(mx::sign_bit(format_));
  const bool flush = policy_.subnormal_inputs == mx::SubnormalInputs::flush;
  for (std::size_t i = 0; i < count; i += 16) {
    const std::size_t lanes = count - i < 16 ? count - i : 16;
    const auto in_block = static_cast<__mmask16>((1u << lanes) - 1u);
    const __m512i bits = _mm512_maskz_loadu_epi32(in_block, values + i);
    __m512i magnitude = _mm512_and_si512(bits, _mm512_set1_epi32(0x7FFFFFFF));
    if (_mm512_cmpge_epu32_mask(magnitude, _mm512_set1_epi32(0x7F800000)) != 0) {
      for (std::size_t j = i; j < i + lanes; ++j) codes[j] = encode_deterministic(values[j], scale_byte, format_, spec_, policy_);
      continue;
    }
    if (flush) magnitude = _mm512_maskz_mov_epi32(_mm512_cmpge_epu32_mask(magnitude, _mm512_set1_epi32(0x800000)), magnitude);
    // Branch-free binary search: the largest code c with magnitude >= boundary c.
    __m512i code = _mm512_setzero_si512();
    for (int step = 1 << (search_steps_ - 1); step >= 1; step >>= 1) {
      const __m512i candidate = _mm512_or_si512(code, _mm512_set1_epi32(step));
      const __m512i boundary = _mm512_permutex2var_epi32(low_table, candidate, high_table);
      code = _mm512_mask_mov_epi32(code, _mm512_cmpge_epu32_mask(magnitude, boundary), candidate);
    }
    code = _mm512_mask_or_epi32(code, _mm512_movepi32_mask(bits), code, sign_bit);
    _mm512_mask_cvtepi32_storeu_epi8(codes + i, in_block, code);
  }
#endif
}

}  // namespace tessera::kernels
