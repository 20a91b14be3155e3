#include "sim/runtime/executor.h"

#include <set>

#include "golden/common/error.h"
#include "sim/graph/shape_inference.h"
#include "sim/graph/validate.h"

namespace tessera::runtime {

using graph::Dims;

Executor::Executor(graph::Graph graph, ExecutorOptions options)
    : graph_(std::move(graph)), options_(options) {
  graph::ValidateOptions vopts;
  vopts.unused_initializers = graph::UnusedInitializerPolicy::warn;
  graph::validate(graph_, vopts);
  graph::infer_shapes(graph_);
  for (const Node& node : graph_.nodes) reference_.push_back(&reference_kernel(node));
  // Last reader of each value, so intermediates are freed as soon as possible.
  std::map<std::string, std::size_t> last_use;
  for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
    for (const std::string& in : graph_.nodes[i].inputs) if (!in.empty()) last_use[in] = i;
    for (const std::string& out : graph_.nodes[i].outputs) if (!out.empty() && !last_use.count(out)) last_use[out] = i;
  }
  release_after_.resize(graph_.nodes.size());
  for (const auto& [name, index] : last_use) {
    if (graph_.is_graph_output(name) || graph_.initializers.count(name) || graph_.is_graph_input(name)) continue;
    release_after_[index].push_back(name);
  }
}

void Executor::set_kernel(const std::string& node_name, KernelFn kernel) {
  if (!graph_.find_node(node_name)) {
    throw ConfigError("executor: no node named '" + node_name + "' in " + graph_.source);
  }
  overrides_[node_name] = std::move(kernel);
}

void Executor::clear_kernel(const std::string& node_name) { overrides_.erase(node_name); }

namespace {

void check_type(const std::string& what, const Tensor& t, const graph::TensorType& type, bool input) {
  bool ok = t.dtype() == type.dtype;
  if (ok && type.dims) {
    ok = type.dims->size() == t.rank();
    for (std::size_t a = 0; ok && a < t.rank(); ++a) ok = (*type.dims)[a] < 0 || (*type.dims)[a] == t.dim(a);
  }
  if (ok) return;
  const std::string msg = what + ": expected " + graph::type_to_string(type) + ", got " +
                          graph::dtype_name(t.dtype()) + graph::dims_to_string(t.dims());
  if (input) throw InputError(msg);
  throw StateError(msg);
}

}  // namespace

TensorMap Executor::run(const TensorMap& inputs) const {
  std::map<std::string, Tensor> values;
  for (const auto& [name, tensor] : inputs) {
    if (!graph_.is_graph_input(name)) {
      std::string names;
      for (const auto& v : graph_.inputs) names += (names.empty() ? "'" : ", '") + v.name + "'";
      throw InputError(graph_.source + ": no graph input named '" + name + "' (inputs: " + names + ")");
    }
  }
  for (const graph::GraphValue& v : graph_.inputs) {
    auto it = inputs.find(v.name);
    if (it == inputs.end()) throw InputError(graph_.source + ": graph input '" + v.name + "' was not given");
    check_type(graph_.source + ": graph input '" + v.name + "'", it->second, v.type, true);
  }
  auto lookup = [&](const std::string& name) -> const Tensor* {
    auto v = values.find(name);
    if (v != values.end()) return &v->second;
    auto in = inputs.find(name);
    if (in != inputs.end()) return &in->second;
    auto init = graph_.initializers.find(name);
    if (init != graph_.initializers.end()) return &init->second;
    return nullptr;
  };
  for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
    const Node& node = graph_.nodes[i];
    TensorRefs refs;
    refs.reserve(node.inputs.size());
    for (const std::string& in : node.inputs) {
      if (in.empty()) { refs.push_back(nullptr); continue; }
      const Tensor* t = lookup(in);
      if (!t) throw StateError(node.describe() + ": input '" + in + "' has no value");
      refs.push_back(t);
    }
    const KernelFn* kernel = reference_[i];
    KernelFn resolved;
    auto o = overrides_.find(node.name);
    if (o != overrides_.end()) kernel = &o->second;
    else if (resolver_ && (resolved = resolver_(node))) kernel = &resolved;
    std::vector<Tensor> outs = (*kernel)(node, refs);
    if (outs.size() < node.outputs.size()) {
      throw StateError(node.describe() + ": kernel returned " + std::to_string(outs.size()) +
                       " outputs for " + std::to_string(node.outputs.size()));
    }
    if (options_.check_types) {
      for (std::size_t k = 0; k < node.outputs.size(); ++k) {
        if (node.outputs[k].empty()) continue;
        auto type = graph_.type_of(node.outputs[k]);
        if (type) check_type(node.describe() + " output '" + node.outputs[k] + "'", outs[k], *type, false);
      }
    }
    for (const Observer& obs : observers_) obs(NodeEvent{node, i, refs, outs});
    for (std::size_t k = 0; k < node.outputs.size(); ++k) {
      if (!node.outputs[k].empty()) values[node.outputs[k]] = std::move(outs[k]);
    }
    for (const std::string& dead : release_after_[i]) values.erase(dead);
  }
  TensorMap result;
  for (const graph::GraphValue& v : graph_.outputs) {
    const Tensor* t = lookup(v.name);
    if (!t) throw StateError(graph_.source + ": graph output '" + v.name + "' has no value");
    result[v.name] = *t;
  }
  return result;
}

namespace {

Tensor slice_rows(const Tensor& t, std::int64_t begin, std::int64_t count) {
  Dims dims = t.dims();
  const std::size_t row = t.size() / static_cast<std::size_t>(dims[0]);
  dims[0] = count;
  Tensor r(t.dtype(), dims);
  const std::size_t from = static_cast<std::size_t>(begin) * row, n = static_cast<std::size_t>(count) * row;
  switch (t.dtype()) {
    case graph::DType::float32: std::copy_n(t.floats().begin() + from, n, r.floats().begin()); break;
    case graph::DType::int64: std::copy_n(t.int64s().begin() + from, n, r.int64s().begin()); break;
    case graph::DType::boolean: std::copy_n(t.bools().begin() + from, n, r.bools().begin()); break;
  }
  return r;
}

Tensor concat_rows(const std::vector<Tensor>& parts) {
  Dims dims = parts.front().dims();
  dims[0] = 0;
  for (const Tensor& p : parts) dims[0] += p.dim(0);
  Tensor r(parts.front().dtype(), dims);
  std::size_t at = 0;
  for (const Tensor& p : parts) {
    switch (p.dtype()) {
      case graph::DType::float32: std::copy(p.floats().begin(), p.floats().end(), r.floats().begin() + at); break;
      case graph::DType::int64: std::copy(p.int64s().begin(), p.int64s().end(), r.int64s().begin() + at); break;
      case graph::DType::boolean: std::copy(p.bools().begin(), p.bools().end(), r.bools().begin() + at); break;
    }
    at += p.size();
  }
  return r;
}

}  // namespace

TensorMap Executor::run_batched(const TensorMap& inputs, std::size_t max_batch) const {
  std::int64_t n = -1, chunk = max_batch ? static_cast<std::int64_t>(max_batch) : -1;
  for (const graph::GraphValue& v : graph_.inputs) {
    auto it = inputs.find(v.name);
    if (it == inputs.end() || it->second.rank() == 0) return run(inputs);
    if (n >= 0 && it->second.dim(0) != n) {
      throw InputError(graph_.source + ": inputs disagree on the batch extent (" + std::to_string(n) +
                       " vs " + std::to_string(it->second.dim(0)) + ")");
    }
    n = it->second.dim(0);
    if (v.type.dims && !v.type.dims->empty() && (*v.type.dims)[0] > 0) chunk = (*v.type.dims)[0];
  }
  if (n < 0 || chunk <= 0 || chunk >= n) return run(inputs);
  if (n % chunk != 0 && chunk != static_cast<std::int64_t>(max_batch)) {
    // A fixed-batch model needs whole chunks.
    throw InputError(graph_.source + ": batch of " + std::to_string(n) +
                     " is not a multiple of the model's fixed batch extent " + std::to_string(chunk));
  }
  std::map<std::string, std::vector<Tensor>> parts;
  for (std::int64_t begin = 0; begin < n; begin += chunk) {
    const std::int64_t count = std::min(chunk, n - begin);
    TensorMap piece;
    for (const auto& [name, t] : inputs) piece[name] = slice_rows(t, begin, count);
    for (auto& [name, t] : run(piece)) parts[name].push_back(std::move(t));
  }
  TensorMap result;
  for (auto& [name, list] : parts) result[name] = concat_rows(list);
  return result;
}

Tensor Executor::run1(Tensor input, std::size_t max_batch) const {
  if (graph_.inputs.size() != 1 || graph_.outputs.size() != 1) {
    throw ConfigError(graph_.source + ": run1 needs a graph with one input and one output");
  }
  TensorMap in;
  in[graph_.inputs[0].name] = std::move(input);
  return run_batched(in, max_batch).at(graph_.outputs[0].name);
}

}  // namespace tessera::runtime
