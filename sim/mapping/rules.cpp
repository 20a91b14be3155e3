#include "sim/mapping/rules.h"

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "golden/common/error.h"

namespace tessera::mapping {

using nlohmann::json;

std::string matched_op_type(const graph::Node& node) {
  if (node.domain == graph::kTesseraDomain) {
    if (node.op_type == "FusedConv") return "Conv";
    if (node.op_type == "FusedGemm") return "Gemm";
    if (node.op_type == "Linear") return "MatMul";
  }
  return node.op_type;
}

bool Match::matches(const graph::Node& node) const {
  if (op_type && node.op_type != *op_type && matched_op_type(node) != *op_type) return false;
  if (name && node.name != *name) return false;
  if (name_regex && !std::regex_match(node.name, regex)) return false;
  return true;
}

std::string Match::describe() const {
  std::string s;
  auto add = [&](const std::string& part) { s += (s.empty() ? "" : ", ") + part; };
  if (op_type) add("op_type " + *op_type);
  if (name) add("name '" + *name + "'");
  if (name_regex) add("name_regex '" + *name_regex + "'");
  return s;
}

bool Exclude::matches(const graph::Node& node) const {
  return is_regex ? std::regex_match(node.name, regex) : node.name == name;
}

namespace {

void check_keys(const json& object, const std::string& where, const std::set<std::string>& allowed) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (allowed.count(it.key()) != 0) continue;
    std::string list;
    for (const std::string& key : allowed) list += (list.empty() ? "" : ", ") + key;
    throw ConfigError(where + (where.empty() ? "" : ".") + it.key() + ": unknown key; expected one of " + list);
  }
}

std::string read_string(const json& value, const std::string& key) {
  if (!value.is_string()) throw ConfigError(key + ": expected a string, got " + value.dump());
  return value.get<std::string>();
}

std::regex compile(const std::string& pattern, const std::string& key) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw ConfigError(key + ": invalid regular expression '" + pattern + "': " + e.what());
  }
}

Match match_from_json(const json& object, const std::string& where) {
  if (!object.is_object()) throw ConfigError(where + ": expected an object, got " + object.dump());
  check_keys(object, where, {"op_type", "name", "name_regex"});
  if (object.empty()) throw ConfigError(where + ": empty; give at least one of op_type, name, name_regex");
  Match m;
  if (object.contains("op_type")) m.op_type = read_string(object.at("op_type"), where + ".op_type");
  if (object.contains("name")) m.name = read_string(object.at("name"), where + ".name");
  if (object.contains("name_regex")) {
    const std::string key = where + ".name_regex";
    m.name_regex = read_string(object.at("name_regex"), key);
    m.regex = compile(*m.name_regex, key);
  }
  return m;
}

}  // namespace

MappingRules rules_from_json(const json& document, const std::string& source) {
  const std::string root = source.empty() ? "" : source + ": ";
  auto path = [&](const std::string& key) { return root + key; };
  if (!document.is_object()) throw ConfigError(root + "expected a JSON object with \"rules\", got " + document.dump());
  for (auto it = document.begin(); it != document.end(); ++it) {
    const std::string& k = it.key();
    if (k != "rules" && k != "default" && k != "exclude") {
      throw ConfigError(path(k) + ": unknown key; expected one of default, exclude, rules");
    }
  }
  MappingRules rules;
  rules.source = source;
  if (document.contains("rules")) {
    const json& list = document.at("rules");
    if (!list.is_array()) throw ConfigError(path("rules") + ": expected an array of rules, got " + list.dump());
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string where = path("rules[" + std::to_string(i) + "]");
      const json& r = list[i];
      if (!r.is_object()) throw ConfigError(where + ": expected an object with match and unit, got " + r.dump());
      check_keys(r, where, {"match", "unit"});
      if (!r.contains("match")) throw ConfigError(where + ".match: missing");
      if (!r.contains("unit")) throw ConfigError(where + ".unit: missing");
      Rule rule;
      rule.where = "rules[" + std::to_string(i) + "]";
      rule.match = match_from_json(r.at("match"), where + ".match");
      rule.unit = units::unit_config_from_json(r.at("unit"), where + ".unit");
      rules.rules.push_back(std::move(rule));
    }
  }
  if (document.contains("default")) rules.default_unit = units::unit_config_from_json(document.at("default"), path("default"));
  if (document.contains("exclude")) {
    const json& list = document.at("exclude");
    if (!list.is_array()) throw ConfigError(path("exclude") + ": expected an array of names, got " + list.dump());
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string where = path("exclude[" + std::to_string(i) + "]");
      Exclude e;
      if (list[i].is_string()) {
        e.name = list[i].get<std::string>();
      } else if (list[i].is_object()) {
        check_keys(list[i], where, {"name", "name_regex"});
        if (list[i].size() != 1) throw ConfigError(where + ": give exactly one of name, name_regex");
        if (list[i].contains("name")) {
          e.name = read_string(list[i].at("name"), where + ".name");
        } else {
          e.name = read_string(list[i].at("name_regex"), where + ".name_regex");
          e.is_regex = true;
          e.regex = compile(e.name, where + ".name_regex");
        }
      } else {
        throw ConfigError(where + ": expected a node name or {\"name_regex\": ...}, got " + list[i].dump());
      }
      rules.exclude.push_back(std::move(e));
    }
  }
  return rules;
}

MappingRules load_rules(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open the rules file");
  json document;
  try {
    in >> document;
  } catch (const json::exception& e) {
    throw InputError(path + ": not valid JSON: " + e.what());
  }
  return rules_from_json(document, path);
}

const char* origin_name(Origin origin) {
  switch (origin) {
    case Origin::rule: return "rule";
    case Origin::default_unit: return "default";
    case Origin::excluded: return "excluded";
    case Origin::not_compute: return "not compute";
  }
  return "rule";
}

const NodeMapping* MappingResult::find(const std::string& node_name) const {
  for (const NodeMapping& m : nodes) {
    if (m.node == node_name) return &m;
  }
  return nullptr;
}

std::size_t MappingResult::mapped_count() const {
  std::size_t n = 0;
  for (const NodeMapping& m : nodes) n += m.mapped ? 1 : 0;
  return n;
}

MappingResult resolve(const graph::Graph& graph, const MappingRules& rules) {
  MappingResult result;
  const units::ConstantLookup constants = units::graph_constants(graph);
  std::vector<std::size_t> matched(rules.rules.size(), 0), won(rules.rules.size(), 0);
  std::vector<std::size_t> excluded(rules.exclude.size(), 0);
  if (graph.nodes.size() >= (std::size_t{1} << 24)) {
    throw ConfigError(graph.source + ": too many nodes for unit ids (< 2^24)");
  }
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const graph::Node& node = graph.nodes[i];
    NodeMapping m;
    m.node = node.name;
    m.op_type = node.op_type;
    m.node_index = i;
    m.unit_id = static_cast<std::uint32_t>(i);
    int first = -1;
    for (std::size_t r = 0; r < rules.rules.size(); ++r) {
      if (!rules.rules[r].match.matches(node)) continue;
      ++matched[r];
      if (first < 0) first = static_cast<int>(r);
    }
    bool is_excluded = false;
    for (std::size_t e = 0; e < rules.exclude.size(); ++e) {
      if (rules.exclude[e].matches(node)) {
        ++excluded[e];
        is_excluded = true;
      }
    }
    if (!units::is_compute_op(node)) {
      m.origin = Origin::not_compute;
      m.rule_index = first;
    } else if (is_excluded) {
      m.origin = Origin::excluded;
    } else if (first >= 0) {
      m.origin = Origin::rule;
      m.rule_index = first;
      m.requested = rules.rules[static_cast<std::size_t>(first)].unit;
      ++won[static_cast<std::size_t>(first)];
    } else {
      m.origin = Origin::default_unit;
      m.requested = rules.default_unit;
    }
    if ((m.origin == Origin::rule || m.origin == Origin::default_unit) && m.requested.kind != units::UnitKind::fp32) {
      const units::Support s = units::supports(node, constants, m.requested);
      m.mapped = s.ok;
      if (!s.ok) m.fallback_reason = s.reason;
    }
    if (m.origin != Origin::not_compute) {
      m.form = units::analyze_node(node, constants, units::UnitKind::mx).form;
    }
    result.nodes.push_back(std::move(m));
  }
  const std::string src = rules.source.empty() ? "" : rules.source + ": ";
  for (std::size_t r = 0; r < rules.rules.size(); ++r) {
    const Rule& rule = rules.rules[r];
    if (matched[r] == 0) {
      result.warnings.push_back(src + rule.where + " (" + rule.match.describe() + ") matches no node");
    } else if (won[r] == 0) {
      result.warnings.push_back(src + rule.where + " (" + rule.match.describe() + ") matches " +
                                std::to_string(matched[r]) +
                                " node(s), none of them a compute op it decides (earlier rules, exclude, or non-compute ops)");
    }
  }
  for (std::size_t e = 0; e < rules.exclude.size(); ++e) {
    if (excluded[e] == 0) {
      result.warnings.push_back(src + "exclude[" + std::to_string(e) + "] ('" + rules.exclude[e].name +
                                "') matches no node");
    }
  }
  return result;
}

std::vector<MappingRow> format_mapping_table(const MappingResult& result, const MappingRules& rules,
                                             bool compute_only) {
  std::vector<MappingRow> rows;
  for (const NodeMapping& m : result.nodes) {
    if (compute_only && m.origin == Origin::not_compute) continue;
    MappingRow row;
    row.node = m.node;
    row.op = m.op_type;
    row.unit = units::unit_kind_name(m.kind());
    switch (m.origin) {
      case Origin::rule: row.rule = rules.rules.at(static_cast<std::size_t>(m.rule_index)).where; break;
      case Origin::default_unit: row.rule = "default"; break;
      case Origin::excluded: row.rule = "exclude"; break;
      case Origin::not_compute: row.rule = "-"; break;
    }
    if (m.mapped) {
      row.note = m.requested.describe();
      if (m.form == units::OpForm::attention) row.note += "; activation x activation";
      if (m.form == units::OpForm::conv && m.requested.kind != units::UnitKind::approx) row.note += "; conv as im2col GEMM";
    } else if (!m.fallback_reason.empty()) {
      row.note = std::string("fallback to fp32 (") + units::unit_kind_name(m.requested.kind) + " requested): " +
                 m.fallback_reason;
    } else if (m.origin == Origin::excluded) {
      row.note = "excluded";
    } else if (m.origin == Origin::not_compute) {
      row.note = "not a compute op";
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace tessera::mapping
