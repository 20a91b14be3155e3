// `tessera approx ...` as a user runs it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "golden/approx/catalog.h"
#include "golden/approx/lut_file.h"
#include "golden/approx/metrics.h"
#include "golden/common/data_path.h"
#include "tests/support/run_command.h"
#include "tests/support/scratch_dir.h"

namespace tessera::approx {
namespace {

void expect_json_equals_metrics(const std::string& out, const ErrorMetrics& m) {
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j.at("mae").get<double>(), m.mae);
  EXPECT_EQ(j.at("wce").get<double>(), m.wce);
  EXPECT_EQ(j.at("ep_percent").get<double>(), m.ep_percent);
  EXPECT_EQ(j.at("mre_percent").get<double>(), m.mre_percent);  // full double precision
  EXPECT_EQ(j.at("mse").get<double>(), m.mse);
  EXPECT_EQ(j.at("mean_error").get<double>(), m.mean_error);
  EXPECT_EQ(j.at("symmetric").get<bool>(), m.symmetric);
}

TEST(ApproxCli, CharacterizeLutPrintsTheLibrarysMetrics) {
  const std::string path = data_path("golden/approx/tables/mul8s_1KR3.lut").string();
  const auto r = test::run_tessera({"approx", "characterize", "--lut", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_json_equals_metrics(r.out, characterize(read_lut_file(path)));
  EXPECT_FALSE(nlohmann::json::parse(r.out).at("symmetric").get<bool>());
}

TEST(ApproxCli, CharacterizeTableByName) {
  for (const char* name : {"mul8s_1L2H", "mitchell", "bam_h2_v6"}) {
    const auto r = test::run_tessera({"approx", "characterize", "--table", name});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_json_equals_metrics(r.out, characterize(load_multiplier(name)));
  }
}

TEST(ApproxCli, BadInputExitsWithTwoAndAClearMessage) {
  test::ScratchDir dir;
  std::ofstream(dir.file("short.lut"), std::ios::binary) << "abc";
  std::filesystem::create_directory(dir.path() / "dir.lut");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"approx", "characterize", "--lut", dir.file("absent.lut")}, "not found"},
      {{"approx", "characterize", "--lut", dir.file("short.lut")}, "131072"},
      {{"approx", "characterize", "--lut", dir.file("dir.lut")}, "directory"},
      {{"approx", "characterize", "--table", "mul8s_XXXX"}, "unknown name"},
      {{"approx", "characterize"}, "--lut"},
  };
  for (const auto& [args, needle] : cases) {
    const auto r = test::run_tessera(args);
    EXPECT_EQ(r.exit_code, 2) << args.back();
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_EQ(test::run_tessera({"approx", "characterize", "--lut", "a.lut", "--table", "exact"}).exit_code, 2);
}

TEST(ApproxCli, ListShowsEveryMultiplierWithPower) {
  const auto r = test::run_tessera({"approx", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& m : bundled_multipliers()) EXPECT_NE(r.out.find(m.name), std::string::npos) << m.name;
  for (const auto& name : parametric_multiplier_names()) EXPECT_NE(r.out.find(name), std::string::npos) << name;
  EXPECT_NE(r.out.find("0.301"), std::string::npos);  // 1L2H's PDK45 power
  const auto j = test::run_tessera({"approx", "list", "--json"});
  ASSERT_EQ(j.exit_code, 0);
  const auto rows = nlohmann::json::parse(j.out);
  EXPECT_EQ(rows.size(), bundled_multipliers().size() + parametric_multiplier_names().size());
  EXPECT_EQ(rows.at(0).at("name"), "mul8s_1KV8");
  EXPECT_EQ(rows.at(0).at("power_mw_pdk45").get<double>(), 0.425);
}

TEST(ApproxCli, HelpWorksOnEachCommand) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"approx", "--help"},
                                               {"approx", "characterize", "--help"},
                                               {"approx", "list", "--help"}}) {
    const auto r = test::run_tessera(args);
    EXPECT_EQ(r.exit_code, 0) << args.back();
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace tessera::approx
