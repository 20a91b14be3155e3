#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "golden/io/atomic_file.h"
#include "tests/support/run_command.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

TEST(DemoCli, PrintsEveryTableAndWritesJson) {
  test::ScratchDir dir;
  const std::string json_path = dir.file("survey.json");
  const test::CommandResult result = test::run_tessera({"demo", "--json", json_path});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("MX element formats"), std::string::npos);
  EXPECT_NE(result.out.find("fp4_e2m1"), std::string::npos);
  EXPECT_NE(result.out.find("mul8s_1L2H"), std::string::npos);
  const nlohmann::json json = nlohmann::json::parse(io::read_file(json_path));
  EXPECT_EQ(json["seed"], 1);
  EXPECT_EQ(json["mx_formats"].size(), 6u);
}

TEST(DemoCli, RejectsABadSeed) {
  const test::CommandResult result = test::run_tessera({"demo", "--seed", "not-a-number"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--seed"), std::string::npos) << result.err;
}

TEST(Cli, UnknownSubcommandAndMissingSubcommandExitWithTwo) {
  EXPECT_EQ(test::run_tessera({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(test::run_tessera({}).exit_code, 2);
  const test::CommandResult help = test::run_tessera({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("demo"), std::string::npos);
}

}  // namespace
}  // namespace tessera
