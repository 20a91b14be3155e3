// MX dot product and GEMM: hard cases 20-26 of research/mx.md §5.3 with hand-derived results, and
// random cases against an independent reference built from the dequantized element floats with
// 128-bit fixed-point sums, the compiler's correctly rounded int128 -> float conversion and fmaf.
#include "golden/mx/dot.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "golden/common/error.h"
#include "golden/mx/convert.h"
#include "golden/mx/gemm.h"
#include "golden/mx/tensor.h"
#include "tests/golden/mx/mx_test_util.h"

namespace tessera::mx {
namespace {

using test::pow2f;
constexpr ElementFormat E4M3 = ElementFormat::fp8_e4m3;
constexpr ElementFormat E5M2 = ElementFormat::fp8_e5m2;

// One block per vector unless told otherwise; codes from element values via the encoder at unit
// scale (checked to be exact).
struct Vec {
  ElementFormat format;
  std::vector<std::uint8_t> codes;
  std::vector<std::uint8_t> scales;
  std::size_t block;
  MxVectorView view() const { return {format, codes.size(), block, codes.data(), scales.data()}; }
};

std::uint8_t exact_code(float value, ElementFormat f) {
  const std::uint8_t c = encode_float(value, 0, f, ElementRounding::nearest_even, Overflow::saturate);
  EXPECT_EQ(element_to_float(c, f), value) << "not an element value: " << value;
  return c;
}

Vec vec(ElementFormat f, const std::vector<float>& elements, std::vector<std::uint8_t> scales,
        std::size_t block = 32) {
  Vec v{f, {}, std::move(scales), block};
  for (float e : elements) v.codes.push_back(exact_code(e, f));
  return v;
}

float dot(const Vec& a, const Vec& b, Accumulation acc = Accumulation::fused_exact) {
  return mx_dot(a.view(), b.view(), acc);
}

// Case 20: cancellation. Lanes 57344*57344, 2^-16*2^-16, -57344*57344 (scales 127/127).
// Exact: 2^-32. Sequential FP32 (EMU) loses the tiny product against 3.0625 * 2^30 -> 0.
TEST(mxDotHardCases, Case20_ExactUnderCancellation) {
  const Vec a = vec(E5M2, {57344, pow2f(-16), -57344}, {127});
  const Vec b = vec(E5M2, {57344, pow2f(-16), 57344}, {127});
  EXPECT_EQ(dot(a, b), pow2f(-32));
  EXPECT_EQ(dot(a, b, Accumulation::block_then_fp32), pow2f(-32));
  EXPECT_EQ(dot(a, b, Accumulation::emu_dequant_fp32), 0.0f);
}

// Case 21: scale overflow / underflow. 448*448*2^254 -> +Inf; 2^-18 * 2^-254 -> +0;
// 128 * 128 * 2^(0 + 100 - 254) = 2^-140 is an FP32 subnormal and must be exact; 3 * 2^-149 too.
TEST(mxDotHardCases, Case21_ScaleExtremes) {
  EXPECT_EQ(dot(vec(E4M3, {448}, {0xFE}), vec(E4M3, {448}, {0xFE})), std::numeric_limits<float>::infinity());
  EXPECT_EQ(dot(vec(E4M3, {-448}, {0xFE}), vec(E4M3, {448}, {0xFE})), -std::numeric_limits<float>::infinity());
  const float tiny = dot(vec(E4M3, {pow2f(-9)}, {0}), vec(E4M3, {pow2f(-9)}, {0}));
  EXPECT_EQ(tiny, 0.0f);
  EXPECT_FALSE(std::signbit(tiny));
  EXPECT_EQ(dot(vec(E4M3, {128}, {0}), vec(E4M3, {128}, {100})), pow2f(-140));
  EXPECT_EQ(dot(vec(E4M3, {3}, {0}), vec(E4M3, {1}, {127 - 22})), float_from_bits(3));  // 3*2^-149
  // 3 * 2^-151 = 0.75 of the smallest subnormal -> rounds up to 2^-149.
  EXPECT_EQ(dot(vec(E4M3, {3}, {0}), vec(E4M3, {1}, {127 - 24})), float_from_bits(1));
  // 2^-150 is exactly half the smallest subnormal: ties to even 0.
  EXPECT_EQ(dot(vec(E4M3, {1}, {0}), vec(E4M3, {1}, {127 - 23})), 0.0f);
}

// Case 22: rounding ties at the output. E5M2 lanes: 1*1 + 2^-16 * 2^-8 = 1 + 2^-24 -> 1 (tie,
// even); 1 + 2^-16 * 1.5*2^-7 = 1 + 3*2^-24 -> 1 + 2^-22 (tie, even); 2^24 then + 1 -> 2^24.
TEST(mxDotHardCases, Case22_OutputTies) {
  EXPECT_EQ(dot(vec(E5M2, {1, pow2f(-16)}, {127}), vec(E5M2, {1, pow2f(-8)}, {127})), 1.0f);
  EXPECT_EQ(dot(vec(E5M2, {1, pow2f(-16)}, {127}), vec(E5M2, {1, 1.5f * pow2f(-7)}, {127})),
            1.0f + pow2f(-22));
  // Two blocks of one element: 4096 * 4096 = 2^24, then 1 * 1.
  const Vec a = vec(E5M2, {4096, 1}, {127, 127}, 1);
  const Vec b = vec(E5M2, {4096, 1}, {127, 127}, 1);
  EXPECT_EQ(dot(a, b), pow2f(24));
  const Vec c = vec(E5M2, {4096, 3}, {127, 127}, 1);  // 2^24 + 3 -> 2^24 + 4 (tie, even)
  EXPECT_EQ(dot(c, b), pow2f(24) + 4.0f);
}

// The policies differ: block 1 = 1; block 2 (scales 2^-8 each) = 2^-4*2^-4*2^-16 +
// 2^-16*2^-16*2^-16 = 2^-24 + 2^-48. FUSED: RNE(1 + 2^-24 + 2^-48) = 1 + 2^-23 (above the tie).
// BLOCK_THEN_FP32: block 2 rounds to 2^-24 first, then 1 + 2^-24 ties to 1. EMU: 1, +2^-24 -> 1,
// +2^-48 -> 1.
TEST(mxDotHardCases, AccumulationPoliciesDifferWhereTheyShould) {
  const Vec a = vec(E5M2, {1, 0, pow2f(-4), pow2f(-16)}, {127, 119}, 2);
  const Vec b = vec(E5M2, {1, 0, pow2f(-4), pow2f(-16)}, {127, 119}, 2);
  EXPECT_EQ(dot(a, b, Accumulation::fused_exact), 1.0f + pow2f(-23));
  EXPECT_EQ(dot(a, b, Accumulation::block_then_fp32), 1.0f);
  EXPECT_EQ(dot(a, b, Accumulation::emu_dequant_fp32), 1.0f);
}

// Case 23: special values.
TEST(mxDotHardCases, Case23_SpecialValuePropagation) {
  const Vec ones = vec(E5M2, {1, 1}, {127});
  Vec e4_nan{E4M3, {0x7F, 0x38}, {127}, 32};
  Vec e4_ones = vec(E4M3, {1, 1}, {127});
  for (Accumulation acc : {Accumulation::fused_exact, Accumulation::block_then_fp32, Accumulation::emu_dequant_fp32}) {
    EXPECT_TRUE(std::isnan(dot(e4_nan, e4_ones, acc)));
    Vec inf_zero{E5M2, {0x7C, 0x3C}, {127}, 32};
    EXPECT_TRUE(std::isnan(dot(inf_zero, vec(E5M2, {0, 1}, {127}), acc)));
    Vec inf_minus_inf{E5M2, {0x7C, 0xFC}, {127}, 32};
    EXPECT_TRUE(std::isnan(dot(inf_minus_inf, ones, acc)));
    Vec inf_finite{E5M2, {0x7C, 0x3C}, {127}, 32};
    EXPECT_EQ(dot(inf_finite, ones, acc), std::numeric_limits<float>::infinity());
    EXPECT_EQ(dot(inf_finite, vec(E5M2, {-2, 1}, {127}), acc), -std::numeric_limits<float>::infinity());
    const Vec zeros = vec(E4M3, {0, 0}, {0xFF});
    EXPECT_TRUE(std::isnan(dot(zeros, vec(E4M3, {0, 0}, {127}), acc)));
    EXPECT_TRUE(std::isnan(dot(vec(E4M3, {0, 0}, {127}), zeros, acc)));
  }
  // +Inf from one block and -Inf from another -> NaN; an overflowed block stays Inf.
  const Vec two_blocks{E5M2, {0x7C, 0xFC}, {127, 127}, 1};
  EXPECT_TRUE(std::isnan(dot(two_blocks, vec(E5M2, {1, 1}, {127, 127}, 1))));
  EXPECT_EQ(dot(vec(E4M3, {448, -1}, {0xFE, 127}, 1), vec(E4M3, {448, 1}, {0xFE, 127}, 1)),
            std::numeric_limits<float>::infinity());
}

// Case 24: an exact zero sum is +0; a sum of -0 products is -0.
TEST(mxDotHardCases, Case24_SignedZero) {
  const float cancel = dot(vec(E4M3, {1, -1}, {127}), vec(E4M3, {1, 1}, {127}));
  EXPECT_EQ(cancel, 0.0f);
  EXPECT_FALSE(std::signbit(cancel));
  for (Accumulation acc : {Accumulation::fused_exact, Accumulation::block_then_fp32, Accumulation::emu_dequant_fp32}) {
    const float negative_zero = dot(vec(E4M3, {-0.0f, -0.0f}, {127}), vec(E4M3, {0.0f, 3.0f}, {127}), acc);
    EXPECT_EQ(negative_zero, 0.0f);
    EXPECT_TRUE(std::signbit(negative_zero)) << accumulation_name(acc);
    const float mixed = dot(vec(E4M3, {-0.0f, 0.0f}, {127}), vec(E4M3, {1.0f, 1.0f}, {127}), acc);
    EXPECT_FALSE(std::signbit(mixed)) << accumulation_name(acc);
  }
}

// Case 25: mixed element types; exact sums derived by hand.
TEST(mxDotHardCases, Case25_MixedTypes) {
  // E2M1 {6, -0.5, 3} (X = 2^1) . E4M3 {448, 2^-9, -1.5} (X = 2^-3):
  // (2688 - 2^-10 - 4.5) * 2^-2 = 670.875 - 2^-12 (exactly representable in FP32).
  const Vec a = vec(ElementFormat::fp4_e2m1, {6, -0.5f, 3}, {128});
  const Vec b = vec(E4M3, {448, pow2f(-9), -1.5f}, {124});
  EXPECT_EQ(dot(a, b), 670.875f - pow2f(-12));
  // INT8 {127/64, -1/64} . E2M3 {7.5, 0.125}, scales 2^0 and 2^2:
  // (127/64 * 7.5 - 1/512) * 4 = 59.53125 - 2^-7.
  const Vec c = vec(ElementFormat::int8, {127.0f / 64, -1.0f / 64}, {127});
  const Vec d = vec(ElementFormat::fp6_e2m3, {7.5f, 0.125f}, {129});
  EXPECT_EQ(dot(c, d), 59.53125f - pow2f(-7));
}

// ---- Independent reference -------------------------------------------------------------
// Values are held as integers n meaning n * 2^-96. Each dequantized element (computed here in
// double with ldexp) lies on a 2^-48 grid for the ranges drawn below, so a product is an exact
// integer on the 2^-96 grid and a whole dot product fits in 128 bits.
__extension__ typedef __int128 i128;
constexpr int kFix = 96;

std::int64_t to_grid48(double v) {
  const double scaled = std::ldexp(v, 48);
  EXPECT_EQ(scaled, std::trunc(scaled)) << "value below the 2^-48 grid: " << v;
  EXPECT_LT(std::fabs(scaled), 9.0e18);
  return static_cast<std::int64_t>(scaled);
}

i128 float_to_fixed(float f) {
  if (f == 0) return 0;
  int e = 0;
  const double fr = std::frexp(static_cast<double>(f), &e);
  const auto m = static_cast<std::int64_t>(std::ldexp(fr, 24));
  const int shift = e - 24 + kFix;
  EXPECT_GE(shift, 0);
  EXPECT_LE(shift, 100);
  return static_cast<i128>(m) << shift;
}

float fixed_to_float(i128 n) {
  // __floattisf rounds to nearest, ties to even; the scaling by 2^-96 is exact for the normal
  // results of these tests.
  return std::ldexp(static_cast<float>(n), -kFix);
}

struct Reference {
  float fused = -0.0f, block_then = -0.0f, emu = -0.0f;
};

Reference reference_dot(const QuantizedRows& a, std::size_t ra, const QuantizedRows& b, std::size_t rb) {
  Reference r;
  for (std::size_t j = 0; j < a.blocks_per_row; ++j) {
    const int xa = int(a.scales[ra * a.blocks_per_row + j]) - 127;
    const int xb = int(b.scales[rb * b.blocks_per_row + j]) - 127;
    i128 block = 0;
    for (std::size_t i = j * a.block_size; i < std::min(a.columns, (j + 1) * a.block_size); ++i) {
      const double va = std::ldexp(static_cast<double>(element_to_float(a.codes[ra * a.columns + i], a.format)), xa);
      const double vb = std::ldexp(static_cast<double>(element_to_float(b.codes[rb * b.columns + i], b.format)), xb);
      block += static_cast<i128>(to_grid48(va)) * to_grid48(vb);
      r.emu = std::fmaf(static_cast<float>(va), static_cast<float>(vb), r.emu);
    }
    r.fused = fixed_to_float(float_to_fixed(r.fused) + block);
    r.block_then = fixed_to_float(float_to_fixed(r.block_then) + float_to_fixed(fixed_to_float(block)));
  }
  return r;
}

TEST(mxDotRandom, MatchesIndependentReferenceForAllFormatPairsAndPolicies) {
  std::mt19937_64 gen(2024);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  int compared = 0;
  for (ElementFormat fa : kAllElementFormats) {
    for (ElementFormat fb : kAllElementFormats) {
      for (int trial = 0; trial < 12; ++trial) {
        const std::size_t k = 1 + gen() % 100;  // partial last blocks included
        const std::size_t block = (trial % 3 == 0) ? 32 : 1 + gen() % 40;
        std::vector<float> av(2 * k), bv(3 * k);
        // Magnitudes in [2^-6, 2^4] keep every value on the reference's 2^-48 grid.
        const auto draw = [&] {
          const float u = uni(gen);
          return (u < 0 ? -1.0f : 1.0f) * (0.25f + 0.75f * std::fabs(u)) * std::ldexp(1.0f, int(gen() % 9) - 4);
        };
        for (float& x : av) x = draw();
        for (float& x : bv) x = draw();
        const QuantizedRows qa = quantize_rows(av.data(), 2, k, fa, block, QuantizePolicy{});
        const QuantizedRows qb = quantize_rows(bv.data(), 3, k, fb, block, QuantizePolicy{});
        const std::vector<float> fused = mx_gemm(qa, qb, Accumulation::fused_exact);
        const std::vector<float> block_then = mx_gemm(qa, qb, Accumulation::block_then_fp32);
        const std::vector<float> emu = mx_gemm(qa, qb, Accumulation::emu_dequant_fp32);
        for (std::size_t m = 0; m < 2; ++m) {
          for (std::size_t n = 0; n < 3; ++n) {
            const Reference r = reference_dot(qa, m, qb, n);
            EXPECT_EQ(fused[m * 3 + n], r.fused) << element_format_name(fa) << "x" << element_format_name(fb);
            EXPECT_EQ(block_then[m * 3 + n], r.block_then);
            EXPECT_EQ(emu[m * 3 + n], r.emu);
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_EQ(compared, 36 * 12 * 6);
}

// Case 26: K not a multiple of the block; quantizing a matrix and its transpose along their rows
// gives different scales (conversion and transposition do not commute).
TEST(mxGemm, PartialBlocksAndTransposeNonCommutative) {
  const std::size_t k = 40;
  std::vector<float> a(k), b(k);
  for (std::size_t i = 0; i < k; ++i) {
    a[i] = static_cast<float>(i + 1);
    b[i] = 1.0f;
  }
  const QuantizedRows qa = quantize_rows(a.data(), 1, k, E4M3, 32, QuantizePolicy{});
  const QuantizedRows qb = quantize_rows(b.data(), 1, k, E4M3, 32, QuantizePolicy{});
  EXPECT_EQ(qa.blocks_per_row, 2u);
  // Integers 1..40 are exact in E4M3 at scales 2^-3 (amax 32) and 2^-3 (amax 40): sum = 820.
  EXPECT_EQ(mx_gemm(qa, qb)[0], 820.0f);
  // 2x2 matrix [[1, 256], [2, 3]]: along rows the first row has scale 2^0 (amax 256);
  // along columns (the transpose) the first column [1, 2] has scale 2^-7.
  const std::vector<float> m = {1, 256, 2, 3};
  const std::vector<float> mt = {1, 2, 256, 3};
  const QuantizedRows rows = quantize_rows(m.data(), 2, 2, E4M3, 2, QuantizePolicy{});
  const QuantizedRows cols = quantize_rows(mt.data(), 2, 2, E4M3, 2, QuantizePolicy{});
  EXPECT_EQ(rows.scales, (std::vector<std::uint8_t>{127, 127 + 1 - 8}));
  EXPECT_EQ(cols.scales, (std::vector<std::uint8_t>{127 + 1 - 8, 127}));
  EXPECT_THROW(mx_gemm(qa, rows), ConfigError);
}

}  // namespace
}  // namespace tessera::mx
