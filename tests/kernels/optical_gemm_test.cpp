// CPU twin of the optical GEMM vs golden/optical, bit for bit: signed and split passes, the
// lut_min floor, detector and shot noise, bias, odd shapes, K up to 3000, values past the ranges.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "golden/common/error.h"
#include "golden/optical/matmul.h"
#include "golden/optical/quantizer.h"
#include "kernels/optical/adc_draws.h"
#include "kernels/optical/optical_gemm.h"
#include "kernels/optical/quantize_operand.h"
#include "tests/kernels/kernel_test_inputs.h"

namespace tessera::kernels {
namespace {

using test_inputs::bits_of;
using test_inputs::random_matrix;
constexpr auto spec_of = test_inputs::optical_spec;

TEST(OpticalGemm, CpuTwinEqualsGolden) {
  struct Shape { std::size_t m, n, k; };
  // N = 33, 48, 64: blocks of 16 outputs inside one row (combined and converted 16 at a time) and
  // blocks that straddle rows.
  const Shape shapes[] = {{1, 1, 1}, {7, 33, 257}, {33, 7, 1000}, {3, 5, 3000}, {5, 48, 65}, {3, 64, 7}};
  std::uint32_t seed = 1;
  for (bool split : {false, true}) {
    for (bool noise : {false, true}) {
      // <= 256 levels: the int8 core; 257, 4096: the double core.
      for (std::uint32_t levels : {16u, 256u, 257u, 4096u}) {
        const optical::OpticalGemmSpec spec = spec_of(split, noise, levels);
        for (const Shape& s : shapes) {
          // Activations partly beyond [-2, 2] (clamped), weights with many elements under lut_min.
          const optical::Matrix x = random_matrix(s.m, s.k, 1.5f, seed++);
          const optical::Matrix w = random_matrix(s.n, s.k, 0.3f, seed++);
          std::vector<float> bias(s.n);
          for (std::size_t j = 0; j < s.n; ++j) bias[j] = 0.25f * static_cast<float>(j) - 1.0f;
          const optical::CallKey key{1234, 7, static_cast<std::uint32_t>(seed)};
          const optical::Matrix expected = optical::optical_gemm(x, w, bias, spec, key);
          const optical::Matrix got = optical_gemm(Backend::cpu, x, w, bias, spec, key);
          ASSERT_EQ(bits_of(got.data), bits_of(expected.data))
              << "split " << split << " noise " << noise << " L " << levels << " shape " << s.m << "x" << s.n << "x" << s.k;
          double norm = 0;
          for (float v : expected.data) norm += std::fabs(v);
          EXPECT_GT(norm, 0);
          const optical::Matrix no_bias = optical_gemm(Backend::cpu, x, w, {}, spec, key);
          ASSERT_EQ(bits_of(no_bias.data), bits_of(optical::optical_gemm(x, w, {}, spec, key).data));
        }
      }
    }
  }
}

// The integer core's extremes: every code at 0 or L - 1 (qw - 128 = -128 or 127), K in the
// thousands, and K past the core's bound K * 255 * 128 < 2^31 (the double core takes over).
TEST(OpticalGemm, SaturatedCodesAndDeepK) {
  for (bool split : {false, true}) {
    for (std::size_t k : {std::size_t{4099}, std::size_t{65793}}) {
      // An output range wide enough for |y| <= 2 K, so that a wrong sum shows in the codes.
      optical::OpticalGemmSpec spec = spec_of(split, false, 256);
      const float range = 3.0f * static_cast<float>(k);
      spec.output.adc = optical::make_quantizer(1u << 16, split ? 0.0f : -range, range, 0.0f, "output");
      spec.negative_output.adc = optical::make_quantizer(1u << 16, 0.0f, range, 0.0f, "negative output");
      for (float wv : {5.0f, -5.0f, 0.01f}) {
        optical::Matrix x{2, k, std::vector<float>(2 * k, 100.0f)};
        for (std::size_t t = 0; t < k; ++t) x.data[k + t] = t % 3 == 0 ? -100.0f : 100.0f;
        optical::Matrix w{3, k, std::vector<float>(3 * k, wv)};
        for (std::size_t t = 0; t < k; ++t) w.data[2 * k + t] = t % 2 == 0 ? -wv : wv;
        const optical::CallKey key{5, 1, 2};
        ASSERT_EQ(bits_of(optical_gemm(Backend::cpu, x, w, {}, spec, key).data),
                  bits_of(optical::optical_gemm(x, w, {}, spec, key).data))
            << "split " << split << " K " << k << " w " << wv;
      }
    }
  }
}

// The DAC codes and floor signs on adversarial values: signed zeros, the range ends and one ulp
// either side, values past the range, every grid midpoint (ties of round_half_even) and one ulp
// either side, for several level counts, ranges and floors; lengths that are no multiple of 16.
TEST(OpticalQuantizeOperand, CpuTwinEqualsGoldenOnTiesAndBounds) {
  struct Range { float min, max, lut_min; };
  const Range ranges[] = {{-1.0f, 1.0f, 0.0f}, {-3.0f, 2.5f, 0.05f}, {0.0f, 1.0f, 0.0f}, {-1e-3f, 7.0f, 0.2f}};
  for (std::uint32_t levels : {2u, 3u, 16u, 255u, 256u, 4097u, 1u << 24}) {
    for (const Range& range : ranges) {
      const optical::QuantizerParams p = optical::make_quantizer(levels, range.min, range.max, range.lut_min, "q");
      std::vector<float> v = {0.0f, -0.0f, range.min, range.max, -1e30f, 1e30f, 1e-40f, -1e-40f};
      for (float edge : {range.min, range.max, 0.0f}) {
        v.push_back(std::nextafter(edge, -1e30f));
        v.push_back(std::nextafter(edge, 1e30f));
      }
      const float step = (range.max - range.min) / static_cast<float>(levels - 1u);
      for (std::uint32_t i = 0; i + 1 < std::min(levels, 600u); ++i) {
        const float mid = range.min + (static_cast<float>(i) + 0.5f) * step;
        v.insert(v.end(), {mid, std::nextafter(mid, -1e30f), std::nextafter(mid, 1e30f)});
      }
      const optical::Matrix mat{1, v.size(), v};
      const optical::OperandCodes expected = optical::quantize_operand(mat, p, "x");
      const optical::OperandCodes got = optical_quantize_operand(mat, p, "x");
      ASSERT_EQ(got.codes, expected.codes) << "L " << levels << " range " << range.min << ".." << range.max;
      ASSERT_EQ(got.floor_signs, expected.floor_signs) << "L " << levels << " lut_min " << range.lut_min;
    }
  }
  const optical::QuantizerParams p = optical::make_quantizer(16, -1.0f, 1.0f, 0.0f, "q");
  optical::Matrix with_nan{1, 20, std::vector<float>(20, 0.5f)};
  with_nan.data[17] = std::nanf("");
  EXPECT_THROW(optical_quantize_operand(with_nan, p, "x"), InputError);
}

// The 16-at-a-time draws against golden's adc_convert element by element: every noise mix, both
// passes, indices whose 64-bit counter crosses 2^32 within a block, large seeds and call counters.
TEST(OpticalAdcDraws, EqualGoldenAdcConvert) {
  std::mt19937_64 gen(17);
  std::normal_distribution<double> analog(0.0, 30.0);
  for (int noise = 0; noise < 4; ++noise) {
    optical::OutputStage stage;
    stage.adc = optical::make_quantizer(256, -40.0f, 40.0f, 0.0f, "adc");
    stage.detector_noise_lsb = (noise & 1) ? 0.7 : 0.0;
    stage.shot_noise_photons_full_scale = (noise & 2) ? 300.0 : 0.0;
    for (const std::uint64_t first : {std::uint64_t{0}, std::uint64_t{48}, (std::uint64_t{1} << 32) - 5,
                                      std::uint64_t{0x123456789ABCull}}) {
      for (std::uint32_t pass : {0u, 1u}) {
        const optical::CallKey key{gen(), static_cast<std::uint32_t>(gen() >> 40), static_cast<std::uint32_t>(gen() % (1u << 29))};
        AdcDraws draws;
        adc_draws(first, stage, key, pass, draws);
        double y[kAdcBlock];
        float all16[kAdcBlock];
        for (std::size_t lane = 0; lane < kAdcBlock; ++lane) y[lane] = analog(gen);
        y[3] = 0.0, y[4] = -0.0, y[5] = 1e300, y[6] = -1e300, y[7] = 40.0;  // zeros, clamps, the range end
        adc_convert16(y, draws, stage, all16);
        for (std::size_t lane = 0; lane < kAdcBlock; ++lane) {
          const float expected = optical::adc_convert(y[lane], first + lane, stage, key, pass);
          const float got = adc_convert_with_draws(y[lane], draws, lane, stage);
          ASSERT_EQ(bits_of({got}), bits_of({expected})) << "noise " << noise << " index " << first + lane << " pass " << pass;
          ASSERT_EQ(bits_of({all16[lane]}), bits_of({expected})) << "16 lanes: noise " << noise << " lane " << lane;
        }
      }
    }
  }
}

TEST(OpticalGemm, AttentionLikeOperands) {
  // A.V: activations over the fixed range [0, 1] (softmax rows), V^T as the weight.
  optical::OpticalGemmSpec spec;
  spec.input = optical::make_quantizer(256, 0.0f, 1.0f, 0.0f, "attention probabilities");
  spec.weight = optical::make_quantizer(256, -3.0f, 3.0f, 0.1f, "values");
  spec.output.adc = optical::make_quantizer(256, -6.0f, 6.0f, 0.0f, "attention output");
  optical::Matrix a = random_matrix(9, 17, 1.0f, 3);
  for (auto& v : a.data) v = std::fabs(v) / 4.0f;
  const optical::Matrix vt = random_matrix(5, 17, 1.0f, 4);
  const optical::CallKey key{99, 3, 0};
  EXPECT_EQ(bits_of(optical_gemm(Backend::cpu, a, vt, {}, spec, key).data),
            bits_of(optical::optical_gemm(a, vt, {}, spec, key).data));
}

TEST(OpticalGemm, ErrorsAndSupport) {
  const optical::OpticalGemmSpec spec = spec_of(false, false, 256);
  const optical::Matrix x = random_matrix(2, 3, 1.0f, 1), w = random_matrix(2, 4, 1.0f, 2);
  EXPECT_THROW(optical_gemm(Backend::cpu, x, w, {}, spec, {}), InputError);
  EXPECT_THROW(optical_gemm(Backend::cpu, x, random_matrix(2, 3, 1.0f, 2), {1.0f}, spec, {}), InputError);
  optical::OpticalGemmSpec deep = spec;
  deep.input = optical::make_quantizer(1 << 24, -1.0f, 1.0f, 0.0f, "deep");
  deep.weight = optical::make_quantizer(1 << 24, -1.0f, 1.0f, 0.0f, "deep");
  const SupportReport r = optical_gemm_supports(Backend::cpu, random_matrix(1, 64, 1, 1), random_matrix(1, 64, 1, 1), deep);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.reason.find("2^53"), std::string::npos);
  const SupportReport gpu = optical_gemm_supports(Backend::cuda, x, x, spec);
  if (!cuda_available().ok) {
    EXPECT_FALSE(gpu.ok);
    EXPECT_FALSE(gpu.reason.empty());
  }
}

}  // namespace
}  // namespace tessera::kernels
