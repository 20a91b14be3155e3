// Name-based factory: bundled names, parametric names, paths, unknown names.
#include <gtest/gtest.h>

#include "golden/approx/catalog.h"
#include "golden/approx/designs.h"
#include "golden/approx/lut_file.h"
#include "golden/common/error.h"
#include "tests/support/scratch_dir.h"

namespace tessera::approx {
namespace {

TEST(ApproxCatalog, ParametricNamesBuildTheirDesigns) {
  EXPECT_TRUE(load_multiplier("exact").is_exact());
  EXPECT_EQ(load_multiplier("trunc5").name(), "trunc5");
  EXPECT_EQ(load_multiplier("bam_h3_v5").name(), "bam_h3_v5");
  EXPECT_EQ(load_multiplier("drum4").name(), "drum4");
  EXPECT_EQ(load_multiplier("mitchell")(3, 3), 8);
  for (const auto& name : parametric_multiplier_names()) EXPECT_EQ(load_multiplier(name).name(), name);
}

TEST(ApproxCatalog, ParseExposesDesignParameters) {
  const auto bam = parse_multiplier_name("bam_h3_v5");
  EXPECT_EQ(bam.kind, MultiplierDesign::Kind::broken_array);
  EXPECT_EQ(bam.h, 3);
  EXPECT_EQ(bam.v, 5);
  EXPECT_EQ(bam.array.row_mask[0], broken_array(3, 5).row_mask[0]);
  const auto drum = parse_multiplier_name("drum6");
  EXPECT_EQ(drum.kind, MultiplierDesign::Kind::drum);
  EXPECT_EQ(drum.k, 6);
  EXPECT_EQ(parse_multiplier_name("trunc3").k, 3);
  EXPECT_EQ(parse_multiplier_name("mul8s_1L2H").kind, MultiplierDesign::Kind::bundled);
  const auto file = parse_multiplier_name("some/dir/x.lut");
  EXPECT_EQ(file.kind, MultiplierDesign::Kind::lut_file);
  EXPECT_EQ(file.name, "x");
  EXPECT_THROW(parse_multiplier_name("drum2"), ConfigError);
  EXPECT_THROW(parse_multiplier_name("bam_h9_v0"), ConfigError);
}

TEST(ApproxCatalog, BundledNamesLoadShippedTables) {
  const auto t = load_multiplier("mul8s_1L2H");
  EXPECT_EQ(t.name(), "mul8s_1L2H");
  EXPECT_FALSE(t.is_exact());
  EXPECT_TRUE(load_multiplier("mul8s_1KV8").is_exact());  // v1.x naming: 1KV8 is the exact circuit
}

TEST(ApproxCatalog, PathsLoadFiles) {
  test::ScratchDir dir;
  write_lut_file(dir.file("mine.lut"), load_multiplier("drum5"));
  EXPECT_EQ(load_multiplier(dir.file("mine.lut")).products(), load_multiplier("drum5").products());
}

TEST(ApproxCatalog, UnknownNameListsWhatIsAccepted) {
  try {
    load_multiplier("mul8s_1KV6");  // a v2022 name
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("mul8s_1KV6"), std::string::npos);
    EXPECT_NE(msg.find("mul8s_1L2H"), std::string::npos);
    EXPECT_NE(msg.find("trunc<k>"), std::string::npos);
    EXPECT_NE(msg.find("drum<k>"), std::string::npos);
    EXPECT_NE(msg.find(".lut"), std::string::npos);
  }
  EXPECT_THROW(load_multiplier("trunc9"), ConfigError);
  EXPECT_THROW(load_multiplier("bam_h1"), ConfigError);
  EXPECT_THROW(load_multiplier(""), ConfigError);
}

}  // namespace
}  // namespace tessera::approx
