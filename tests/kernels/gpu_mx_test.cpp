// CUDA MX quantization and GEMM vs the CPU twin, bit for bit (label gpu): every element format
// and every pair, every preset and rounding (stochastic included), ties and boundaries, specials
// (NaN, Inf, signed zeros, FP32 subnormals, exponents near both ends), random codes under random
// scale bytes, odd shapes, K up to 4096, both exact accumulation policies.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "golden/common/error.h"
#include "golden/mx/tensor.h"
#include "kernels/mx/mx_ops.h"
#include "tests/kernels/gpu_test_support.h"

namespace tessera::kernels {
namespace {

using gpu_test::bits_of;
using gpu_test::random_values;
using mx::Accumulation;
using mx::ElementFormat;

using test_inputs::inject_specials;

std::string name_of(ElementFormat f) { return std::string(mx::element_format_name(f)); }

void expect_quantize_equal(const std::vector<float>& v, std::size_t rows, std::size_t cols, ElementFormat format,
                           std::size_t block, const mx::QuantizePolicy& policy, const std::string& what) {
  const SupportReport r = mx_quantize_supports(Backend::cuda, format, block, policy);
  ASSERT_TRUE(r.ok) << r.reason;
  const mx::QuantizedRows cpu = mx_quantize(Backend::cpu, v.data(), rows, cols, format, block, policy);
  const mx::QuantizedRows gpu = mx_quantize(Backend::cuda, v.data(), rows, cols, format, block, policy);
  ASSERT_EQ(gpu.codes, cpu.codes) << what;
  ASSERT_EQ(gpu.scales, cpu.scales) << what;
  ASSERT_EQ(gpu.blocks_per_row, cpu.blocks_per_row) << what;
}

TEST(GpuMxQuantize, EqualsCpuTwinEveryFormatAndPreset) {
  SKIP_WITHOUT_CUDA();
  struct Shape { std::size_t rows, cols, block; };
  const Shape shapes[] = {{1, 1, 32}, {7, 257, 32}, {6, 100, 7}, {33, 64, 32}, {257, 1000, 32}, {3, 4096, 512}};
  std::uint32_t seed = 1;
  for (ElementFormat format : mx::kAllElementFormats) {
    for (const mx::QuantizePolicy& policy : test_inputs::quantize_policies(format)) {
      for (const Shape& s : shapes) {
        std::vector<float> v = random_values(s.rows, s.cols, seed++);
        inject_specials(v, s.cols);
        expect_quantize_equal(v, s.rows, s.cols, format, s.block, policy, name_of(format));
      }
    }
  }
}

TEST(GpuMxQuantize, TiesAndBoundariesEveryFormatAndRounding) {
  // Every midpoint between adjacent element magnitudes (and one float ulp either side), the max and
  // past it, at several scales and in FP32's subnormal range, under every rounding, overflow and
  // subnormal policy.
  SKIP_WITHOUT_CUDA();
  for (ElementFormat format : mx::kAllElementFormats) {
    const std::vector<float> row = gpu_test::tie_row(format);
    for (int shift : {0, 5, -9, -130, 100}) {
      for (float sign : {1.0f, -1.0f}) {
        std::vector<float> v(row.size());
        for (std::size_t i = 0; i < row.size(); ++i) v[i] = sign * std::ldexp(row[i], shift);
        for (auto rounding : {mx::ElementRounding::nearest_even, mx::ElementRounding::nearest_away,
                              mx::ElementRounding::toward_zero, mx::ElementRounding::stochastic}) {
          for (auto overflow : {mx::Overflow::saturate, mx::Overflow::to_inf_or_nan}) {
            for (auto subnormals : {mx::SubnormalInputs::keep, mx::SubnormalInputs::flush}) {
              for (auto rule : {mx::ScaleRule::floor, mx::ScaleRule::ceil, mx::ScaleRule::rceil, mx::ScaleRule::even,
                                mx::ScaleRule::floor_float32_log2}) {
                mx::QuantizePolicy p;
                p.rounding = rounding;
                p.overflow = overflow;
                p.subnormal_inputs = subnormals;
                p.scale_rule = rule;
                p.seed = 99;
                if (!mx_quantize_supports(Backend::cpu, format, 8, p).ok) continue;
                for (std::size_t block : {v.size(), std::size_t{8}}) {
                  expect_quantize_equal(v, 1, v.size(), format, block, p, name_of(format) + " shift " +
                                                                              std::to_string(shift));
                }
              }
            }
          }
        }
      }
    }
  }
}

// --- GEMM -------------------------------------------------------------------------------------

const char* accumulation_label(Accumulation a) {
  return a == Accumulation::fused_exact ? "fused_exact" : a == Accumulation::block_then_fp32 ? "block_then_fp32" : "emu";
}

// CUDA == CPU where CUDA supports the pair; where it does not, the reason must be one of the two
// documented ones (emu_dequant_fp32, or a pair without an exact core).
void expect_gemm_equal(const mx::QuantizedRows& a, const mx::QuantizedRows& b, Accumulation acc,
                       const std::string& what) {
  const SupportReport r = mx_gemm_supports(Backend::cuda, a, b, acc);
  const bool expected_support = acc != Accumulation::emu_dequant_fp32 &&
                                mx_gemm_exact_core(a.format, b.format, a.block_size);
  ASSERT_EQ(r.ok, expected_support) << what << " " << accumulation_label(acc) << ": " << r.reason;
  if (!r.ok) return;
  ASSERT_EQ(bits_of(mx_gemm(Backend::cuda, a, b, acc)), bits_of(mx_gemm(Backend::cpu, a, b, acc)))
      << what << " " << accumulation_label(acc);
}

const Accumulation kAllAccumulations[] = {Accumulation::fused_exact, Accumulation::block_then_fp32,
                                          Accumulation::emu_dequant_fp32};

TEST(GpuMxGemm, EqualsCpuTwinEveryFormatPair) {
  SKIP_WITHOUT_CUDA();
  const std::size_t m = 7, n = 9, k = 257;
  std::uint32_t seed = 50;
  for (ElementFormat fa : mx::kAllElementFormats) {
    for (ElementFormat fb : mx::kAllElementFormats) {
      std::vector<float> va = random_values(m, k, seed++), vb = random_values(n, k, seed++);
      inject_specials(va, k);
      const auto qa = mx::quantize_rows(va.data(), m, k, fa, 32, {});
      const auto qb = mx::quantize_rows(vb.data(), n, k, fb, 32, {});
      for (Accumulation acc : kAllAccumulations) expect_gemm_equal(qa, qb, acc, name_of(fa) + " x " + name_of(fb));
    }
  }
}

TEST(GpuMxGemm, DeepAndOddShapesEveryExactFormat) {
  SKIP_WITHOUT_CUDA();
  struct Shape { std::size_t m, n, k, block; };
  const Shape shapes[] = {{1, 1, 1, 32},    {33, 7, 1000, 32}, {3, 5, 4000, 32}, {17, 65, 99, 7},
                          {2, 3, 4096, 512}, {257, 33, 257, 32}, {33, 65, 1000, 32}};
  std::uint32_t seed = 900;
  for (ElementFormat f : {ElementFormat::fp4_e2m1, ElementFormat::fp6_e2m3, ElementFormat::fp6_e3m2, ElementFormat::int8,
                          ElementFormat::fp8_e4m3}) {
    for (const Shape& s : shapes) {
      const auto va = random_values(s.m, s.k, seed++, 20), vb = random_values(s.n, s.k, seed++, 20);
      const auto qa = mx::quantize_rows(va.data(), s.m, s.k, f, s.block, {});
      const auto qb = mx::quantize_rows(vb.data(), s.n, s.k, f, s.block, {});
      for (Accumulation acc : {Accumulation::fused_exact, Accumulation::block_then_fp32}) {
        expect_gemm_equal(qa, qb, acc, name_of(f) + " " + std::to_string(s.m) + "x" + std::to_string(s.n) + "x" +
                                           std::to_string(s.k));
      }
    }
  }
}

TEST(GpuMxGemm, ExponentExtremes) {
  // Rows scaled near 2^-130 and 2^120: FP32-core pairs leave the window (golden's path for those
  // outputs, after the kernel), the double core takes them all.
  SKIP_WITHOUT_CUDA();
  const std::size_t m = 4, n = 5, k = 96;
  std::vector<float> va = random_values(m, k, 7, 2), vb = random_values(n, k, 8, 2);
  for (std::size_t c = 0; c < k; ++c) {
    va[c] = std::ldexp(va[c], -120);
    va[k + c] = std::ldexp(va[k + c], 110);
    vb[c] = std::ldexp(vb[c], -25);
    vb[k + c] = std::ldexp(vb[k + c], 20);
  }
  for (ElementFormat f : {ElementFormat::fp4_e2m1, ElementFormat::int8, ElementFormat::fp6_e3m2, ElementFormat::fp8_e4m3}) {
    const auto qa = mx::quantize_rows(va.data(), m, k, f, 32, {});
    const auto qb = mx::quantize_rows(vb.data(), n, k, f, 32, {});
    for (Accumulation acc : kAllAccumulations) expect_gemm_equal(qa, qb, acc, name_of(f) + " extremes");
  }
}

using test_inputs::random_rows;

TEST(GpuMxGemm, RandomCodesAndScalesEveryFormatPair) {
  // Every code (NaN/Inf codes included) under narrow and full-range scale bytes (0xFF = NaN).
  SKIP_WITHOUT_CUDA();
  std::uint32_t seed = 4000;
  for (ElementFormat fa : mx::kAllElementFormats) {
    for (ElementFormat fb : mx::kAllElementFormats) {
      for (auto [lo, hi] : {std::pair{115, 139}, std::pair{0, 255}}) {
        const auto qa = random_rows(5, 100, fa, 32, lo, hi, seed++);
        const auto qb = random_rows(6, 100, fb, 32, lo, hi, seed++);
        for (Accumulation acc : kAllAccumulations) {
          expect_gemm_equal(qa, qb, acc, name_of(fa) + " x " + name_of(fb) + " scales " + std::to_string(lo) + ".." +
                                             std::to_string(hi));
        }
      }
    }
  }
}

TEST(GpuMxGemm, Fp8WithOverflowCodes) {
  // OVF: values past 448 become NaN codes (E4M3) / Inf codes (E5M2) under a finite scale.
  SKIP_WITHOUT_CUDA();
  mx::QuantizePolicy ovf;
  ovf.overflow = mx::Overflow::to_inf_or_nan;
  const std::size_t m = 6, n = 5, k = 300;
  std::vector<float> va = random_values(m, k, 11, 12), vb = random_values(n, k, 12, 12);
  va[3] = 479.0f;
  for (ElementFormat fa : {ElementFormat::fp8_e4m3, ElementFormat::fp8_e5m2}) {
    for (ElementFormat fb : {ElementFormat::fp8_e4m3, ElementFormat::fp4_e2m1, ElementFormat::int8}) {
      const auto qa = mx::quantize_rows(va.data(), m, k, fa, 32, ovf);
      const auto qb = mx::quantize_rows(vb.data(), n, k, fb, 32, {});
      for (Accumulation acc : {Accumulation::fused_exact, Accumulation::block_then_fp32}) {
        expect_gemm_equal(qa, qb, acc, name_of(fa) + " x " + name_of(fb) + " ovf");
      }
    }
  }
}

TEST(GpuMxGemm, SignedZerosAndEmpty) {
  SKIP_WITHOUT_CUDA();
  const std::size_t m = 2, n = 2, k = 40;
  std::vector<float> va(m * k, 0.0f), vb(n * k, -0.0f);
  for (std::size_t c = 0; c < k; ++c) vb[k + c] = 0.0f;
  for (ElementFormat f : {ElementFormat::fp4_e2m1, ElementFormat::int8, ElementFormat::fp8_e4m3}) {
    const auto qa = mx::quantize_rows(va.data(), m, k, f, 32, {});
    const auto qb = mx::quantize_rows(vb.data(), n, k, f, 32, {});
    expect_gemm_equal(qa, qb, Accumulation::fused_exact, name_of(f) + " zeros");
  }
  const auto q0a = mx::quantize_rows(nullptr, 3, 0, ElementFormat::int8, 32, {});
  const auto q0b = mx::quantize_rows(nullptr, 2, 0, ElementFormat::int8, 32, {});
  expect_gemm_equal(q0a, q0b, Accumulation::fused_exact, "K = 0");
  const auto e0a = mx::quantize_rows(nullptr, 0, 64, ElementFormat::fp8_e4m3, 32, {});
  const auto e0b = mx::quantize_rows(nullptr, 0, 64, ElementFormat::fp8_e4m3, 32, {});
  expect_gemm_equal(e0a, e0b, Accumulation::fused_exact, "M = N = 0");
}

}  // namespace
}  // namespace tessera::kernels
