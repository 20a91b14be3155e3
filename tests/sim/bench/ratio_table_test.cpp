// The ratio table's arithmetic on measurements made up for the purpose: which yardstick each row is
// divided by (Eigen or cuBLAS, host or shared-memory lookups, golden of the CPU family) and which
// targets it is judged against. Needs no device: the CUDA rows are data here.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kernels/bench/ratio_table.h"

namespace tessera {
namespace {

using kernels::bench::Measurement;
using kernels::bench::RatioRow;

Measurement measured(const std::string& label, double rate, const std::string& unit = "MAC/s") {
  return {"BM_" + label, label, unit, rate, ""};
}

const RatioRow& row_of(const kernels::bench::RatioTable& table, const std::string& family, const std::string& variant) {
  for (const RatioRow& r : table.rows) {
    if (r.family == family && r.variant == variant) return r;
  }
  throw std::runtime_error("no row " + family + " " + variant);
}

bool has_target(const RatioRow& row, const std::string& target, bool met) {
  for (const auto& t : row.targets) {
    if (t.target == target) return t.met == met;
  }
  return false;
}

TEST(RatioTable, CudaRowsAreMeasuredAgainstTheDevicesYardsticks) {
  const std::vector<Measurement> runs = {
      measured("eigen_fp32_gemm 8x8x8", 100.0),
      measured("cublas_fp32_gemm 8x8x8", 1000.0),
      measured("random_lookup_128KiB 65536", 10.0, "lookups/s"),
      measured("cuda_shared_lookup_128KiB 65536", 50.0, "lookups/s"),
      measured("golden_approx_gemm 8x8x8 mul8s_1L2H", 1.0),
      measured("golden_mx_gemm 8x8x8 fp4_e2m1", 0.5),
      measured("approx_gemm 8x8x8 mitchell/gather", 8.0),
      measured("cuda_approx_gemm 8x8x8 mitchell/gather", 30.0),
      measured("cuda_approx_gemm 8x8x8 trunc4/bit_planes", 400.0),
      measured("cuda_mx_gemm 8x8x8 fp4_e2m1+copies", 200.0),
  };
  const kernels::bench::RatioTable table = kernels::bench::build_ratio_table(runs, 2);
  EXPECT_DOUBLE_EQ(table.lookup_rate, 10.0);
  EXPECT_DOUBLE_EQ(table.gpu_lookup_rate, 50.0);
  ASSERT_EQ(table.rows.size(), 4u);  // yardsticks and golden runs are not rows

  const RatioRow& cpu_gather = row_of(table, "approx_gemm", "mitchell/gather");
  EXPECT_FALSE(cpu_gather.on_gpu);
  EXPECT_DOUBLE_EQ(*cpu_gather.vs_fp32_gemm, 0.08);
  EXPECT_DOUBLE_EQ(*cpu_gather.vs_lookup, 0.8);
  EXPECT_DOUBLE_EQ(*cpu_gather.vs_golden, 8.0);
  EXPECT_TRUE(has_target(cpu_gather, ">= 50% of lookups", true));
  EXPECT_TRUE(has_target(cpu_gather, ">= 20x golden", false));

  const RatioRow& gpu_gather = row_of(table, "cuda_approx_gemm", "mitchell/gather");
  EXPECT_TRUE(gpu_gather.on_gpu);
  EXPECT_DOUBLE_EQ(*gpu_gather.vs_fp32_gemm, 0.03);  // cuBLAS, not Eigen
  EXPECT_DOUBLE_EQ(*gpu_gather.vs_lookup, 0.6);      // shared-memory lookups, not host ones
  EXPECT_DOUBLE_EQ(*gpu_gather.vs_golden, 30.0);
  EXPECT_TRUE(has_target(gpu_gather, ">= 50% of lookups", true));
  EXPECT_FALSE(has_target(gpu_gather, ">= 20x golden", true) || has_target(gpu_gather, ">= 20x golden", false));

  const RatioRow& gpu_planes = row_of(table, "cuda_approx_gemm", "trunc4/bit_planes");
  EXPECT_TRUE(has_target(gpu_planes, ">= 25% of cuBLAS", true));
  EXPECT_FALSE(gpu_planes.vs_lookup.has_value());

  // "+copies" rows compare with golden of the same format and with cuBLAS of their shape.
  const RatioRow& gpu_mx = row_of(table, "cuda_mx_gemm", "fp4_e2m1+copies");
  EXPECT_DOUBLE_EQ(*gpu_mx.vs_golden, 400.0);
  EXPECT_DOUBLE_EQ(*gpu_mx.vs_fp32_gemm, 0.2);
  EXPECT_TRUE(has_target(gpu_mx, ">= 25% of cuBLAS", false));
}

TEST(RatioTable, SkippedBenchmarksAreCountedWithTheirReason) {
  Measurement skipped = measured("cuda_approx_gemm 8x8x8 exact/exact", 0.0, "");
  skipped.skipped = "no CUDA device: none";
  const kernels::bench::RatioTable table = kernels::bench::build_ratio_table(
      {measured("eigen_fp32_gemm 8x8x8", 100.0), skipped, skipped, measured("approx_gemm 8x8x8 exact/exact", 50.0)}, 1);
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.skipped, 2u);
  EXPECT_EQ(table.skipped_reason, "no CUDA device: none");
  const nlohmann::json from_benchmark = {{"benchmarks", nlohmann::json::array({
      {{"name", "BM_cuda_x"}, {"run_name", "BM_cuda_x"}, {"run_type", "iteration"}, {"error_occurred", true},
       {"error_message", "no CUDA device: none"}},
      {{"name", "BM_y"}, {"run_name", "BM_y"}, {"run_type", "iteration"}, {"label", "approx_gemm 8x8x8 exact/exact"},
       {"MAC/s", 5.0}}})}};
  const auto read = kernels::bench::measurements_from_benchmark_json(from_benchmark);
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].skipped, "no CUDA device: none");
  EXPECT_TRUE(read[1].skipped.empty());
}

// Interleaved repetitions write the runs in a random order; the rows keep the registration order
// (family, then instance), and the median replaces a benchmark's repetitions wherever they were.
TEST(RatioTable, RowsKeepTheRegistrationOrder) {
  const auto run = [](const char* name, int family, int instance, const char* type, double rate) {
    nlohmann::json b = {{"name", name}, {"run_name", name}, {"run_type", type}, {"family_index", family},
                        {"per_family_instance_index", instance}, {"label", name}, {"MAC/s", rate}};
    if (std::string(type) == "aggregate") b["aggregate_name"] = "median";
    return b;
  };
  const nlohmann::json from_benchmark = {{"benchmarks", nlohmann::json::array({
      run("c", 2, 0, "iteration", 1.0), run("b", 1, 1, "iteration", 2.0), run("a", 1, 0, "iteration", 3.0),
      run("c", 2, 0, "iteration", 4.0), run("b", 1, 1, "aggregate", 5.0), run("c", 2, 0, "aggregate", 6.0)})}};
  const auto read = kernels::bench::measurements_from_benchmark_json(from_benchmark);
  ASSERT_EQ(read.size(), 3u);
  EXPECT_EQ(read[0].name, "a");
  EXPECT_EQ(read[1].name, "b");
  EXPECT_EQ(read[2].name, "c");
  EXPECT_DOUBLE_EQ(read[0].rate, 3.0);
  EXPECT_DOUBLE_EQ(read[1].rate, 5.0);
  EXPECT_DOUBLE_EQ(read[2].rate, 6.0);
}

TEST(RatioTable, ACudaRowWithoutCublasHasNoFp32Ratio) {
  const kernels::bench::RatioTable table = kernels::bench::build_ratio_table(
      {measured("eigen_fp32_gemm 8x8x8", 100.0), measured("cuda_approx_gemm 8x8x8 exact/exact", 30.0)}, 1);
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_FALSE(table.rows[0].vs_fp32_gemm.has_value()) << "a device kernel must not be divided by Eigen";
  EXPECT_TRUE(table.rows[0].targets.empty());
}

}  // namespace
}  // namespace tessera
