// CUDA approximate GEMM / conv2d vs the CPU twin, bit for bit (label gpu): every bundled table and
// parametric design, both CUDA kernels (the shared-memory table kernel for every table, forced;
// the int8 tensor-core kernel for exact and bit-plane tables), shapes 1, 7, 33, 257, K up to
// 65,535, extreme operands, conv2d with stride, dilation, padding and groups.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "golden/approx/catalog.h"
#include "kernels/approx/approx_gemm.h"
#include "tests/kernels/gpu_test_support.h"

namespace tessera::kernels {
namespace {

using gpu_test::random_codes;

using test_inputs::all_multiplier_names;

struct Shape {
  std::size_t m, n, k;
};

void expect_cuda_equals_cpu(const ApproxPlan& plan, const std::vector<std::int8_t>& a, const std::vector<std::int8_t>& w,
                            const Shape& s, const std::string& what) {
  const SupportReport r = approx_gemm_supports(Backend::cuda, s.m, s.n, s.k);
  ASSERT_TRUE(r.ok) << r.reason;
  ASSERT_EQ(approx_gemm(Backend::cuda, plan, a.data(), w.data(), s.m, s.n, s.k),
            approx_gemm(Backend::cpu, plan, a.data(), w.data(), s.m, s.n, s.k))
      << what << " (" << approx_path_name(plan.path()) << ") " << s.m << "x" << s.n << "x" << s.k;
}

class GpuApproxGemmAllTables : public ::testing::TestWithParam<std::string> {};

TEST_P(GpuApproxGemmAllTables, EqualsCpuTwinOnOddShapes) {
  SKIP_WITHOUT_CUDA();
  const approx::MultiplierTable table = approx::load_multiplier(GetParam());
  const Shape shapes[] = {{1, 1, 1},     {7, 33, 257}, {33, 7, 1000}, {3, 5, 4096},
                          {257, 9, 33},  {2, 513, 70}, {65, 63, 1000}, {257, 129, 33}};
  std::uint32_t seed = 1;
  // The plan's own path (tensor cores for exact / bit-plane tables), and the table kernel forced.
  for (bool allow_structured : {true, false}) {
    const ApproxPlan plan(table, allow_structured);
    for (const Shape& s : shapes) {
      expect_cuda_equals_cpu(plan, random_codes(s.m * s.k, seed), random_codes(s.n * s.k, seed + 1), s, GetParam());
      seed += 2;
    }
  }
}

TEST_P(GpuApproxGemmAllTables, ExtremeOperands) {
  SKIP_WITHOUT_CUDA();
  const approx::MultiplierTable table = approx::load_multiplier(GetParam());
  const Shape s{5, 6, 4093};
  // Rows of constant -128, 127, -127, 0, 1 and an alternating row: the largest |sums| the table allows.
  const std::int8_t values[] = {-128, 127, -127, 0, 1};
  std::vector<std::int8_t> a(s.m * s.k), w(s.n * s.k);
  for (std::size_t r = 0; r < s.m; ++r)
    for (std::size_t i = 0; i < s.k; ++i) a[r * s.k + i] = values[r];
  for (std::size_t r = 0; r < s.n; ++r)
    for (std::size_t i = 0; i < s.k; ++i) w[r * s.k + i] = r < 5 ? values[r] : static_cast<std::int8_t>(i % 2 ? -128 : 127);
  for (bool allow_structured : {true, false}) {
    expect_cuda_equals_cpu(ApproxPlan(table, allow_structured), a, w, s, GetParam() + " extremes");
  }
}

INSTANTIATE_TEST_SUITE_P(Tables, GpuApproxGemmAllTables, ::testing::ValuesIn(all_multiplier_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(GpuApproxGemm, DeepestKOnBothKernels) {
  // K = 65,535 (the int32 limit): -128 * -128 everywhere gives 65535 * 16384 = 2^30 - 2^14 for
  // the exact table (tensor cores: K' * 16384 < 2^31 holds); trunc7 has 7 groups, so K' = 8 K
  // leaves the tensor-core bound and the table kernel takes it.
  SKIP_WITHOUT_CUDA();
  const Shape s{3, 17, 65535};
  std::vector<std::int8_t> a = random_codes(s.m * s.k, 77), w = random_codes(s.n * s.k, 78);
  for (std::size_t i = 0; i < s.k; ++i) a[i] = w[i] = -128;
  for (const char* name : {"exact", "trunc7", "bam_h2_v0", "mul8s_1L2H"}) {
    expect_cuda_equals_cpu(ApproxPlan(approx::load_multiplier(name)), a, w, s, name);
  }
}

TEST(GpuApproxConv2d, EqualsCpuTwin) {
  SKIP_WITHOUT_CUDA();
  const std::vector<approx::Conv2dShape> shapes = test_inputs::conv_shapes();
  std::vector<std::string> names = {"exact", "trunc4", "bam_h2_v5", "mitchell"};
  for (const auto& b : approx::bundled_multipliers()) names.push_back(b.name);
  std::uint32_t seed = 100;
  for (const std::string& name : names) {
    const ApproxPlan plan(approx::load_multiplier(name));
    for (const auto& s : shapes) {
      const auto in = random_codes(s.input_size(), seed++);
      const auto wt = random_codes(s.weight_size(), seed++);
      ASSERT_TRUE(approx_conv2d_supports(Backend::cuda, s).ok) << approx_conv2d_supports(Backend::cuda, s).reason;
      ASSERT_EQ(approx_conv2d(Backend::cuda, plan, in.data(), wt.data(), s),
                approx_conv2d(Backend::cpu, plan, in.data(), wt.data(), s))
          << name;
    }
  }
}

}  // namespace
}  // namespace tessera::kernels
