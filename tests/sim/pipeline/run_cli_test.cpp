#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "golden/common/data_path.h"
#include "golden/io/atomic_file.h"
#include "tests/support/run_command.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

TEST(RunCli, BundledRunPrintsLayersAndWritesTheReport) {
  test::ScratchDir dir;
  const std::string report_dir = dir.file("report");
  const test::CommandResult result =
      test::run_tessera({"run", "--images", "32", "--calibration-images", "16", "--report", report_dir});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("/blocks.0/attn/qk/MatMul"), std::string::npos);
  EXPECT_NE(result.out.find("top-1 over 32 images"), std::string::npos) << result.out;
  for (const char* file : {"report.json", "layers.csv", "report.html"}) {
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(report_dir) / file)) << file;
  }
  const nlohmann::json json = nlohmann::json::parse(io::read_file(report_dir + "/report.json"));
  EXPECT_EQ(json["image_count"], 32);
}

TEST(RunCli, MapPrintsEveryComputeNodeAndItsUnit) {
  const test::CommandResult result = test::run_tessera(
      {"map", "--model", data_path("sim/networks/digits_vit/model.onnx").string(), "--rules",
       data_path("sim/networks/digits_vit/rules.json").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("/patch_embed/Conv"), std::string::npos);
  EXPECT_NE(result.out.find("optical"), std::string::npos);
  EXPECT_NE(result.out.find("17 of"), std::string::npos) << result.out;
}

TEST(RunCli, IncompleteOrBadArgumentsExitWithTwo) {
  const test::CommandResult no_rules =
      test::run_tessera({"run", "--model", data_path("sim/networks/digits_vit/model.onnx").string()});
  EXPECT_EQ(no_rules.exit_code, 2);
  EXPECT_NE(no_rules.err.find("--rules"), std::string::npos) << no_rules.err;
  test::ScratchDir dir;
  io::write_file_atomically(dir.file("truncated.onnx"), std::string("\x08\x07\x12", 3));
  const test::CommandResult truncated = test::run_tessera(
      {"map", "--model", dir.file("truncated.onnx"), "--rules",
       data_path("sim/networks/digits_vit/rules.json").string()});
  EXPECT_EQ(truncated.exit_code, 2);
  EXPECT_NE(truncated.err.find("truncated.onnx"), std::string::npos) << truncated.err;
}

}  // namespace
}  // namespace tessera
