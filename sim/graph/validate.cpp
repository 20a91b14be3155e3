#include "sim/graph/validate.h"

#include <set>

#include "golden/common/error.h"
#include "sim/graph/op_schema.h"

namespace tessera::graph {

std::vector<std::string> unsupported_ops(const Graph& graph) {
  // Keyed by op and version so each appears once, with the nodes using it.
  std::map<std::string, std::vector<std::string>> by_op;
  std::vector<std::string> order;
  for (const Node& node : graph.nodes) {
    if (find_op_schema(node.domain, node.op_type, node.since_version)) continue;
    std::string key = node.op_type;
    if (!node.domain.empty()) key += " (domain '" + node.domain + "'";
    else key += " (";
    key += std::string(node.domain.empty() ? "" : ", ") + "version " +
           std::to_string(node.since_version);
    if (op_known(node.domain, node.op_type)) key += ", other versions are supported";
    key += ")";
    if (!by_op.count(key)) order.push_back(key);
    by_op[key].push_back(node.name);
  }
  std::vector<std::string> result;
  for (const std::string& key : order) {
    std::string line = key + " at node";
    const auto& nodes = by_op[key];
    line += nodes.size() > 1 ? "s " : " ";
    for (std::size_t i = 0; i < nodes.size() && i < 5; ++i) line += (i ? ", '" : "'") + nodes[i] + "'";
    if (nodes.size() > 5) line += " and " + std::to_string(nodes.size() - 5) + " more";
    result.push_back(line);
  }
  return result;
}

ValidationReport validate(const Graph& graph, const ValidateOptions& options) {
  const std::string& src = graph.source;
  ValidationReport report;
  std::set<std::string> names;
  std::set<std::string> defined;
  for (const GraphValue& v : graph.inputs) {
    if (v.name.empty()) throw InputError(src + ": graph.input: a graph input has no name");
    if (!defined.insert(v.name).second) {
      throw InputError(src + ": graph.input: value '" + v.name + "' is defined twice");
    }
  }
  for (const auto& kv : graph.initializers) {
    if (!defined.insert(kv.first).second) {
      throw InputError(src + ": graph.initializer: '" + kv.first +
                       "' is both a graph input and an initializer");
    }
  }
  for (const Node& node : graph.nodes) {
    if (node.name.empty()) throw InputError(src + ": graph.node: a node has no name");
    if (!names.insert(node.name).second) {
      throw InputError(src + ": graph.node: node name '" + node.name + "' is used twice");
    }
    for (const std::string& in : node.inputs) {
      if (!in.empty() && !defined.count(in)) {
        throw InputError(src + ": graph.node: " + node.describe() + " reads value '" + in +
                         "', which is not defined before it (not a graph input, initializer or "
                         "output of an earlier node)");
      }
    }
    for (const std::string& out : node.outputs) {
      if (!out.empty() && !defined.insert(out).second) {
        throw InputError(src + ": graph.node: " + node.describe() + " output '" + out +
                         "' is already defined elsewhere");
      }
    }
  }
  for (const GraphValue& v : graph.outputs) {
    if (!defined.count(v.name)) {
      throw InputError(src + ": graph.output: '" + v.name + "' is not produced by the graph");
    }
  }
  const std::vector<std::string> unsupported = unsupported_ops(graph);
  if (!unsupported.empty()) {
    std::string msg = src + ": graph.node: " + std::to_string(unsupported.size()) +
                      " unsupported operator" + (unsupported.size() > 1 ? "s" : "") + ": ";
    for (std::size_t i = 0; i < unsupported.size(); ++i) msg += (i ? "; " : "") + unsupported[i];
    throw InputError(msg);
  }
  std::set<std::string> used;
  for (const Node& node : graph.nodes) used.insert(node.inputs.begin(), node.inputs.end());
  for (const GraphValue& v : graph.outputs) used.insert(v.name);
  for (const auto& kv : graph.initializers) {
    if (!used.count(kv.first)) report.unused_initializers.push_back(kv.first);
  }
  if (!report.unused_initializers.empty()) {
    std::string list;
    for (std::size_t i = 0; i < report.unused_initializers.size(); ++i) {
      list += (i ? ", '" : "'") + report.unused_initializers[i] + "'";
    }
    const std::string msg = src + ": graph.initializer: " +
                            std::to_string(report.unused_initializers.size()) +
                            " initializer(s) not used by any node: " + list;
    if (options.unused_initializers == UnusedInitializerPolicy::error) throw InputError(msg);
    report.warnings.push_back(msg);
  }
  return report;
}

}  // namespace tessera::graph
