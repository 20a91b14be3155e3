// Mapping rules: parsing with key paths, resolution (first match, AND, regex, exclude, default,
// fallbacks, non-compute ops), warnings, and the dry-run table.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "golden/common/error.h"
#include "sim/mapping/rules.h"
#include "tests/sim/graph/graph_builder.h"

namespace {

using namespace tessera;
using graph::Attribute;
using mapping::Origin;
using nlohmann::json;
using test::make_node;
using test::random_tensor;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::StartsWith;
using units::UnitKind;

std::string error_of(const json& j) {
  try {
    mapping::rules_from_json(j, "r.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError for " << j.dump();
  return "";
}

TEST(RulesParse, ExampleParses) {
  const json j = json::parse(R"({
    "rules": [
      {"match": {"op_type": "Conv"}, "unit": {"kind": "approx", "multiplier": "mul8s_1L2H"}},
      {"match": {"name": "/blocks.0/attn/MatMul"}, "unit": {"kind": "optical", "q_levels": 256}},
      {"match": {"name_regex": "blocks\\.1\\..*"}, "unit": {"kind": "mx", "weight_format": "fp8_e4m3", "activation_format": "fp8_e4m3"}}],
    "default": {"kind": "fp32"},
    "exclude": ["/head/Gemm", {"name_regex": ".*skip.*"}] })");
  const mapping::MappingRules r = mapping::rules_from_json(j, "r.json");
  ASSERT_EQ(r.rules.size(), 3u);
  EXPECT_EQ(r.rules[0].unit.kind, UnitKind::approx);
  EXPECT_EQ(r.rules[1].unit.optical.q_levels, 256);
  EXPECT_EQ(r.rules[2].unit.kind, UnitKind::mx);
  EXPECT_EQ(r.rules[2].where, "rules[2]");
  EXPECT_EQ(r.default_unit.kind, UnitKind::fp32);
  ASSERT_EQ(r.exclude.size(), 2u);
  EXPECT_FALSE(r.exclude[0].is_regex);
  EXPECT_TRUE(r.exclude[1].is_regex);
}

TEST(RulesParse, ErrorsNameTheKeyPath) {
  EXPECT_THAT(error_of(json{{"rule", json::array()}}), StartsWith("r.json: rule: unknown key"));
  EXPECT_THAT(error_of(json{{"rules", json::object()}}), StartsWith("r.json: rules: expected an array"));
  EXPECT_THAT(error_of(json{{"rules", {{{"match", {{"op_type", "Conv"}}}}}}}), StartsWith("r.json: rules[0].unit: missing"));
  EXPECT_THAT(error_of(json{{"rules", {{{"unit", {{"kind", "fp32"}}}}}}}), StartsWith("r.json: rules[0].match: missing"));
  EXPECT_THAT(error_of(json{{"rules", {{{"match", {{"op_type", "Conv"}}}, {"unit", {{"kind", "fp32"}}}, {"prio", 1}}}}}),
              StartsWith("r.json: rules[0].prio: unknown key"));
  EXPECT_THAT(error_of(json{{"rules", {{{"match", {{"optype", "Conv"}}}, {"unit", {{"kind", "fp32"}}}}}}}),
              StartsWith("r.json: rules[0].match.optype: unknown key"));
  EXPECT_THAT(error_of(json{{"rules", {{{"match", json::object()}, {"unit", {{"kind", "fp32"}}}}}}}),
              StartsWith("r.json: rules[0].match: empty"));
  EXPECT_THAT(error_of(json{{"rules", {{{"match", {{"name_regex", "blocks.(1"}}}, {"unit", {{"kind", "fp32"}}}}}}}),
              StartsWith("r.json: rules[0].match.name_regex: invalid regular expression 'blocks.(1'"));
  const json typo{{"rules", {{{"match", {{"op_type", "Conv"}}}, {"unit", {{"kind", "fp32"}}}},
                             {{"match", {{"op_type", "MatMul"}}}, {"unit", {{"kind", "optical"}, {"q_level", 16}}}}}}};
  EXPECT_THAT(error_of(typo), StartsWith("r.json: rules[1].unit.q_level: unknown key"));
  const json bad_mul{{"rules", {{{"match", {{"op_type", "Conv"}}}, {"unit", {{"kind", "approx"}, {"multiplier", "mul8s_XXXX"}}}}}}};
  EXPECT_THAT(error_of(bad_mul), StartsWith("r.json: rules[0].unit.multiplier: multiplier 'mul8s_XXXX': unknown name"));
  EXPECT_THAT(error_of(json{{"default", {{"kind", "mx"}, {"block", -1}}}}), StartsWith("r.json: default.block: must be"));
  EXPECT_THAT(error_of(json{{"exclude", {3}}}), StartsWith("r.json: exclude[0]: expected a node name"));
  EXPECT_THAT(error_of(json{{"exclude", {{{"name_regex", "("}}}}}), StartsWith("r.json: exclude[0].name_regex: invalid"));
  EXPECT_THAT(error_of(json{{"exclude", {{{"regex", "a"}}}}}), StartsWith("r.json: exclude[0].regex: unknown key"));
}

TEST(RulesParse, LoadRulesReadsAFile) {
  const std::string path = testing::TempDir() + "/tessera_rules_test.json";
  {
    std::ofstream out(path);
    out << R"({"rules": [{"match": {"op_type": "Gemm"}, "unit": {"kind": "mx", "q_levels": 3}}]})";
  }
  try {
    mapping::load_rules(path);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), StartsWith(path + ": rules[0].unit.q_levels: unknown key"));
  }
  {
    std::ofstream out(path);
    out << "{ not json";
  }
  EXPECT_THROW(mapping::load_rules(path), InputError);
  EXPECT_THROW(mapping::load_rules(path + ".missing"), InputError);
}

// conv1 (Conv), conv2 (Conv, group 2), relu, /blocks.0/attn/MatMul (activation x activation),
// /blocks.1/fc/MatMul (weight), /blocks.1/act (Relu), /head/Gemm.
graph::Graph mixed_graph() {
  graph::Graph g;
  g.source = "mixed";
  g.initializers["w1"] = random_tensor({4, 1, 3, 3}, 1);
  g.initializers["w2"] = random_tensor({4, 2, 3, 3}, 2);
  g.initializers["wf"] = random_tensor({8, 8}, 3);
  g.initializers["wh"] = random_tensor({10, 8}, 4);
  g.nodes = {
      make_node("conv1", "Conv", {"x", "w1"}, {"c1"}),
      make_node("conv2", "Conv", {"c1", "w2"}, {"c2"}, {{"group", Attribute(std::int64_t{2})}}),
      make_node("relu", "Relu", {"c2"}, {"r"}),
      make_node("/blocks.0/attn/MatMul", "MatMul", {"q", "k"}, {"s"}),
      make_node("/blocks.1/fc/MatMul", "MatMul", {"s", "wf"}, {"f"}),
      make_node("/blocks.1/act", "Relu", {"f"}, {"fa"}),
      make_node("/head/Gemm", "Gemm", {"fa", "wh"}, {"y"}, {{"transB", Attribute(std::int64_t{1})}}),
  };
  return g;
}

TEST(Resolve, FirstMatchAndRegexExcludeDefaultAndFallback) {
  const json j = json::parse(R"({
    "rules": [
      {"match": {"op_type": "Conv", "name": "conv2"}, "unit": {"kind": "optical"}},
      {"match": {"op_type": "Conv"}, "unit": {"kind": "approx", "multiplier": "mul8s_1L2H"}},
      {"match": {"name": "/blocks.0/attn/MatMul"}, "unit": {"kind": "optical", "q_levels": 64}},
      {"match": {"name_regex": "blocks\\.1\\..*"}, "unit": {"kind": "mx"}},
      {"match": {"name_regex": "blocks"}, "unit": {"kind": "mx"}},
      {"match": {"op_type": "Softmax"}, "unit": {"kind": "mx"}},
      {"match": {"op_type": "MatMul"}, "unit": {"kind": "approx", "multiplier": "exact"}}],
    "default": {"kind": "mx", "weight_format": "fp4_e2m1"},
    "exclude": ["/head/Gemm", "nope"] })");
  const mapping::MappingRules rules = mapping::rules_from_json(j, "r.json");
  const mapping::MappingResult r = mapping::resolve(mixed_graph(), rules);
  ASSERT_EQ(r.nodes.size(), 7u);
  // conv2: rule 0 (AND of op_type and name) wins over rule 1, but optical cannot do group 2.
  const auto* conv2 = r.find("conv2");
  ASSERT_NE(conv2, nullptr);
  EXPECT_EQ(conv2->origin, Origin::rule);
  EXPECT_EQ(conv2->rule_index, 0);
  EXPECT_FALSE(conv2->mapped);
  EXPECT_EQ(conv2->kind(), UnitKind::fp32);
  EXPECT_THAT(conv2->fallback_reason, HasSubstr("group = 2"));
  // conv1: rule 0's name does not match (AND), rule 1 does.
  EXPECT_EQ(r.find("conv1")->rule_index, 1);
  EXPECT_TRUE(r.find("conv1")->mapped);
  EXPECT_EQ(r.find("conv1")->kind(), UnitKind::approx);
  EXPECT_EQ(r.find("conv1")->unit_id, 0u);
  // relu: not a compute op, never mapped.
  EXPECT_EQ(r.find("relu")->origin, Origin::not_compute);
  EXPECT_FALSE(r.find("relu")->mapped);
  // exact name beats the later op_type rule; regex matches the whole name only.
  EXPECT_EQ(r.find("/blocks.0/attn/MatMul")->rule_index, 2);
  EXPECT_EQ(r.find("/blocks.0/attn/MatMul")->requested.optical.q_levels, 64);
  EXPECT_EQ(r.find("/blocks.1/fc/MatMul")->rule_index, 6);  // "blocks\.1\..*" must match the WHOLE name
  EXPECT_EQ(r.find("/head/Gemm")->origin, Origin::excluded);
  EXPECT_EQ(r.find("/head/Gemm")->kind(), UnitKind::fp32);
  EXPECT_EQ(r.mapped_count(), 3u);  // conv1, attn, fc
  EXPECT_THAT(r.warnings, ElementsAre(HasSubstr("rules[3] (name_regex 'blocks\\.1\\..*') matches no node"),
                                      HasSubstr("rules[4] (name_regex 'blocks') matches no node"),
                                      HasSubstr("rules[5] (op_type Softmax) matches no node"),
                                      HasSubstr("exclude[1] ('nope') matches no node")));
}

TEST(Resolve, DefaultAppliesToUnmatchedComputeOpsAndShadowedRulesWarn) {
  const json j = json::parse(R"({
    "rules": [
      {"match": {"name_regex": ".*blocks\\.1/.*"}, "unit": {"kind": "optical"}},
      {"match": {"name": "/blocks.1/fc/MatMul"}, "unit": {"kind": "mx"}},
      {"match": {"op_type": "Relu"}, "unit": {"kind": "mx"}}],
    "default": {"kind": "approx", "multiplier": "trunc2"},
    "exclude": [{"name_regex": "conv.*"}] })");
  const mapping::MappingRules rules = mapping::rules_from_json(j);
  const mapping::MappingResult r = mapping::resolve(mixed_graph(), rules);
  EXPECT_EQ(r.find("conv1")->origin, Origin::excluded);
  EXPECT_EQ(r.find("conv2")->origin, Origin::excluded);
  EXPECT_EQ(r.find("/blocks.1/fc/MatMul")->rule_index, 0);
  EXPECT_EQ(r.find("/blocks.1/fc/MatMul")->kind(), UnitKind::optical);
  EXPECT_EQ(r.find("/head/Gemm")->origin, Origin::default_unit);
  EXPECT_EQ(r.find("/head/Gemm")->kind(), UnitKind::approx);
  EXPECT_EQ(r.find("/blocks.0/attn/MatMul")->kind(), UnitKind::approx);
  EXPECT_EQ(r.find("/blocks.1/act")->origin, Origin::not_compute);
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_THAT(r.warnings[0], HasSubstr("rules[1] (name '/blocks.1/fc/MatMul') matches 1 node(s), none of them"));
  EXPECT_THAT(r.warnings[1], HasSubstr("rules[2] (op_type Relu) matches 2 node(s), none of them"));
}

TEST(Resolve, MappingTableRows) {
  const json j = json::parse(R"({
    "rules": [{"match": {"op_type": "Conv"}, "unit": {"kind": "optical", "q_levels": 16}}],
    "exclude": ["/head/Gemm"] })");
  const mapping::MappingRules rules = mapping::rules_from_json(j);
  const mapping::MappingResult r = mapping::resolve(mixed_graph(), rules);
  const auto rows = mapping::format_mapping_table(r, rules);
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[0].node, "conv1");
  EXPECT_EQ(rows[0].op, "Conv");
  EXPECT_EQ(rows[0].unit, "optical");
  EXPECT_EQ(rows[0].rule, "rules[0]");
  EXPECT_THAT(rows[0].note, StartsWith("optical 16/16/16 levels"));
  EXPECT_EQ(rows[1].unit, "fp32");
  EXPECT_THAT(rows[1].note, StartsWith("fallback to fp32 (optical requested): Conv with group = 2"));
  EXPECT_EQ(rows[2].rule, "-");
  EXPECT_EQ(rows[2].note, "not a compute op");
  EXPECT_THAT(rows[0].note, HasSubstr("; conv as im2col GEMM"));
  EXPECT_EQ(r.find("/blocks.0/attn/MatMul")->form, units::OpForm::attention);
  EXPECT_EQ(r.find("/blocks.1/fc/MatMul")->form, units::OpForm::linear);
  EXPECT_EQ(rows[3].rule, "default");
  EXPECT_EQ(rows[3].unit, "fp32");
  EXPECT_EQ(rows[6].rule, "exclude");
  const auto compute = mapping::format_mapping_table(r, rules, true);
  EXPECT_EQ(compute.size(), 5u);
}

}  // namespace
