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
#include "kernels/optical/optical_gemm.h"

namespace tessera::kernels {
namespace {

optical::Matrix random_matrix(std::size_t rows, std::size_t cols, float scale, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> d(0.0f, scale);
  optical::Matrix mat{rows, cols, std::vector<float>(rows * cols)};
  for (auto& x : mat.data) x = d(gen);
  return mat;
}

std::vector<std::uint32_t> bits_of(const std::vector<float>& v) {
  std::vector<std::uint32_t> b(v.size());
  std::memcpy(b.data(), v.data(), v.size() * sizeof(float));
  return b;
}

optical::OpticalGemmSpec spec_of(bool split, bool noise, std::uint32_t levels) {
  optical::OpticalGemmSpec spec;
  spec.input = optical::make_quantizer(levels, -2.0f, 2.0f, 0.0f, "input");
  spec.weight = optical::make_quantizer(levels, -1.0f, 1.0f, 0.05f, "weight");
  spec.output.adc = optical::make_quantizer(levels, split ? 0.0f : -40.0f, 40.0f, 0.0f, "output");
  spec.split_signs = split;
  if (split) spec.negative_output.adc = optical::make_quantizer(levels, 0.0f, 40.0f, 0.0f, "negative output");
  if (noise) {
    spec.output.detector_noise_lsb = 0.7;
    spec.output.shot_noise_photons_full_scale = 5000.0;
    spec.negative_output.detector_noise_lsb = 0.3;
  }
  return spec;
}

TEST(OpticalGemm, CpuTwinEqualsGolden) {
  struct Shape { std::size_t m, n, k; };
  const Shape shapes[] = {{1, 1, 1}, {7, 33, 257}, {33, 7, 1000}, {3, 5, 3000}};
  std::uint32_t seed = 1;
  for (bool split : {false, true}) {
    for (bool noise : {false, true}) {
      for (std::uint32_t levels : {16u, 256u}) {
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
  EXPECT_FALSE(optical_gemm_supports(Backend::cuda, x, x, spec).ok);
}

}  // namespace
}  // namespace tessera::kernels
