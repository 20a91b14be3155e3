// golden's combine_code_sums, 16 outputs at a time (combine_sums16.h).
#include "kernels/optical/combine_sums16.h"

#if defined(__AVX512F__) && defined(__AVX512DQ__)
#include <immintrin.h>
#endif

#include "golden/optical/quantizer.h"

namespace tessera::kernels {

CodeSumCombiner::CodeSumCombiner(const std::vector<optical::CodeSums>& row_sums, const optical::QuantizerParams& input,
                                 const optical::QuantizerParams& weight)
    // golden combine_code_sums' constants, expression for expression.
    : ma_(static_cast<double>(input.min)),
      da_((static_cast<double>(input.max) - ma_) / static_cast<double>(input.levels - 1u)),
      mw_(static_cast<double>(weight.min)),
      dw_((static_cast<double>(weight.max) - mw_) / static_cast<double>(weight.levels - 1u)),
      tp_(static_cast<double>(optical::positive_floor(weight))),
      tn_(static_cast<double>(optical::negative_floor(weight))) {
  plain_part_.reserve(row_sums.size());
  for (const optical::CodeSums& s : row_sums) {
    double p1 = static_cast<double>(s.n_plain) * ma_;
    p1 = p1 * mw_;
    double p2 = static_cast<double>(s.sum_w) * dw_;
    p2 = p2 * ma_;
    plain_part_.push_back(p1 + p2);
    pos_count_.push_back(static_cast<double>(s.n_pos) * ma_);
    neg_count_.push_back(static_cast<double>(s.n_neg) * ma_);
  }
}

void CodeSumCombiner::combine16(const std::int32_t* sums, std::size_t n, std::size_t first_row, bool negate,
                                double* analog) const {
#if defined(__AVX512F__) && defined(__AVX512DQ__)
  const __m512d da = _mm512_set1_pd(da_), mw = _mm512_set1_pd(mw_), dw = _mm512_set1_pd(dw_);
  const __m512d tp = _mm512_set1_pd(tp_), tn = _mm512_set1_pd(tn_);
  for (std::size_t half = 0; half < 16; half += 8) {
    // The code sums as exact doubles (non-negative integers < 2^53); sum qa*qw = kind 0 + 128 * kind 1.
    auto column = [&](std::size_t kind) {
      return _mm512_cvtepi32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(sums + kind * n + half)));
    };
    const __m512i plain = column(1);
    const __m512d sum_a_plain = _mm512_cvtepi64_pd(plain);
    const __m512d sum_aw = _mm512_cvtepi64_pd(_mm512_add_epi64(column(0), _mm512_slli_epi64(plain, 7)));
    const __m512d sum_a_pos = _mm512_cvtepi64_pd(column(2));
    const __m512d sum_a_neg = _mm512_cvtepi64_pd(column(3));
    const __m512d p3 = _mm512_mul_pd(_mm512_mul_pd(sum_a_plain, da), mw);
    const __m512d p4 = _mm512_mul_pd(_mm512_mul_pd(sum_aw, da), dw);
    const __m512d pp = _mm512_mul_pd(_mm512_add_pd(_mm512_loadu_pd(pos_count_.data() + first_row + half),
                                                   _mm512_mul_pd(sum_a_pos, da)), tp);
    const __m512d pn = _mm512_mul_pd(_mm512_add_pd(_mm512_loadu_pd(neg_count_.data() + first_row + half),
                                                   _mm512_mul_pd(sum_a_neg, da)), tn);
    __m512d y = _mm512_add_pd(_mm512_loadu_pd(plain_part_.data() + first_row + half), p3);
    y = _mm512_add_pd(y, p4);
    y = _mm512_add_pd(y, pp);
    y = _mm512_sub_pd(y, pn);
    if (negate) y = _mm512_xor_pd(y, _mm512_set1_pd(-0.0));  // -v: flips the sign of zeros too
    _mm512_storeu_pd(analog + half, y);
  }
#else
  for (std::size_t lane = 0; lane < 16; ++lane) {
    const auto at = [&](std::size_t kind) { return static_cast<std::uint64_t>(static_cast<std::int64_t>(sums[kind * n + lane])); };
    const double p3 = static_cast<double>(at(1)) * da_ * mw_;
    const double p4 = static_cast<double>(at(0) + 128u * at(1)) * da_ * dw_;
    const double pp = (pos_count_[first_row + lane] + static_cast<double>(at(2)) * da_) * tp_;
    const double pn = (neg_count_[first_row + lane] + static_cast<double>(at(3)) * da_) * tn_;
    const double y = plain_part_[first_row + lane] + p3 + p4 + pp - pn;
    analog[lane] = negate ? -y : y;
  }
#endif
}

}  // namespace tessera::kernels
