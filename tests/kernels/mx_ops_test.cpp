// CPU twin of MX quantization and GEMM vs golden/mx, bit for bit: every element format (and every
// pair of formats), every accumulation policy and preset, odd shapes, K up to 4000, specials
// (NaN, Inf, signed zeros, subnormals, exponents at both ends of FP32).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "golden/common/error.h"
#include "golden/mx/convert.h"
#include "golden/mx/gemm.h"
#include "golden/mx/tensor.h"
#include "golden/mx/exact_sum.h"
#include "kernels/mx/encode_search.h"
#include "kernels/mx/exact_add.h"
#include "kernels/mx/mx_ops.h"
#include "tests/kernels/kernel_test_inputs.h"

namespace tessera::kernels {
namespace {

using mx::Accumulation;
using mx::ElementFormat;

using test_inputs::bits_of;
using test_inputs::random_values;

using test_inputs::inject_specials;

TEST(MxQuantize, CpuTwinEqualsGoldenEveryFormatAndPreset) {
  struct Shape { std::size_t rows, cols, block; };
  // 5 x 1000 in blocks of 7: 143 blocks a row, more than one run of blocks (mx_quantize's unit
  // of work) and a short last block.
  const Shape shapes[] = {{1, 1, 32}, {7, 257, 32}, {6, 100, 7}, {33, 64, 32}, {5, 1000, 7}};
  std::uint32_t seed = 1;
  for (ElementFormat format : mx::kAllElementFormats) {
    for (const mx::QuantizePolicy& policy : test_inputs::quantize_policies(format)) {
      for (const Shape& s : shapes) {
        std::vector<float> v = random_values(s.rows, s.cols, seed++);
        inject_specials(v, s.cols);
        if (s.cols == 1000) {  // non-finite blocks in a later run and in a row's short last block
          v[600] = std::numeric_limits<float>::quiet_NaN();
          v[5 * s.cols - 3] = -std::numeric_limits<float>::infinity();
        }
        const mx::QuantizedRows expected = mx::quantize_rows(v.data(), s.rows, s.cols, format, s.block, policy);
        const mx::QuantizedRows got = mx_quantize(Backend::cpu, v.data(), s.rows, s.cols, format, s.block, policy);
        ASSERT_EQ(got.codes, expected.codes) << mx::element_format_name(format);
        ASSERT_EQ(got.scales, expected.scales) << mx::element_format_name(format);
        ASSERT_EQ(got.blocks_per_row, expected.blocks_per_row);
      }
    }
  }
  EXPECT_FALSE(mx_quantize_supports(Backend::cpu, ElementFormat::int8, 0, {}).ok);
}

TEST(MxQuantize, TiesAndBoundariesEveryFormatAndRounding) {
  // Every midpoint between adjacent element magnitudes (and one float ulp either side), the max
  // and past it, at several scales and in the subnormal range of FP32: the deterministic encoder
  // must tie-break and saturate exactly as golden.
  for (ElementFormat format : mx::kAllElementFormats) {
    const std::vector<float> row = test_inputs::tie_row(format);
    for (int shift : {0, 5, -9, -130, 100}) {
      for (float sign : {1.0f, -1.0f}) {
        std::vector<float> v(row.size());
        for (std::size_t i = 0; i < row.size(); ++i) v[i] = sign * std::ldexp(row[i], shift);
        for (auto rounding : {mx::ElementRounding::nearest_even, mx::ElementRounding::nearest_away,
                              mx::ElementRounding::toward_zero}) {
          for (auto overflow : {mx::Overflow::saturate, mx::Overflow::to_inf_or_nan}) {
            for (auto subnormals : {mx::SubnormalInputs::keep, mx::SubnormalInputs::flush}) {
              mx::QuantizePolicy p;
              p.rounding = rounding;
              p.overflow = overflow;
              p.subnormal_inputs = subnormals;
              try {
                mx::validate_policy(p, format);
              } catch (const ConfigError&) {
                continue;
              }
              // One row, one block holding the whole grid: the scale comes from the grid max.
              for (std::size_t block : {v.size(), std::size_t{8}}) {
                const auto expected = mx::quantize_rows(v.data(), 1, v.size(), format, block, p);
                const auto got = mx_quantize(Backend::cpu, v.data(), 1, v.size(), format, block, p);
                ASSERT_EQ(got.codes, expected.codes) << mx::element_format_name(format) << " shift " << shift;
                ASSERT_EQ(got.scales, expected.scales);
              }
            }
          }
        }
      }
    }
  }
}

// Under scale 2^x: every magnitude of the format times 2^x, every midpoint times 2^x, one float
// either side of each, zeros, FP32 subnormals and FLT_MAX, both signs: the inputs on which a
// boundary search could go wrong.
std::vector<float> boundary_values(ElementFormat format, int x) {
  std::vector<float> grid = test_inputs::element_magnitudes(format);
  std::vector<float> magnitudes = {0.0f, mx::float_from_bits(1), mx::float_from_bits(0x7FFFFF),
                                   mx::float_from_bits(0x800000), std::numeric_limits<float>::max()};
  // Past the max: half a quantum (a tie that saturates or overflows), a whole one (toward_zero's
  // step) and far past.
  const float max = grid.back(), quantum = grid.back() - grid[grid.size() - 2];
  for (const float past : {max + quantum / 2, max + quantum, max * 1.5f}) grid.push_back(past);
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const float points[] = {grid[i], i + 1 < grid.size() ? (grid[i] + grid[i + 1]) / 2.0f : grid[i]};
    for (float unscaled : points) {
      const float p = std::ldexp(unscaled, x);  // exact but where it leaves FP32's range
      magnitudes.insert(magnitudes.end(), {p, std::nextafter(p, 0.0f), std::nextafter(p, 1e30f)});
    }
  }
  std::vector<float> values;
  for (float m : magnitudes) {
    if (std::isfinite(m)) values.insert(values.end(), {m, -m});  // finite inputs: encode.h's contract
  }
  return values;
}

TEST(MxQuantize, SearchEncoderEqualsGoldenAtEveryScale) {
  // The FP4 / FP6 boundary search, INT8's uniform rounding and FP8's rounding of FP32 bits against
  // golden's quantize_element for every scale byte 0..254 (boundaries scaled into FP32 subnormals
  // and past FLT_MAX), every deterministic rounding, both overflow policies (FP8: saturate and
  // Inf / NaN), both subnormal policies, in pieces of 1, 7, 33 and 257 (the 16-lane tails). The
  // inputs include every tie (for INT8 also the one below 1/2 unit that rounds a negative value
  // to code 0, for every format the one past the max) and one float either side.
  const std::size_t pieces[] = {1, 7, 33, 257};
  for (ElementFormat format : mx::kAllElementFormats) {
    const bool fp8 = format == ElementFormat::fp8_e4m3 || format == ElementFormat::fp8_e5m2;
    for (auto rounding : {mx::ElementRounding::nearest_even, mx::ElementRounding::nearest_away,
                          mx::ElementRounding::toward_zero}) {
      for (auto overflow : {mx::Overflow::saturate, mx::Overflow::to_inf_or_nan}) {
        if (overflow == mx::Overflow::to_inf_or_nan && !fp8) continue;  // FP8 only (validate_policy)
        for (auto subnormals : {mx::SubnormalInputs::keep, mx::SubnormalInputs::flush}) {
          mx::QuantizePolicy p;
          p.rounding = rounding;
          p.overflow = overflow;
          p.subnormal_inputs = subnormals;
          const SearchEncoder encoder(format, p);
          EXPECT_EQ(encoder.usable(), SearchEncoder::vectorized()) << mx::element_format_name(format);
          for (unsigned scale = 0; scale < 255; ++scale) {
            const auto scale_byte = static_cast<std::uint8_t>(scale);
            const std::vector<float> values = boundary_values(format, mx::e8m0_exponent(scale_byte));
            std::vector<std::uint8_t> got(values.size(), 0xAA), expected(values.size());
            for (std::size_t i = 0; i < values.size(); ++i)
              expected[i] = mx::quantize_element(values[i], scale_byte, format, p, i);
            for (std::size_t i = 0, n = 0; i < values.size(); i += pieces[n % 4], ++n) {
              encoder.encode_block(values.data() + i, std::min(pieces[n % 4], values.size() - i), scale_byte,
                                   got.data() + i);
            }
            ASSERT_EQ(got, expected) << mx::element_format_name(format) << " scale byte " << scale << " rounding "
                                     << static_cast<int>(rounding) << " overflow " << static_cast<int>(overflow)
                                     << " subnormals " << static_cast<int>(subnormals);
          }
        }
      }
    }
  }
}

const char* accumulation_label(Accumulation a) {
  return a == Accumulation::fused_exact ? "fused_exact" : a == Accumulation::block_then_fp32 ? "block_then_fp32" : "emu";
}

void expect_gemm_equal(const mx::QuantizedRows& a, const mx::QuantizedRows& b, Accumulation acc, const std::string& what) {
  const std::vector<float> expected = mx::mx_gemm(a, b, acc);
  const std::vector<float> got = mx_gemm(Backend::cpu, a, b, acc);
  ASSERT_EQ(bits_of(got), bits_of(expected)) << what << " " << accumulation_label(acc);
  double norm = 0;
  for (float x : expected)
    if (std::isfinite(x)) norm += std::fabs(x);
  EXPECT_GT(norm, 0) << what;
}

TEST(MxGemm, CpuTwinEqualsGoldenEveryFormatPair) {
  const std::size_t m = 7, n = 9, k = 257;
  std::uint32_t seed = 50;
  for (ElementFormat fa : mx::kAllElementFormats) {
    for (ElementFormat fb : mx::kAllElementFormats) {
      std::vector<float> va = random_values(m, k, seed++), vb = random_values(n, k, seed++);
      inject_specials(va, k);
      const auto qa = mx::quantize_rows(va.data(), m, k, fa, 32, {});
      const auto qb = mx::quantize_rows(vb.data(), n, k, fb, 32, {});
      for (Accumulation acc : {Accumulation::fused_exact, Accumulation::block_then_fp32, Accumulation::emu_dequant_fp32}) {
        expect_gemm_equal(qa, qb, acc,
                          std::string(mx::element_format_name(fa)) + " x " + std::string(mx::element_format_name(fb)));
      }
    }
  }
}

TEST(MxGemm, FastFormatsDeepAndOddShapes) {
  struct Shape { std::size_t m, n, k, block; };
  const Shape shapes[] = {{1, 1, 1, 32}, {33, 7, 1000, 32}, {3, 5, 4000, 32}, {17, 65, 99, 7}, {2, 3, 4096, 512}};
  std::uint32_t seed = 900;
  for (ElementFormat f : {ElementFormat::fp4_e2m1, ElementFormat::fp6_e2m3, ElementFormat::fp6_e3m2, ElementFormat::int8}) {
    for (const Shape& s : shapes) {
      const auto va = random_values(s.m, s.k, seed++, 20), vb = random_values(s.n, s.k, seed++, 20);
      const auto qa = mx::quantize_rows(va.data(), s.m, s.k, f, s.block, {});
      const auto qb = mx::quantize_rows(vb.data(), s.n, s.k, f, s.block, {});
      expect_gemm_equal(qa, qb, Accumulation::fused_exact, std::string(mx::element_format_name(f)));
    }
  }
}

TEST(MxGemm, ExponentExtremesTakeTheExactSlowPath) {
  // Rows scaled near 2^-130 and 2^120: block values leave the FP32 window, so the kernel must
  // route those row pairs to the exact path (and still match golden bit for bit).
  const std::size_t m = 4, n = 5, k = 96;
  std::vector<float> va = random_values(m, k, 7, 2), vb = random_values(n, k, 8, 2);
  for (std::size_t c = 0; c < k; ++c) {
    va[c] = std::ldexp(va[c], -120);
    va[k + c] = std::ldexp(va[k + c], 110);
    vb[c] = std::ldexp(vb[c], -25);
    vb[k + c] = std::ldexp(vb[k + c], 20);
  }
  for (ElementFormat f : {ElementFormat::fp4_e2m1, ElementFormat::int8, ElementFormat::fp6_e3m2}) {
    const auto qa = mx::quantize_rows(va.data(), m, k, f, 32, {});
    const auto qb = mx::quantize_rows(vb.data(), n, k, f, 32, {});
    for (Accumulation acc : {Accumulation::fused_exact, Accumulation::block_then_fp32, Accumulation::emu_dequant_fp32}) {
      expect_gemm_equal(qa, qb, acc, std::string(mx::element_format_name(f)) + " extremes");
    }
  }
}

// Random codes (every code of the format, NaN/Inf codes included) and random scale bytes, narrow
// (127 +- 12) and full range (0..255, 0xFF = NaN): every core, the window, specials and golden's
// fallback, for every pair of formats.
using test_inputs::random_rows;

TEST(MxGemm, RandomCodesAndScalesEveryFormatPair) {
  std::uint32_t seed = 4000;
  for (ElementFormat fa : mx::kAllElementFormats) {
    for (ElementFormat fb : mx::kAllElementFormats) {
      for (auto [lo, hi] : {std::pair{115, 139}, std::pair{0, 255}}) {
        const auto qa = random_rows(5, 100, fa, 32, lo, hi, seed++);
        const auto qb = random_rows(6, 100, fb, 32, lo, hi, seed++);
        for (Accumulation acc : {Accumulation::fused_exact, Accumulation::block_then_fp32, Accumulation::emu_dequant_fp32}) {
          const std::vector<float> expected = mx::mx_gemm(qa, qb, acc);
          ASSERT_EQ(bits_of(mx_gemm(Backend::cpu, qa, qb, acc)), bits_of(expected))
              << mx::element_format_name(fa) << " x " << mx::element_format_name(fb) << " scales " << lo << ".." << hi
              << " " << accumulation_label(acc);
        }
      }
    }
  }
}

TEST(MxGemm, Fp8WithOverflowCodesUsesTheDoubleCore) {
  // OVF policy: rounding past 448 gives NaN codes (E4M3) / Inf codes (E5M2) under a finite scale.
  mx::QuantizePolicy ovf;
  ovf.overflow = mx::Overflow::to_inf_or_nan;
  const std::size_t m = 6, n = 5, k = 300;
  std::vector<float> va = random_values(m, k, 11, 12), vb = random_values(n, k, 12, 12);
  va[3] = 479.0f;  // with a block max of 479: scale 2^0 for E4M3 (floor), 479 -> NaN code
  for (ElementFormat fa : {ElementFormat::fp8_e4m3, ElementFormat::fp8_e5m2}) {
    for (ElementFormat fb : {ElementFormat::fp8_e4m3, ElementFormat::fp4_e2m1, ElementFormat::int8}) {
      const auto qa = mx::quantize_rows(va.data(), m, k, fa, 32, ovf);
      const auto qb = mx::quantize_rows(vb.data(), n, k, fb, 32, {});
      for (Accumulation acc : {Accumulation::fused_exact, Accumulation::block_then_fp32}) {
        expect_gemm_equal(qa, qb, acc, std::string(mx::element_format_name(fa)) + " x " +
                                           std::string(mx::element_format_name(fb)) + " ovf");
      }
    }
  }
  EXPECT_TRUE(mx_gemm_exact_core(ElementFormat::fp8_e4m3, ElementFormat::fp8_e4m3, 32));
  EXPECT_FALSE(mx_gemm_exact_core(ElementFormat::fp8_e5m2, ElementFormat::fp8_e5m2, 32));
}

TEST(AddRoundOnce, EqualsGoldenAddAndRound) {
  // acc + S * 2^E rounded once: random accumulators (normal, subnormal, huge), integer S < 2^53,
  // E across the whole MX range, ties constructed on purpose.
  std::mt19937_64 gen(77);
  std::uniform_int_distribution<int> acc_exp(-160, 127), term_exp(-300, 200), bits(1, 53);
  std::uniform_real_distribution<float> unit(-2.0f, 2.0f);
  int checked = 0;
  for (int trial = 0; trial < 200000; ++trial) {
    const float acc = std::ldexp(unit(gen), acc_exp(gen));
    const std::uint64_t s = gen() >> (64 - bits(gen));
    int e = term_exp(gen);
    if (trial % 3 == 0) e = std::max(-280, std::ilogb(acc) - 40 + static_cast<int>(gen() % 60));  // overlapping
    const bool negative = gen() & 1u;
    const double t = std::ldexp(negative ? -static_cast<double>(s) : static_cast<double>(s), e);
    if (s == 0 || !std::isfinite(t) || t == 0.0) continue;
    mx::ExactTerm term;
    term.negative = negative;
    term.magnitude = s;
    term.exponent = e;
    const float want = mx::add_and_round(acc, term);
    const float got = add_round_once(acc, t);
    ASSERT_EQ(bits_of({got}), bits_of({want})) << acc << " + " << t;
    ++checked;
  }
  EXPECT_GT(checked, 100000);
}

TEST(MxGemm, SignedZerosAndEmpty) {
  // All-zero operands of opposite sign give -0 (every product -0), same sign +0.
  const std::size_t m = 2, n = 2, k = 40;
  std::vector<float> va(m * k, 0.0f), vb(n * k, -0.0f);
  for (std::size_t c = 0; c < k; ++c) vb[k + c] = 0.0f;
  for (ElementFormat f : {ElementFormat::fp4_e2m1, ElementFormat::int8}) {
    const auto qa = mx::quantize_rows(va.data(), m, k, f, 32, {});
    const auto qb = mx::quantize_rows(vb.data(), n, k, f, 32, {});
    for (Accumulation acc : {Accumulation::fused_exact, Accumulation::emu_dequant_fp32}) {
      EXPECT_EQ(bits_of(mx_gemm(Backend::cpu, qa, qb, acc)), bits_of(mx::mx_gemm(qa, qb, acc)));
    }
  }
  const auto q0a = mx::quantize_rows(nullptr, 3, 0, ElementFormat::int8, 32, {});
  const auto q0b = mx::quantize_rows(nullptr, 2, 0, ElementFormat::int8, 32, {});
  EXPECT_EQ(bits_of(mx_gemm(Backend::cpu, q0a, q0b)), bits_of(mx::mx_gemm(q0a, q0b)));
}

TEST(MxGemm, SupportsSaysWhy) {
  EXPECT_TRUE(mx_gemm_fast_formats(ElementFormat::fp4_e2m1, ElementFormat::fp4_e2m1, 32));
  EXPECT_TRUE(mx_gemm_fast_formats(ElementFormat::int8, ElementFormat::int8, 32));
  EXPECT_FALSE(mx_gemm_fast_formats(ElementFormat::fp8_e4m3, ElementFormat::fp4_e2m1, 32));
  EXPECT_FALSE(mx_gemm_fast_formats(ElementFormat::int8, ElementFormat::int8, 1024));  // 1024 * 2^14 = 2^24
  const auto va = random_values(2, 64, 3);
  const auto qa = mx::quantize_rows(va.data(), 2, 64, ElementFormat::int8, 32, {});
  const auto qb = mx::quantize_rows(va.data(), 2, 64, ElementFormat::int8, 16, {});
  EXPECT_THROW(mx_gemm(Backend::cpu, qa, qb), ConfigError);
  const SupportReport gpu = mx_gemm_supports(Backend::cuda, qa, qa, Accumulation::fused_exact);
  if (!cuda_available().ok) {
    EXPECT_FALSE(gpu.ok);
    EXPECT_FALSE(gpu.reason.empty());
  }
}

}  // namespace
}  // namespace tessera::kernels
