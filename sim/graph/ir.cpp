#include "sim/graph/ir.h"

#include <set>

#include "golden/common/error.h"

namespace tessera::graph {

std::string Attribute::kind_name() const {
  static const char* names[] = {"int", "float", "string", "ints", "floats", "strings", "tensor"};
  return names[value_.index()];
}

namespace {
template <class T>
const T& get_kind(const Attribute::Value& value, const std::string& where, const char* want,
                  const Attribute& attribute) {
  if (const T* v = std::get_if<T>(&value)) return *v;
  throw InputError(where + ": expected " + want + ", got " + attribute.kind_name());
}
}  // namespace

std::int64_t Attribute::as_int(const std::string& where) const {
  return get_kind<std::int64_t>(value_, where, "int", *this);
}
float Attribute::as_float(const std::string& where) const {
  if (const auto* i = std::get_if<std::int64_t>(&value_)) return static_cast<float>(*i);
  return get_kind<float>(value_, where, "float", *this);
}
const std::string& Attribute::as_string(const std::string& where) const {
  return get_kind<std::string>(value_, where, "string", *this);
}
const std::vector<std::int64_t>& Attribute::as_ints(const std::string& where) const {
  return get_kind<std::vector<std::int64_t>>(value_, where, "ints", *this);
}
const std::vector<float>& Attribute::as_floats(const std::string& where) const {
  return get_kind<std::vector<float>>(value_, where, "floats", *this);
}
const Tensor& Attribute::as_tensor(const std::string& where) const {
  return get_kind<Tensor>(value_, where, "tensor", *this);
}

std::string type_to_string(const TensorType& type) {
  return dtype_name(type.dtype) + (type.dims ? dims_to_string(*type.dims) : std::string("(rank ?)"));
}

std::string Node::describe() const {
  std::string op = domain.empty() ? op_type : domain + "." + op_type;
  return "node '" + name + "' (" + op + ")";
}

const Attribute* Node::find_attribute(const std::string& key) const {
  auto it = attributes.find(key);
  return it == attributes.end() ? nullptr : &it->second;
}

std::int64_t Node::int_attr(const std::string& key, std::int64_t fallback) const {
  const Attribute* a = find_attribute(key);
  return a ? a->as_int(describe() + " attribute '" + key + "'") : fallback;
}
float Node::float_attr(const std::string& key, float fallback) const {
  const Attribute* a = find_attribute(key);
  return a ? a->as_float(describe() + " attribute '" + key + "'") : fallback;
}
std::string Node::string_attr(const std::string& key, const std::string& fallback) const {
  const Attribute* a = find_attribute(key);
  return a ? a->as_string(describe() + " attribute '" + key + "'") : fallback;
}
std::vector<std::int64_t> Node::ints_attr(const std::string& key,
                                          std::vector<std::int64_t> fallback) const {
  const Attribute* a = find_attribute(key);
  return a ? a->as_ints(describe() + " attribute '" + key + "'") : fallback;
}

const Node* Graph::find_node(const std::string& node_name) const {
  for (const Node& n : nodes) if (n.name == node_name) return &n;
  return nullptr;
}
Node* Graph::find_node(const std::string& node_name) {
  for (Node& n : nodes) if (n.name == node_name) return &n;
  return nullptr;
}

int Graph::producer_index(const std::string& value) const {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (const std::string& out : nodes[i].outputs) if (out == value) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::size_t> Graph::consumer_indices(const std::string& value) const {
  std::vector<std::size_t> result;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (const std::string& in : nodes[i].inputs) {
      if (in == value) { result.push_back(i); break; }
    }
  }
  return result;
}

bool Graph::is_graph_output(const std::string& value) const {
  for (const GraphValue& v : outputs) if (v.name == value) return true;
  return false;
}
bool Graph::is_graph_input(const std::string& value) const {
  for (const GraphValue& v : inputs) if (v.name == value) return true;
  return false;
}

std::optional<TensorType> Graph::type_of(const std::string& value) const {
  for (const GraphValue& v : inputs) if (v.name == value) return v.type;
  auto init = initializers.find(value);
  if (init != initializers.end()) return TensorType{init->second.dtype(), init->second.dims()};
  auto it = value_types.find(value);
  if (it != value_types.end()) return it->second;
  for (const GraphValue& v : outputs) if (v.name == value) return v.type;
  return std::nullopt;
}

std::string Graph::unique_node_name(const std::string& base) const {
  std::set<std::string> used;
  for (const Node& n : nodes) used.insert(n.name);
  if (!used.count(base)) return base;
  for (int i = 1;; ++i) {
    std::string candidate = base + "_" + std::to_string(i);
    if (!used.count(candidate)) return candidate;
  }
}

std::string Graph::unique_value_name(const std::string& base) const {
  std::set<std::string> used;
  for (const Node& n : nodes) {
    used.insert(n.inputs.begin(), n.inputs.end());
    used.insert(n.outputs.begin(), n.outputs.end());
  }
  for (const auto& kv : initializers) used.insert(kv.first);
  for (const GraphValue& v : inputs) used.insert(v.name);
  for (const GraphValue& v : outputs) used.insert(v.name);
  if (!used.count(base)) return base;
  for (int i = 1;; ++i) {
    std::string candidate = base + "_" + std::to_string(i);
    if (!used.count(candidate)) return candidate;
  }
}

std::size_t Graph::count_ops(const std::string& op_type) const {
  std::size_t n = 0;
  for (const Node& node : nodes) n += node.op_type == op_type;
  return n;
}

void sort_topologically(Graph& graph) {
  std::set<std::string> defined;
  for (const GraphValue& v : graph.inputs) defined.insert(v.name);
  for (const auto& kv : graph.initializers) defined.insert(kv.first);
  std::vector<Node> sorted;
  sorted.reserve(graph.nodes.size());
  std::vector<bool> placed(graph.nodes.size(), false);
  bool progress = true;
  while (sorted.size() < graph.nodes.size() && progress) {
    progress = false;
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
      if (placed[i]) continue;
      bool ready = true;
      for (const std::string& in : graph.nodes[i].inputs) {
        if (!in.empty() && !defined.count(in)) { ready = false; break; }
      }
      if (!ready) continue;
      placed[i] = true;
      progress = true;
      for (const std::string& out : graph.nodes[i].outputs) if (!out.empty()) defined.insert(out);
      sorted.push_back(std::move(graph.nodes[i]));
    }
  }
  if (sorted.size() < graph.nodes.size()) {
    // Name the first stuck node and the value it waits for.
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
      if (placed[i]) continue;
      for (const std::string& in : graph.nodes[i].inputs) {
        if (!in.empty() && !defined.count(in)) {
          bool produced = false;
          for (std::size_t j = 0; j < graph.nodes.size(); ++j) {
            if (placed[j]) continue;
            for (const std::string& out : graph.nodes[j].outputs) produced |= out == in;
          }
          throw InputError(graph.source + ": graph.node: " + graph.nodes[i].describe() +
                           " reads value '" + in + "', which " +
                           (produced ? "is produced inside a cycle" :
                                       "is not a graph input, initializer or node output"));
        }
      }
    }
  }
  graph.nodes = std::move(sorted);
}

}  // namespace tessera::graph
