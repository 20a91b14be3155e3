// Block conversion on the hard cases of research/mx.md §5.3 (cases 1-19 and 27). Expected scale
// bytes and codes are derived by hand in the comments (FLOOR: byte = floor(log2 amax) - emax + 127).
#include "golden/mx/convert.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "golden/common/error.h"
#include "golden/mx/policy.h"
#include "tests/golden/mx/mx_test_util.h"

namespace tessera::mx {
namespace {

using test::pow2f;
using test::quantize;
using test::with_rounding;

constexpr ElementFormat E4M3 = ElementFormat::fp8_e4m3;
constexpr ElementFormat E5M2 = ElementFormat::fp8_e5m2;
constexpr ElementFormat E3M2 = ElementFormat::fp6_e3m2;
constexpr ElementFormat E2M3 = ElementFormat::fp6_e2m3;
constexpr ElementFormat E2M1 = ElementFormat::fp4_e2m1;
constexpr ElementFormat INT8 = ElementFormat::int8;

QuantizePolicy with_scale(ScaleRule rule) {
  QuantizePolicy p;
  p.scale_rule = rule;
  return p;
}

// Case 1: 448 = 1.75 * 2^8 -> X = 2^(8-8) = 1 (byte 127), code 0x7E; negative 0xFE.
TEST(mxConvertHardCases, Case01_E4M3AllMaxNormal) {
  std::vector<float> v(32, 448.0f);
  v[5] = -448.0f;
  const auto out = quantize(v, E4M3);
  EXPECT_EQ(out.scale, 127);
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_EQ(out.codes[i], i == 5 ? 0xFE : 0x7E);
}

// Case 2: 480 -> FLOOR byte 127, 480 > 448 clamps to 0x7E. RCEIL: 480/448 -> 2^1, byte 128,
// 480/2 = 240 = 1.875 * 2^7 -> 0x77.
TEST(mxConvertHardCases, Case02_E4M3Above448FloorClampsRceilRaises) {
  const std::vector<float> v(32, 480.0f);
  const auto floor = quantize(v, E4M3);
  EXPECT_EQ(floor.scale, 127);
  EXPECT_EQ(floor.codes[0], 0x7E);
  const auto rceil = quantize(v, E4M3, with_scale(ScaleRule::rceil));
  EXPECT_EQ(rceil.scale, 128);
  EXPECT_EQ(rceil.codes[0], 0x77);
}

// Case 3: all 1.0 -> X = 2^-8 (byte 119), 1/2^-8 = 256 = 2^8 -> E=15, M=0 -> 0x78.
TEST(mxConvertHardCases, Case03_E4M3AllOnes) {
  const auto out = quantize(std::vector<float>(32, 1.0f), E4M3);
  EXPECT_EQ(out.scale, 119);
  EXPECT_EQ(out.codes[31], 0x78);
}

// Case 4: amax 960 -> floor(log2 960) = 9 -> X = 2 (byte 128); 960/2 = 480 and 957/2 = 478.5
// both exceed 448 and clamp -> 0x7E, decoding as 896 (microxcaling #4).
TEST(mxConvertHardCases, Case04_E4M3NinetySixtyClampsNeighbour) {
  const auto out = quantize({960.0f, 957.0f, 1.0f}, E4M3);
  EXPECT_EQ(out.scale, 128);
  EXPECT_EQ(out.codes[0], 0x7E);
  EXPECT_EQ(out.codes[1], 0x7E);
  EXPECT_EQ(dequantize_element(out.scale, out.codes[1], E4M3), 896.0f);
}

// Case 5: 0x43FFFFFF = 511.99997 -> exponent 8 -> byte 127 (a BF16 cast first would give 512 and
// byte 128); the element saturates to 0x7E.
TEST(mxConvertHardCases, Case05_JustBelow512StaysInBinade) {
  const auto out = quantize({float_from_bits(0x43FFFFFFu)}, E4M3);
  EXPECT_EQ(out.scale, 127);
  EXPECT_EQ(out.codes[0], 0x7E);
}

// Case 6: FLT_MAX (exponent 127): FLOOR 127 - 8 = 119 -> byte 246, element clamps 0x7E.
// RCEIL: FLT_MAX/448 = 2^119.19 -> 2^120 (byte 247), FLT_MAX/2^120 = 255.99998 -> 256 = 0x78.
// A peer of 1.0 underflows to 0 under both.
TEST(mxConvertHardCases, Case06_FloatMax) {
  const float big = std::numeric_limits<float>::max();
  const auto floor = quantize({big, 1.0f, -1.0f}, E4M3);
  EXPECT_EQ(floor.scale, 246);
  EXPECT_EQ(floor.codes[0], 0x7E);
  EXPECT_EQ(floor.codes[1], 0x00);
  EXPECT_EQ(floor.codes[2], 0x80);
  const auto rceil = quantize({big, 1.0f}, E4M3, with_scale(ScaleRule::rceil));
  EXPECT_EQ(rceil.scale, 247);
  EXPECT_EQ(rceil.codes[0], 0x78);
  EXPECT_EQ(rceil.codes[1], 0x00);
}

// Case 7: at X = 1, 464 is the midpoint of 448 and 480 (code 0x7F would be 480, but it is NaN):
// RNE picks the even code 0x7E = 448 in both modes; 465 rounds to 480 > 448: SAT clamps to 0x7E,
// OVF gives NaN 0x7F (ml_dtypes astype behaviour).
TEST(mxConvertHardCases, Case07_SaturateVersusOverflow) {
  const std::vector<float> v = {448.0f, 464.0f, 465.0f, -465.0f};
  const auto sat = quantize(v, E4M3);
  EXPECT_EQ(sat.scale, 127);
  EXPECT_EQ(sat.codes, (std::vector<std::uint8_t>{0x7E, 0x7E, 0x7E, 0xFE}));
  QuantizePolicy ovf;
  ovf.overflow = Overflow::to_inf_or_nan;
  const auto o = quantize(v, E4M3, ovf);
  EXPECT_EQ(o.codes, (std::vector<std::uint8_t>{0x7E, 0x7E, 0x7F, 0xFF}));
  // E5M2 overflows to infinity. At X = 1 (amax 61440, exponent 15), 61440 is the midpoint of
  // 57344 (0x7B, odd mantissa) and 65536, so RNE goes up to 65536 > max: Inf under OVF, 57344
  // under SAT.
  const std::vector<float> w = {61440.0f, -61440.0f};
  EXPECT_EQ(quantize(w, E5M2, ovf).codes, (std::vector<std::uint8_t>{0x7C, 0xFC}));
  EXPECT_EQ(quantize(w, E5M2).codes, (std::vector<std::uint8_t>{0x7B, 0xFB}));
}

TEST(mxConvertHardCases, Case07_OverflowModeRejectedOutsideFp8) {
  QuantizePolicy ovf;
  ovf.overflow = Overflow::to_inf_or_nan;
  std::uint8_t code = 0;
  const float one = 1.0f;
  for (ElementFormat f : {E3M2, E2M3, E2M1, INT8}) {
    EXPECT_THROW(quantize_block(&one, 1, f, ovf, &code), ConfigError) << element_format_name(f);
  }
}

// Case 8: INT8 amax 1.99609375 -> exponent 0 -> byte 127; 1.99609375 * 64 = 127.75 -> 128 ->
// clamps to 127 (0x7F); the negative to -127 (0x81), never 0x80.
TEST(mxConvertHardCases, Case08_Int8ClampsSymmetrically) {
  const auto out = quantize({1.99609375f, -1.99609375f, 0.00390625f, 0.01171875f}, INT8);
  EXPECT_EQ(out.scale, 127);
  EXPECT_EQ(out.codes[0], 0x7F);
  EXPECT_EQ(out.codes[1], 0x81);
  EXPECT_EQ(out.codes[2], 0x00);  // 0.25 LSB -> 0
  EXPECT_EQ(out.codes[3], 0x01);  // 0.75 LSB -> 1
  EXPECT_EQ(dequantize_element(127, 0x80, INT8), -2.0f);
  // microxcaling test_mx_hw_test: 0.01171875 is 0.75 LSB... and 0.0078125 (0.5 LSB) ties away.
  const auto away = quantize({1.99609375f, 0.0078125f, 0.0234375f}, INT8,
                             with_rounding(ElementRounding::nearest_away));
  EXPECT_EQ(away.codes[0], 0x7F);
  EXPECT_EQ(away.codes[1], 0x01);  // 0.5 LSB -> 1 (away)
  EXPECT_EQ(away.codes[2], 0x02);  // 1.5 LSB -> 2
  const auto even = quantize({1.99609375f, 0.0078125f, 0.0234375f}, INT8);
  EXPECT_EQ(even.codes[1], 0x00);
  EXPECT_EQ(even.codes[2], 0x02);
}

// Case 9: FP4 with amax 4 (X = 1): RNE versus microxcaling's ties-away 'nearest'.
TEST(mxConvertHardCases, Case09_Fp4TiesEvenVersusAway) {
  const std::vector<float> v = {2.5f, 0.25f, 0.75f, 1.25f, 1.75f, 3.5f, 5.0f, 6.5f, 4.0f};
  const auto even = quantize(v, E2M1);
  EXPECT_EQ(even.scale, 127);
  EXPECT_EQ(even.codes, (std::vector<std::uint8_t>{0x4, 0x0, 0x2, 0x2, 0x4, 0x6, 0x6, 0x7, 0x6}));
  const auto away = quantize(v, E2M1, with_rounding(ElementRounding::nearest_away));
  // 3.0, 0.5, 1.0, 1.5, 2.0, 4.0, 6.0, 6.0(clamp), 4.0
  EXPECT_EQ(away.codes, (std::vector<std::uint8_t>{0x5, 0x1, 0x2, 0x3, 0x4, 0x6, 0x7, 0x7, 0x6}));
  const auto zero = quantize(v, E2M1, with_rounding(ElementRounding::toward_zero));
  // 2.0, 0, 0.5, 1.0, 1.5, 3.0, 4.0, 6.0, 4.0
  EXPECT_EQ(zero.codes, (std::vector<std::uint8_t>{0x4, 0x0, 0x1, 0x2, 0x3, 0x5, 0x6, 0x7, 0x6}));
}

// Case 10: amax 3 -> floor(log2 3) - 2 = -1 (byte 126): 3/0.5 = 6 -> 0x7. amax 3.0001 -> same
// byte, 6.0002 -> 0x7. amax 7 -> byte 127, 7 -> 8 > 6 clamps to 0x7.
TEST(mxConvertHardCases, Case10_Fp4ScaleAndClamp) {
  auto a = quantize({3.0f}, E2M1);
  EXPECT_EQ(a.scale, 126);
  EXPECT_EQ(a.codes[0], 0x7);
  a = quantize({3.0001f}, E2M1);
  EXPECT_EQ(a.scale, 126);
  EXPECT_EQ(a.codes[0], 0x7);
  a = quantize({7.0f, -7.0f}, E2M1);
  EXPECT_EQ(a.scale, 127);
  EXPECT_EQ(a.codes[0], 0x7);
  EXPECT_EQ(a.codes[1], 0xF);
}

// Case 11: E3M2, amax 16 (X = 1); subnormal quantum 2^-4.
TEST(mxConvertHardCases, Case11_Fp6E3M2Subnormals) {
  const auto out = quantize({16.0f, 0.03125f, 0.09375f, 0.0625f, -0.03125f}, E3M2);
  EXPECT_EQ(out.scale, 127);
  EXPECT_EQ(out.codes[1], 0x00);  // 0.5 quantum: tie to even zero
  EXPECT_EQ(out.codes[2], 0x02);  // 1.5 quanta -> 2 = 0.125
  EXPECT_EQ(out.codes[3], 0x01);
  EXPECT_EQ(out.codes[4], 0x20);  // -0 keeps its sign
}

// Case 12: E2M3, amax 7.75 (X = 1): 7.75 -> 8 > 7.5 clamps to 0x1F; 0.0625 ties to 0;
// 0.1875 = 1.5 quanta -> 2 -> 0.25.
TEST(mxConvertHardCases, Case12_Fp6E2M3ClampAndTies) {
  const auto out = quantize({7.75f, 0.0625f, 0.1875f}, E2M3);
  EXPECT_EQ(out.scale, 127);
  EXPECT_EQ(out.codes, (std::vector<std::uint8_t>{0x1F, 0x00, 0x02}));
}

// Case 13: FP32 subnormal inputs (E4M3). floor(log2) <= -126 -> scale clamps to 2^-127 (byte 0).
TEST(mxConvertHardCases, Case13_Fp32SubnormalInputs) {
  const float smallest = float_from_bits(1);          // 2^-149
  const float bf16_smallest = float_from_bits(0x10000);  // 2^-133
  const float flt_min = std::numeric_limits<float>::min();  // 2^-126
  auto out = quantize({smallest}, E4M3);
  EXPECT_EQ(out.scale, 0);
  EXPECT_EQ(out.codes[0], 0x00);
  out = quantize({-smallest}, E4M3);
  EXPECT_EQ(out.codes[0], 0x80);
  out = quantize({bf16_smallest}, E4M3);  // 2^-133 / 2^-127 = 2^-6 = min normal
  EXPECT_EQ(out.scale, 0);
  EXPECT_EQ(out.codes[0], 0x08);
  out = quantize({flt_min}, E4M3);  // 2^-126 / 2^-127 = 2 -> 0x40
  EXPECT_EQ(out.scale, 0);
  EXPECT_EQ(out.codes[0], 0x40);
  // Paper Algorithm 1: FP32-subnormal V_i -> 0 (sign kept); FLT_MIN is normal and survives.
  const QuantizePolicy paper = find_preset("paper").quantize;
  out = quantize({smallest, bf16_smallest, -bf16_smallest, flt_min}, E4M3, paper);
  EXPECT_EQ(out.scale, 0);
  EXPECT_EQ(out.codes, (std::vector<std::uint8_t>{0x00, 0x00, 0x80, 0x40}));
  for (std::uint8_t c : out.codes) EXPECT_EQ(std::fabs(dequantize_element(out.scale, c, E4M3)) > 0, c == 0x40);
}

// Case 14: {1.0, +-2^-149} -> byte 119; 1 -> 0x78; the subnormals underflow to signed zeros.
TEST(mxConvertHardCases, Case14_MixedUnderflow) {
  const auto out = quantize({1.0f, float_from_bits(1), -float_from_bits(1)}, E4M3);
  EXPECT_EQ(out.scale, 119);
  EXPECT_EQ(out.codes, (std::vector<std::uint8_t>{0x78, 0x00, 0x80}));
}

// Case 15: sticky bit in the subnormal output path. With X = 1 (amax 256), V = 1.25 * 2^-8 +
// 2^-31 (FP32 mantissa 1.0100...01). V / 2^-9 = 2.5 + 2^-22: just above the tie between
// subnormals 2 and 3 -> must round UP to 3 (0x03). Without its last bit V ties to even 2.
TEST(mxConvertHardCases, Case15_StickyBitInSubnormalOutput) {
  const float v = 1.25f * pow2f(-8) + pow2f(-31);
  ASSERT_EQ(float_bits(v) & 0x7FFFFFu, 0x200001u);
  auto out = quantize({256.0f, v, 1.25f * pow2f(-8)}, E4M3);
  EXPECT_EQ(out.scale, 127);
  EXPECT_EQ(out.codes[1], 0x03);
  EXPECT_EQ(out.codes[2], 0x02);
  // Same in FP4 at X = 2^-10 (amax 2^-8): V/X = 1.25 * 4 + tiny ... use 0.75*2^-10 + lsb: tie
  // between 0.5 and 1.0 quanta of the subnormal plus sticky -> 1.0 (0x2).
  const float w = 0.75f * pow2f(-10) + pow2f(-10 - 23);
  out = quantize({pow2f(-8), w, 0.75f * pow2f(-10)}, E2M1);
  EXPECT_EQ(out.scale, 127 - 10);
  EXPECT_EQ(out.codes[1], 0x2);
  EXPECT_EQ(out.codes[2], 0x2);  // exact tie 1.5 quanta -> even 2 quanta = 1.0
  const float u = 0.25f * pow2f(-10) + pow2f(-12 - 23);
  out = quantize({pow2f(-8), u, 0.25f * pow2f(-10)}, E2M1);
  EXPECT_EQ(out.codes[1], 0x1);  // just above half a quantum -> 0.5
  EXPECT_EQ(out.codes[2], 0x0);  // exact half quantum -> 0
}

// Case 16: all-zero block -> byte 0x00 (policy default), codes are signed zeros, decode exactly 0.
TEST(mxConvertHardCases, Case16_AllZeroBlock) {
  const auto out = quantize({0.0f, -0.0f, 0.0f}, E4M3);
  EXPECT_EQ(out.scale, 0x00);
  EXPECT_EQ(out.codes, (std::vector<std::uint8_t>{0x00, 0x80, 0x00}));
  EXPECT_EQ(dequantize_element(out.scale, out.codes[0], E4M3), 0.0f);
  EXPECT_TRUE(std::signbit(dequantize_element(out.scale, out.codes[1], E4M3)));
  QuantizePolicy p;
  p.zero_block_scale = 0x7F;
  EXPECT_EQ(quantize({0.0f, 0.0f}, E2M1, p).scale, 0x7F);
  EXPECT_EQ(quantize({-0.0f}, E2M1).codes[0], 0x8);
  EXPECT_EQ(quantize({-0.0f}, INT8).codes[0], 0x00);  // INT8 has no -0
}

// Case 17: NaN anywhere -> scale 0xFF; codes per policy; every decoded value is NaN.
TEST(mxConvertHardCases, Case17_NanBlock) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> v = {1.0f, nan, 2.0f, 0.0f};
  const auto torchmx = quantize(v, E4M3, find_preset("torchmx").quantize);
  EXPECT_EQ(torchmx.scale, 0xFF);
  EXPECT_EQ(torchmx.codes, (std::vector<std::uint8_t>(4, 0x00)));
  const auto torchao = quantize(v, E4M3, find_preset("torchao").quantize);
  EXPECT_EQ(torchao.scale, 0xFF);
  EXPECT_EQ(torchao.codes, (std::vector<std::uint8_t>(4, 0x7F)));
  EXPECT_EQ(quantize(v, E2M1, find_preset("torchao").quantize).codes, (std::vector<std::uint8_t>(4, 0x0)));
  for (std::uint8_t c : torchao.codes) EXPECT_TRUE(std::isnan(dequantize_element(torchao.scale, c, E4M3)));
  for (std::uint8_t c : torchmx.codes) EXPECT_TRUE(std::isnan(dequantize_element(torchmx.scale, c, E4M3)));
  EXPECT_EQ(quantize(std::vector<float>(8, nan), E2M3).scale, 0xFF);
}

// Case 18: +-Inf in the block -> 0xFF (torchao NOSAT "mixed_inf"), never 0xFE.
TEST(mxConvertHardCases, Case18_InfinityBlock) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(quantize({1.0f, inf}, E4M3).scale, 0xFF);
  EXPECT_EQ(quantize({-inf, 0.0f}, E5M2).scale, 0xFF);
  EXPECT_EQ(quantize({inf}, INT8).scale, 0xFF);
}

// Case 19: largest scales from FP32 input: 127 - emax + 127.
TEST(mxConvertHardCases, Case19_ScaleRangeExtremes) {
  const float big = std::numeric_limits<float>::max();
  EXPECT_EQ(quantize({big}, E5M2).scale, 239);
  EXPECT_EQ(quantize({big}, E2M1).scale, 252);
  EXPECT_EQ(quantize({big}, E3M2).scale, 250);
  EXPECT_EQ(quantize({big}, INT8).scale, 254);
  EXPECT_EQ(quantize({pow2f(127)}, INT8).scale, 254);
  // Byte 0xFE with E4M3 448 is 1.75 * 2^135 > FLT_MAX: implementation-defined, here +Inf.
  EXPECT_EQ(dequantize_element(0xFE, 0x7E, E4M3), std::numeric_limits<float>::infinity());
  EXPECT_EQ(dequantize_element(0xFE, 0xFE, E4M3), -std::numeric_limits<float>::infinity());
  EXPECT_EQ(dequantize_element(0xFE, 0x38, E4M3), pow2f(127));
}

// Case 27: amax = 0x447FFFFF = 1023.99994 (1 ulp below 2^10). Spec: floor(log2) = 9 -> X = 2
// (byte 128), element 511.99997 clamps to 0x7E. microxcaling Python: float32 log2 rounds to 10
// -> X = 4 (byte 129), element 255.99998 -> 256 = 0x78.
TEST(mxConvertHardCases, Case27_MicroxcalingFloat32Log2OffByOne) {
  const float amax = float_from_bits(0x447FFFFFu);
  const auto spec = quantize({amax}, E4M3);
  EXPECT_EQ(spec.scale, 128);
  EXPECT_EQ(spec.codes[0], 0x7E);
  const auto python = quantize({amax}, E4M3, find_preset("microxcaling_python").quantize);
  EXPECT_EQ(python.scale, 129);
  EXPECT_EQ(python.codes[0], 0x78);
  // The C++/CUDA path (preset microxcaling) reads exponent bits and agrees with the spec.
  EXPECT_EQ(quantize({amax}, E4M3, find_preset("microxcaling").quantize).scale, 128);
  // Six ulps below 2^10 is outside the 5-ulp window.
  EXPECT_EQ(quantize({float_from_bits(0x447FFFFAu)}, E4M3, find_preset("microxcaling_python").quantize).scale, 128);
  EXPECT_EQ(quantize({float_from_bits(0x447FFFFBu)}, E4M3, find_preset("microxcaling_python").quantize).scale, 129);
}

// microxcaling test_fp8_e4m3_fix.py, one block. Its expected 416 for 400 (12.5 quanta of 32)
// is a tie resolved away from zero, i.e. round='nearest'; under RNE 400 gives 384.
TEST(mxConvertPeers, MicroxcalingE4M3ClampVector) {
  const std::vector<float> v = {485, 475, 400, -485, -475, -450, pow2f(-6), -pow2f(-6)};
  const std::vector<float> expected = {448, 448, 416, -448, -448, -448, pow2f(-6), -pow2f(-6)};
  const auto out = quantize(v, E4M3, find_preset("microxcaling").quantize);
  for (std::size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(dequantize_element(out.scale, out.codes[i], E4M3), expected[i]) << i;
  }
  EXPECT_EQ(dequantize_element(127, quantize(v, E4M3).codes[2], E4M3), 384.0f);
}

// ceil and even scale rules (torchao semantics) and RCEIL's FP32 product, NVIDIA's ao #2035 example.
TEST(mxConvertScaleRules, CeilEvenAndRceilDiffer) {
  // amax 150, E4M3: FLOOR 7 - 8 = -1 (126); CEIL 8 - 8 = 0 (127); RCEIL ceil(log2(150/448)) = -1
  // (126), EVEN: 150 rounded at 3 mantissa bits = 160 -> exponent 7 -> 126.
  const std::vector<float> v = {150.0f};
  EXPECT_EQ(quantize(v, E4M3, with_scale(ScaleRule::floor)).scale, 126);
  EXPECT_EQ(quantize(v, E4M3, with_scale(ScaleRule::ceil)).scale, 127);
  EXPECT_EQ(quantize(v, E4M3, with_scale(ScaleRule::rceil)).scale, 126);
  EXPECT_EQ(quantize(v, E4M3, with_scale(ScaleRule::even)).scale, 126);
  // EVEN rounds amax 15.5 (1.9375 * 2^3) at 3 mantissa bits up to 16 -> exponent 4.
  EXPECT_EQ(quantize({15.5f}, E4M3, with_scale(ScaleRule::even)).scale, 127 + 4 - 8);
  EXPECT_EQ(quantize({15.0f}, E4M3, with_scale(ScaleRule::even)).scale, 127 + 3 - 8);
  // CEIL on an exact power of two equals FLOOR.
  EXPECT_EQ(quantize({256.0f}, E4M3, with_scale(ScaleRule::ceil)).scale, 127);
  // RCEIL with amax exactly max: 448 * fl(1/448) rounds to exactly 1? fl(1/448) = 1/448 (1 + d);
  // the product rounds to 1 or 1 + ulp; either way the documented FP32 computation is what counts:
  const float descale = 448.0f * (1.0f / 448.0f);
  EXPECT_EQ(quantize({448.0f}, E4M3, with_scale(ScaleRule::rceil)).scale, descale == 1.0f ? 127 : 128);
}

TEST(mxConvertPolicy, ElementIndexDoesNotMatterForDeterministicRounding) {
  std::vector<float> v = {0.3f, -1.7f, 2.2f, 5.9f};
  std::vector<std::uint8_t> a(4), b(4);
  quantize_block(v.data(), 4, E2M1, QuantizePolicy{}, a.data(), 0);
  quantize_block(v.data(), 4, E2M1, QuantizePolicy{}, b.data(), 12345);
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace tessera::mx
