// CUDA optical GEMM vs the CPU twin, bit for bit (label gpu): signed and split passes, the
// lut_min floor, detector and shot noise, bias, shapes 1, 7, 33, 257, K up to 3000, values past
// the ranges, attention-like operands, coarse and fine levels, and golden's errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "golden/common/error.h"
#include "golden/optical/matmul.h"
#include "golden/optical/quantizer.h"
#include "kernels/optical/optical_gemm.h"
#include "tests/kernels/gpu_test_support.h"

namespace tessera::kernels {
namespace {

using gpu_test::bits_of;


using test_inputs::random_matrix;
constexpr auto spec_of = test_inputs::optical_spec;

void expect_cuda_equals_cpu(const optical::Matrix& x, const optical::Matrix& w, const std::vector<float>& bias,
                            const optical::OpticalGemmSpec& spec, const optical::CallKey& key, const std::string& what) {
  const SupportReport r = optical_gemm_supports(Backend::cuda, x, w, spec);
  ASSERT_TRUE(r.ok) << r.reason;
  const optical::Matrix gpu = optical_gemm(Backend::cuda, x, w, bias, spec, key);
  const optical::Matrix cpu = optical_gemm(Backend::cpu, x, w, bias, spec, key);
  ASSERT_EQ(gpu.rows, cpu.rows);
  ASSERT_EQ(gpu.cols, cpu.cols);
  ASSERT_EQ(bits_of(gpu.data), bits_of(cpu.data)) << what;
}

TEST(GpuOpticalGemm, EqualsCpuTwin) {
  SKIP_WITHOUT_CUDA();
  struct Shape { std::size_t m, n, k; };
  const Shape shapes[] = {{1, 1, 1}, {7, 33, 257}, {33, 7, 1000}, {3, 5, 3000}, {257, 17, 65}, {40, 257, 33}};
  std::uint32_t seed = 1;
  for (bool split : {false, true}) {
    for (bool noise : {false, true}) {
      for (std::uint32_t levels : {16u, 256u, 1u << 20}) {
        const optical::OpticalGemmSpec spec = spec_of(split, noise, levels);
        for (const Shape& s : shapes) {
          // Activations partly beyond [-2, 2] (clamped), weights with many elements under lut_min.
          const optical::Matrix x = random_matrix(s.m, s.k, 1.5f, seed++);
          const optical::Matrix w = random_matrix(s.n, s.k, 0.3f, seed++);
          std::vector<float> bias(s.n);
          for (std::size_t j = 0; j < s.n; ++j) bias[j] = 0.25f * static_cast<float>(j) - 1.0f;
          const optical::CallKey key{1234, 7, seed};
          const std::string what = "split " + std::to_string(split) + " noise " + std::to_string(noise) + " L " +
                                   std::to_string(levels) + " shape " + std::to_string(s.m) + "x" +
                                   std::to_string(s.n) + "x" + std::to_string(s.k);
          expect_cuda_equals_cpu(x, w, bias, spec, key, what);
          expect_cuda_equals_cpu(x, w, {}, spec, key, what + " no bias");
        }
      }
    }
  }
}

TEST(GpuOpticalGemm, AttentionLikeOperandsAndExactZeros) {
  SKIP_WITHOUT_CUDA();
  // A.V: activations over the fixed range [0, 1] (softmax rows), V^T as the weight.
  optical::OpticalGemmSpec spec;
  spec.input = optical::make_quantizer(256, 0.0f, 1.0f, 0.0f, "attention probabilities");
  spec.weight = optical::make_quantizer(256, -3.0f, 3.0f, 0.1f, "values");
  spec.output.adc = optical::make_quantizer(256, -6.0f, 6.0f, 0.0f, "attention output");
  optical::Matrix a = random_matrix(9, 17, 1.0f, 3);
  for (auto& v : a.data) v = std::fabs(v) / 4.0f;
  const optical::Matrix vt = random_matrix(5, 17, 1.0f, 4);
  expect_cuda_equals_cpu(a, vt, {}, spec, {99, 3, 0}, "attention");
  // Split with weights whose transmitted value is exactly 0 (in neither pass; odd L puts code
  // (L-1)/2 on 0 for a symmetric range) and infinities (clamped).
  optical::OpticalGemmSpec split = spec_of(true, false, 255);
  split.weight = optical::make_quantizer(255, -1.0f, 1.0f, 0.0f, "weight without floor");
  optical::Matrix w = random_matrix(6, 40, 0.5f, 5);
  for (std::size_t i = 0; i < w.data.size(); i += 3) w.data[i] = 0.0f;
  optical::Matrix x = random_matrix(4, 40, 1.0f, 6);
  x.data[0] = std::numeric_limits<float>::infinity();
  x.data[1] = -std::numeric_limits<float>::infinity();
  expect_cuda_equals_cpu(x, w, {}, split, {5, 1, 2}, "split with zeros");
}

TEST(GpuOpticalGemm, GoldenErrors) {
  SKIP_WITHOUT_CUDA();
  const optical::OpticalGemmSpec spec = spec_of(false, false, 256);
  optical::Matrix x = random_matrix(2, 3, 1.0f, 1);
  const optical::Matrix w = random_matrix(2, 4, 1.0f, 2);
  EXPECT_THROW(optical_gemm(Backend::cuda, x, w, {}, spec, {}), InputError);
  x.data[4] = std::numeric_limits<float>::quiet_NaN();
  const optical::Matrix w3 = random_matrix(2, 3, 1.0f, 2);
  try {
    optical_gemm(Backend::cuda, x, w3, {}, spec, {});
    FAIL() << "NaN activation accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("element 4 is NaN"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tessera::kernels
