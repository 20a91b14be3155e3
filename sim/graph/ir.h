#pragma once
// The graph IR the network runtime works on: a topologically ordered list of nodes over named
// values, with graph inputs, outputs and initializers (weights). Loaders (sim/onnx, ...) build
// it; passes (passes.h) rewrite it; the executor (sim/runtime) runs it; mapping rules and tallies
// key on Node::name, which is unique and stable (synthesised by the loader when a file has none).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sim/graph/tensor.h"

namespace tessera::graph {

// The domain of the operators tessera adds itself (fused nodes; see passes.h).
inline constexpr const char* kTesseraDomain = "ai.tessera";

// One node attribute: an int, float, string, list of those, or a tensor (Constant's value).
class Attribute {
 public:
  using Value = std::variant<std::int64_t, float, std::string, std::vector<std::int64_t>,
                             std::vector<float>, std::vector<std::string>, Tensor>;
  Attribute() = default;
  Attribute(Value value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose

  const Value& value() const { return value_; }
  std::string kind_name() const;  // "int", "float", "string", "ints", "floats", "strings", "tensor"

  // Typed getters; throw InputError naming `where` (e.g. "node 'conv1' (Conv) attribute 'pads'")
  // when the attribute holds another kind.
  std::int64_t as_int(const std::string& where) const;
  float as_float(const std::string& where) const;  // an int attribute is accepted as well
  const std::string& as_string(const std::string& where) const;
  const std::vector<std::int64_t>& as_ints(const std::string& where) const;
  const std::vector<float>& as_floats(const std::string& where) const;
  const Tensor& as_tensor(const std::string& where) const;

 private:
  Value value_;
};

// What the graph knows statically about a value: dtype, and extents when known (-1 = unknown).
struct TensorType {
  DType dtype = DType::float32;
  std::optional<Dims> dims;  // nullopt: rank unknown
};
std::string type_to_string(const TensorType& type);  // "float32(1, ?, 28)"

struct Node {
  std::string name;        // unique within the graph, never empty
  std::string op_type;     // "Conv", "MatMul", ...
  std::string domain;      // "" is the ONNX default domain (ai.onnx)
  int since_version = 1;   // the operator version the node follows (ONNX schema since_version)
  std::vector<std::string> inputs;   // value names; "" marks an absent optional input
  std::vector<std::string> outputs;  // value names; "" marks an unused optional output
  std::map<std::string, Attribute> attributes;
  // Names of the source nodes a pass merged into this one (empty for an unfused node).
  std::vector<std::string> fused_from;

  bool has_attribute(const std::string& key) const { return attributes.count(key) != 0; }
  // Typed attribute getters with defaults; errors name the node, its op and the attribute.
  std::int64_t int_attr(const std::string& key, std::int64_t fallback) const;
  float float_attr(const std::string& key, float fallback) const;
  std::string string_attr(const std::string& key, const std::string& fallback) const;
  std::vector<std::int64_t> ints_attr(const std::string& key,
                                      std::vector<std::int64_t> fallback = {}) const;
  const Attribute* find_attribute(const std::string& key) const;
  // "node 'conv1' (Conv)" — the prefix of every message about this node.
  std::string describe() const;
  // Number of inputs that are present (non-empty names) among the first `n`.
  bool has_input(std::size_t i) const { return i < inputs.size() && !inputs[i].empty(); }
};

struct GraphValue {
  std::string name;
  TensorType type;
};

struct Graph {
  std::string name;
  std::string source;  // the file it came from; names the model in every error message
  std::map<std::string, std::int64_t> opset_imports;  // domain -> version
  std::vector<GraphValue> inputs;    // runtime inputs (initializers are not listed here)
  std::vector<GraphValue> outputs;
  std::map<std::string, Tensor> initializers;
  std::vector<Node> nodes;           // topological order
  // Static types of intermediate values: declared by the file and/or inferred (shape_inference.h).
  std::map<std::string, TensorType> value_types;

  const Node* find_node(const std::string& node_name) const;
  Node* find_node(const std::string& node_name);
  // Index of the node producing `value`, or -1 for graph inputs, initializers and unknown names.
  int producer_index(const std::string& value) const;
  // Indices of the nodes reading `value`.
  std::vector<std::size_t> consumer_indices(const std::string& value) const;
  bool is_graph_output(const std::string& value) const;
  bool is_graph_input(const std::string& value) const;
  // The static type of a value: graph input/output, initializer or value_types; nullptr if none.
  std::optional<TensorType> type_of(const std::string& value) const;
  // A node name not yet used, built from `base` ("base", "base_1", ...).
  std::string unique_node_name(const std::string& base) const;
  // A value name not yet used, built from `base`.
  std::string unique_value_name(const std::string& base) const;
  // Count of nodes with this op type (any domain).
  std::size_t count_ops(const std::string& op_type) const;
};

// Reorders nodes topologically (stable for an already sorted graph); throws InputError naming
// graph.source when a node reads a value nothing defines or the graph has a cycle.
void sort_topologically(Graph& graph);

}  // namespace tessera::graph
