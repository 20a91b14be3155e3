#include "sim/graph/shape_inference.h"

#include <algorithm>

#include "golden/common/error.h"
#include "sim/graph/op_schema.h"

namespace tessera::graph {

Tensor constant_node_value(const Node& node) {
  const std::string where = node.describe();
  if (const Attribute* a = node.find_attribute("value")) return a->as_tensor(where + " attribute 'value'");
  if (const Attribute* a = node.find_attribute("value_float")) {
    return Tensor::scalar(a->as_float(where + " attribute 'value_float'"));
  }
  if (const Attribute* a = node.find_attribute("value_int")) {
    return Tensor::from_int64s({}, {a->as_int(where + " attribute 'value_int'")});
  }
  if (const Attribute* a = node.find_attribute("value_floats")) {
    const auto& v = a->as_floats(where + " attribute 'value_floats'");
    return Tensor::from_floats({static_cast<std::int64_t>(v.size())}, v);
  }
  if (const Attribute* a = node.find_attribute("value_ints")) {
    const auto& v = a->as_ints(where + " attribute 'value_ints'");
    return Tensor::from_int64s({static_cast<std::int64_t>(v.size())}, v);
  }
  throw InputError(where + ": needs one of the attributes value, value_float(s), value_int(s)");
}

namespace {

// Merges declared knowledge into the inferred type; throws on a contradiction.
TensorType reconcile(const Graph& graph, const Node& node, std::size_t output,
                     const TensorType& inferred, const TensorType& declared) {
  auto mismatch = [&]() {
    throw InputError(graph.source + ": value '" + node.outputs[output] + "' (output " +
                     std::to_string(output) + " of " + node.describe() + "): declared type " +
                     type_to_string(declared) + " but the inputs give " + type_to_string(inferred));
  };
  if (inferred.dtype != declared.dtype) mismatch();
  TensorType merged = inferred;
  if (!inferred.dims) { merged.dims = declared.dims; return merged; }
  if (!declared.dims) return merged;
  if (inferred.dims->size() != declared.dims->size()) mismatch();
  for (std::size_t i = 0; i < inferred.dims->size(); ++i) {
    const std::int64_t a = (*inferred.dims)[i], b = (*declared.dims)[i];
    if (a >= 0 && b >= 0 && a != b) mismatch();
    if (a < 0) (*merged.dims)[i] = b;
  }
  return merged;
}

}  // namespace

void infer_shapes(Graph& graph) {
  std::map<std::string, TensorType> known;
  for (const GraphValue& v : graph.inputs) known[v.name] = v.type;
  for (const auto& kv : graph.initializers) known[kv.first] = TensorType{kv.second.dtype(), kv.second.dims()};
  std::map<std::string, Tensor> constants;  // values of Constant nodes
  std::map<std::string, Dims> shape_values;  // Shape outputs: known extents, -1 where symbolic
  std::map<std::string, TensorType> declared = graph.value_types;
  for (const GraphValue& v : graph.outputs) declared.emplace(v.name, v.type);

  std::map<std::string, TensorType> result;
  for (const Node& node : graph.nodes) {
    const OpSchema* schema = find_op_schema(node.domain, node.op_type, node.since_version);
    if (!schema) {
      throw InputError(graph.source + ": " + node.describe() + " version " +
                       std::to_string(node.since_version) + " is not supported");
    }
    InferenceContext ctx{node, {}, {}};
    for (const std::string& in : node.inputs) {
      std::optional<TensorType> type;
      const Tensor* value = nullptr;
      if (!in.empty()) {
        auto it = known.find(in);
        if (it != known.end()) type = it->second;
        auto init = graph.initializers.find(in);
        if (init != graph.initializers.end()) value = &init->second;
        auto c = constants.find(in);
        if (c != constants.end()) value = &c->second;
      }
      ctx.input_types.push_back(type);
      ctx.input_values.push_back(value);
      auto sv = in.empty() ? shape_values.end() : shape_values.find(in);
      ctx.input_shape_values.push_back(sv == shape_values.end() ? std::nullopt : std::optional<Dims>(sv->second));
    }
    std::vector<std::optional<TensorType>> outs;
    try {
      outs = schema->infer(ctx);
    } catch (const InputError& e) {
      throw InputError(graph.source + ": " + e.what());
    }
    if (node.op_type == "Constant" && node.domain.empty() && !node.outputs.empty()) {
      constants[node.outputs[0]] = constant_node_value(node);
    }
    if (node.op_type == "Shape" && node.domain.empty() && ctx.input_types[0] && ctx.input_types[0]->dims) {
      const Dims& d = *ctx.input_types[0]->dims;
      const auto r = static_cast<std::int64_t>(d.size());
      auto clampi = [&](std::int64_t v) { if (v < 0) v += r; return std::clamp<std::int64_t>(v, 0, r); };
      const std::int64_t start = clampi(node.int_attr("start", 0)), end = clampi(node.int_attr("end", r));
      shape_values[node.outputs[0]] = Dims(d.begin() + start, d.begin() + std::max(start, end));
    }
    for (std::size_t i = 0; i < node.outputs.size(); ++i) {
      const std::string& name = node.outputs[i];
      if (name.empty()) continue;
      std::optional<TensorType> type = i < outs.size() ? outs[i] : std::nullopt;
      auto d = declared.find(name);
      if (d != declared.end()) {
        type = type ? reconcile(graph, node, i, *type, d->second) : d->second;
      }
      if (type) {
        known[name] = *type;
        result[name] = *type;
      }
    }
  }
  graph.value_types = std::move(result);
  // Graph outputs take the reconciled types.
  for (GraphValue& v : graph.outputs) {
    auto it = known.find(v.name);
    if (it != known.end()) v.type = it->second;
  }
}

}  // namespace tessera::graph
