#pragma once
// Mapping rules: which node runs on which emulated unit.
//
// JSON (unknown keys anywhere are ConfigErrors naming the key path):
//   {
//     "rules": [                                     first match wins
//       {"match": {"op_type": "Conv"},               keys combine with AND; at least one key
//        "unit": {"kind": "approx", "multiplier": "mul8s_1L2H"}},
//       {"match": {"name": "/blocks.0/attn/MatMul"}, "unit": {"kind": "optical", "q_levels": 256}},
//       {"match": {"name_regex": "blocks\\.1\\..*"}, "unit": {"kind": "mx"}}],
//     "default": {"kind": "fp32"},                   optional; fp32 when absent
//     "exclude": ["/head/Gemm", {"name_regex": ".*head.*"}]   forced to fp32
//   }
// match keys: op_type (exact, e.g. "Conv", "MatMul", "Gemm"; "Conv" also matches a fused
// ai.tessera FusedConv, "Gemm" a FusedGemm, "MatMul" a Linear, and the fused names match too),
// name (exact node name), name_regex (ECMAScript, matched against the whole name). Unit objects:
// sim/units/unit_config.h.
//
// Resolution per node: exclude -> fp32 ("excluded"); else the first matching rule; else the
// default. A non-compute op (not Conv/Gemm/MatMul/fused) always runs in FP32 and is never mapped.
// A compute op whose unit cannot run it (units::supports) falls back to FP32 with the reason.
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sim/graph/ir.h"
#include "sim/units/emulated_op.h"
#include "sim/units/unit_config.h"

namespace tessera::mapping {

// The op type a rule's "op_type" also matches for a fused node (sim/graph/passes.h keeps the main
// node's name): FusedConv -> Conv, FusedGemm -> Gemm, Linear -> MatMul; else node.op_type.
std::string matched_op_type(const graph::Node& node);

struct Match {
  std::optional<std::string> op_type;
  std::optional<std::string> name;
  std::optional<std::string> name_regex;
  std::regex regex;  // compiled name_regex
  bool matches(const graph::Node& node) const;
  std::string describe() const;  // "op_type Conv, name_regex 'blocks\.1\..*'"
};

struct Rule {
  Match match;
  units::UnitConfig unit;
  std::string where;  // "rules[2]"
};

struct Exclude {
  std::string name;          // exact name, or the pattern when is_regex
  bool is_regex = false;
  std::regex regex;
  bool matches(const graph::Node& node) const;
};

struct MappingRules {
  std::vector<Rule> rules;
  units::UnitConfig default_unit;  // fp32 unless given
  std::vector<Exclude> exclude;
  std::string source;              // the file (or "rules") that names the config in messages
};

// `source` prefixes every key path in error messages ("rules.json: rules[2].unit.q_level: ...").
MappingRules rules_from_json(const nlohmann::json& document, const std::string& source = "");
// Reads a JSON file; InputError for an unreadable file or bad JSON.
MappingRules load_rules(const std::string& path);

enum class Origin { rule, default_unit, excluded, not_compute };
const char* origin_name(Origin origin);  // "rule", "default", "excluded", "not compute"

struct NodeMapping {
  std::string node;
  std::string op_type;
  std::size_t node_index = 0;
  Origin origin = Origin::not_compute;
  int rule_index = -1;                  // origin == rule
  units::UnitConfig requested;          // what the rule/default asked for
  bool mapped = false;                  // runs on an emulated unit (requested is not fp32 and supported)
  std::string fallback_reason;          // requested an emulated unit but runs in FP32: why
  std::uint32_t unit_id = 0;            // unique per mapped node (its node index)
  units::OpForm form = units::OpForm::linear;  // compute nodes: linear, conv or attention
  // The unit it actually runs on (fp32 unless mapped).
  units::UnitKind kind() const { return mapped ? requested.kind : units::UnitKind::fp32; }
};

struct MappingResult {
  std::vector<NodeMapping> nodes;      // one per graph node, in graph order
  std::vector<std::string> warnings;   // rules that match nothing, exclude entries naming no node
  const NodeMapping* find(const std::string& node_name) const;
  std::size_t mapped_count() const;
};

// Resolves every node of `graph` (constants from its initializers / Constant nodes).
MappingResult resolve(const graph::Graph& graph, const MappingRules& rules);

struct MappingRow {
  std::string node, op, unit, rule, note;
};
// One row per node (compute nodes only when compute_only): unit = the unit it runs on ("approx",
// "fp32"), rule = "rules[2]" / "default" / "exclude" / "-", note = the unit description, or the
// fallback reason ("fallback: Conv with group = 2 is not supported on optical").
std::vector<MappingRow> format_mapping_table(const MappingResult& result, const MappingRules& rules,
                                             bool compute_only = false);

}  // namespace tessera::mapping
