// CUDA kernels vs the CPU twin, bit for bit (label gpu). Without a device, or in a build without
// CUDA, every test skips with the reason.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "golden/approx/catalog.h"
#include "golden/mx/tensor.h"
#include "kernels/approx/approx_gemm.h"
#include "kernels/mx/mx_ops.h"

namespace tessera::kernels {
namespace {

#define SKIP_WITHOUT_CUDA()                                              \
  do {                                                                   \
    const SupportReport device = cuda_available();                       \
    if (!device.ok) GTEST_SKIP() << device.reason;                       \
  } while (0)

std::vector<std::int8_t> random_codes(std::size_t count, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<std::int8_t> v(count);
  for (auto& x : v) x = static_cast<std::int8_t>(dist(gen));
  return v;
}

TEST(GpuApproxGemm, EqualsCpuTwinOnEveryBundledTable) {
  SKIP_WITHOUT_CUDA();
  std::vector<std::string> names = {"exact", "trunc5", "bam_h3_v6", "drum4", "mitchell"};
  for (const auto& b : approx::bundled_multipliers()) names.push_back(b.name);
  struct Shape { std::size_t m, n, k; };
  const Shape shapes[] = {{1, 1, 1}, {7, 33, 257}, {65, 63, 1000}, {3, 5, 4096}, {257, 129, 33}};
  std::uint32_t seed = 1;
  for (const std::string& name : names) {
    const ApproxPlan plan(approx::load_multiplier(name));
    for (const Shape& s : shapes) {
      ASSERT_TRUE(approx_gemm_supports(Backend::cuda, s.m, s.n, s.k).ok)
          << approx_gemm_supports(Backend::cuda, s.m, s.n, s.k).reason;
      const auto a = random_codes(s.m * s.k, seed++), w = random_codes(s.n * s.k, seed++);
      EXPECT_EQ(approx_gemm(Backend::cuda, plan, a.data(), w.data(), s.m, s.n, s.k),
                approx_gemm(Backend::cpu, plan, a.data(), w.data(), s.m, s.n, s.k))
          << name << " " << s.m << "x" << s.n << "x" << s.k;
    }
  }
}

TEST(GpuApproxConv2d, EqualsCpuTwin) {
  SKIP_WITHOUT_CUDA();
  approx::Conv2dShape s;
  s.batch = 2; s.in_channels = 6; s.in_height = 9; s.in_width = 11; s.out_channels = 10;
  s.kernel_height = 3; s.kernel_width = 3; s.pad_h = 1; s.pad_w = 2; s.stride_w = 2; s.groups = 2;
  const ApproxPlan plan(approx::load_multiplier("mul8s_1L2H"));
  const auto in = random_codes(s.input_size(), 5), w = random_codes(s.weight_size(), 6);
  EXPECT_EQ(approx_conv2d(Backend::cuda, plan, in.data(), w.data(), s),
            approx_conv2d(Backend::cpu, plan, in.data(), w.data(), s));
}

std::vector<std::uint32_t> bits_of(const std::vector<float>& v) {
  std::vector<std::uint32_t> b(v.size());
  std::memcpy(b.data(), v.data(), v.size() * sizeof(float));
  return b;
}

TEST(GpuMxGemm, EqualsCpuTwinOnFastFormats) {
  SKIP_WITHOUT_CUDA();
  std::mt19937 gen(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> exp(-20, 20);
  for (mx::ElementFormat f : {mx::ElementFormat::fp4_e2m1, mx::ElementFormat::fp6_e2m3, mx::ElementFormat::fp6_e3m2,
                              mx::ElementFormat::int8}) {
    const std::size_t m = 33, n = 65, k = 1000;
    std::vector<float> va(m * k), vb(n * k);
    for (auto& x : va) x = std::ldexp(normal(gen), exp(gen));
    for (auto& x : vb) x = std::ldexp(normal(gen), exp(gen));
    va[5] = std::numeric_limits<float>::quiet_NaN();
    const auto qa = mx::quantize_rows(va.data(), m, k, f, 32, {});
    const auto qb = mx::quantize_rows(vb.data(), n, k, f, 32, {});
    for (mx::Accumulation acc : {mx::Accumulation::fused_exact, mx::Accumulation::block_then_fp32}) {
      ASSERT_TRUE(mx_gemm_supports(Backend::cuda, qa, qb, acc).ok);
      EXPECT_EQ(bits_of(mx_gemm(Backend::cuda, qa, qb, acc)), bits_of(mx_gemm(Backend::cpu, qa, qb, acc)))
          << mx::element_format_name(f);
    }
  }
}

}  // namespace
}  // namespace tessera::kernels
