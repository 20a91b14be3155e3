// `tessera bench kernels` at the tiny size: the table's structure and that every ratio is a
// positive number. No timing assertions (the machine's load decides the figures).
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/run_command.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

std::vector<std::string> tiny_run(const std::string& json_path) {
  return {"bench", "kernels", "--size", "tiny", "--min-time", "0.001", "--threads", "1", "--json-out", json_path};
}

TEST(BenchKernelsCommand, PrintsAndWritesTheRatioTableForEveryKernel) {
  const test::ScratchDir dir;
  const std::string json_path = dir.file("bench.json");
  const test::CommandResult r = test::run_tessera(tiny_run(json_path));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* column : {"kernel", "shape", "rate", "(a) FP32 GEMM", "(b) golden", "(c) lookup", "targets"}) {
    EXPECT_NE(r.out.find(column), std::string::npos) << column << " missing from\n" << r.out;
  }
  EXPECT_NE(r.out.find("threads 1;"), std::string::npos) << r.out;

  std::ifstream in(json_path);
  const nlohmann::json table = nlohmann::json::parse(in);
  EXPECT_EQ(table.at("threads").get<int>(), 1);
  EXPECT_EQ(table.at("rate_per").get<std::string>(), "wall-clock second");
  const std::string core = table.at("int8_core").get<std::string>();  // which integer GEMM ran
  EXPECT_TRUE(core.rfind("amx", 0) == 0 || core.rfind("vnni", 0) == 0 || core.rfind("portable", 0) == 0) << core;
  EXPECT_NE(r.out.find("integer GEMM core"), std::string::npos) << r.out;
  const std::string sums = table.at("lookup_sums").get<std::string>();  // how the gather path summed
  EXPECT_TRUE(sums.rfind("amx_tiles", 0) == 0 || sums.rfind("vector", 0) == 0) << sums;
  EXPECT_NE(r.out.find("lookup sums"), std::string::npos) << r.out;
  EXPECT_GT(table.at("lookup_rate").get<double>(), 0.0);
  std::set<std::string> kernels;
  for (const nlohmann::json& row : table.at("rows")) {
    const std::string kernel = row.at("kernel").get<std::string>();
    const std::string variant = row.at("variant").get<std::string>();
    SCOPED_TRACE(kernel + " " + row.at("shape").get<std::string>() + " " + variant);
    if (row.at("device").get<std::string>() == "cuda") {  // only where a device ran them
      EXPECT_EQ(kernel.rfind("cuda_", 0), 0u);
      for (const nlohmann::json& t : row.at("targets")) EXPECT_NE(t.at("target").get<std::string>(), ">= 20x golden");
      continue;
    }
    kernels.insert(kernel);
    EXPECT_GT(row.at("rate").get<double>(), 0.0);
    // Every kernel has a golden yardstick; all but mx_quantize an Eigen GEMM of its shape.
    ASSERT_TRUE(row.at("ratio_to_golden").is_number());
    EXPECT_GT(row.at("ratio_to_golden").get<double>(), 0.0);
    if (kernel == "mx_quantize") {
      EXPECT_TRUE(row.at("ratio_to_fp32_gemm").is_null());
      EXPECT_EQ(row.at("unit").get<std::string>(), "elements/s");
    } else {
      ASSERT_TRUE(row.at("ratio_to_fp32_gemm").is_number());
      EXPECT_GT(row.at("ratio_to_fp32_gemm").get<double>(), 0.0);
      EXPECT_EQ(row.at("unit").get<std::string>(), "MAC/s");
    }
    // The lookup rate is the yardstick of the gather path only, with its own target.
    const bool gather = variant.find("/gather") != std::string::npos;
    ASSERT_EQ(row.at("ratio_to_lookup_rate").is_number(), gather);
    if (gather) {
      EXPECT_GT(row.at("ratio_to_lookup_rate").get<double>(), 0.0);
    }
    std::set<std::string> targets;
    for (const nlohmann::json& t : row.at("targets")) {
      EXPECT_TRUE(t.at("met").is_boolean());
      targets.insert(t.at("target").get<std::string>());
    }
    EXPECT_EQ(targets.count(">= 20x golden"), 1u);
    EXPECT_EQ(targets.count(">= 50% of lookups"), gather ? 1u : 0u);
  }
  EXPECT_EQ(kernels, (std::set<std::string>{"approx_gemm", "approx_conv2d", "mx_gemm", "mx_quantize", "optical_gemm"}));
}

TEST(BenchKernelsCommand, FilterSelectsKernelsAndKeepsTheYardsticks) {
  const test::ScratchDir dir;
  const std::string json_path = dir.file("bench.json");
  std::vector<std::string> args = tiny_run(json_path);
  args.insert(args.end(), {"--filter", "BM_mx_gemm"});
  const test::CommandResult r = test::run_tessera(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(json_path);
  const nlohmann::json table = nlohmann::json::parse(in);
  ASSERT_EQ(table.at("rows").size(), 5u);  // FP4, FP6 x 2, INT8, FP8
  for (const nlohmann::json& row : table.at("rows")) {
    EXPECT_EQ(row.at("kernel").get<std::string>(), "mx_gemm");
    EXPECT_TRUE(row.at("ratio_to_golden").is_number());
    EXPECT_TRUE(row.at("ratio_to_fp32_gemm").is_number());
  }
}

TEST(BenchKernelsCommand, CpuTimeRatesSayTheirBasis) {
  const test::ScratchDir dir;
  const std::string json_path = dir.file("bench.json");
  std::vector<std::string> args = tiny_run(json_path);
  args.insert(args.end(), {"--filter", "BM_optical", "--cpu-time"});
  const test::CommandResult r = test::run_tessera(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("rates per process CPU second"), std::string::npos) << r.out;
  std::ifstream in(json_path);
  const nlohmann::json table = nlohmann::json::parse(in);
  EXPECT_EQ(table.at("rate_per").get<std::string>(), "process CPU second");
  ASSERT_EQ(table.at("rows").size(), 1u);
  EXPECT_GT(table.at("rows")[0].at("ratio_to_golden").get<double>(), 0.0);
}

TEST(BenchKernelsCommand, SaysWhenNothingMatchesOrTheSizeIsUnknown) {
  const test::ScratchDir dir;
  std::vector<std::string> args = tiny_run(dir.file("bench.json"));
  args.insert(args.end(), {"--filter", "no_such_kernel"});
  const test::CommandResult none = test::run_tessera(args);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no kernel benchmark matches"), std::string::npos) << none.err;

  const test::CommandResult bad_size = test::run_tessera({"bench", "kernels", "--size", "huge"});
  EXPECT_EQ(bad_size.exit_code, 2);
}

}  // namespace
}  // namespace tessera
