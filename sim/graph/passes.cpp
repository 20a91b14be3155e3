#include "sim/graph/passes.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "golden/common/error.h"
#include "sim/graph/op_schema.h"
#include "sim/graph/shape_inference.h"

namespace tessera::graph {
namespace {

bool is_op(const Node& n, const char* op) { return n.op_type == op && n.domain.empty(); }

// The number of node inputs (plus graph outputs) reading `value`.
std::size_t use_count(const Graph& g, const std::string& value) {
  std::size_t n = g.is_graph_output(value) ? 1 : 0;
  for (const Node& node : g.nodes)
    for (const std::string& in : node.inputs) n += in == value;
  return n;
}

// The single node reading `value` (and no graph output), or -1.
int sole_consumer(const Graph& g, const std::string& value) {
  if (g.is_graph_output(value)) return -1;
  int found = -1;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    for (const std::string& in : g.nodes[i].inputs) {
      if (in != value) continue;
      if (found >= 0) return -1;
      found = static_cast<int>(i);
    }
  }
  return found;
}

// A constant scalar-like initializer (one float element) equal to `value` within `tol`.
bool is_const_scalar(const Graph& g, const std::string& name, double value, double tol) {
  auto it = g.initializers.find(name);
  if (it == g.initializers.end() || it->second.dtype() != DType::float32 || it->second.size() != 1) return false;
  return std::fabs(static_cast<double>(it->second.floats()[0]) - value) <= tol;
}

void erase_nodes(Graph& g, const std::set<std::string>& names) {
  std::vector<Node> kept;
  for (Node& n : g.nodes) if (!names.count(n.name)) kept.push_back(std::move(n));
  g.nodes = std::move(kept);
}

}  // namespace

std::size_t fold_constants(Graph& graph, const NodeEvaluator& evaluate, const FoldOptions& options) {
  std::size_t folded = 0;
  std::vector<Node> kept;
  for (Node& node : graph.nodes) {
    bool constant = !node.outputs.empty();
    std::vector<const Tensor*> inputs;
    for (const std::string& in : node.inputs) {
      if (in.empty()) { inputs.push_back(nullptr); continue; }
      auto it = graph.initializers.find(in);
      if (it == graph.initializers.end()) { constant = false; break; }
      inputs.push_back(&it->second);
    }
    // Shape of a value whose extents are all known statically is a constant too.
    std::optional<Tensor> shape_value;
    if (!constant && is_op(node, "Shape") && node.inputs.size() == 1) {
      auto type = graph.type_of(node.inputs[0]);
      if (type && type->dims && std::all_of(type->dims->begin(), type->dims->end(), [](auto d) { return d >= 0; })) {
        const Dims& d = *type->dims;
        const auto r = static_cast<std::int64_t>(d.size());
        auto clampi = [&](std::int64_t v) { if (v < 0) v += r; return std::clamp<std::int64_t>(v, 0, r); };
        const std::int64_t s = clampi(node.int_attr("start", 0)), e = clampi(node.int_attr("end", r));
        Dims v(d.begin() + s, d.begin() + std::max(s, e));
        shape_value = Tensor::from_int64s({static_cast<std::int64_t>(v.size())}, v);
      }
    }
    if (!constant && !shape_value) { kept.push_back(std::move(node)); continue; }
    // Outputs must fit the size limit (known statically, else checked after evaluation).
    std::vector<Tensor> outs;
    if (shape_value) outs.push_back(std::move(*shape_value));
    else outs = evaluate(node, inputs);
    bool small = outs.size() >= node.outputs.size();
    for (const Tensor& t : outs) small = small && t.size() <= options.max_elements;
    if (!small) { kept.push_back(std::move(node)); continue; }
    for (std::size_t k = 0; k < node.outputs.size(); ++k) {
      if (!node.outputs[k].empty()) graph.initializers[node.outputs[k]] = std::move(outs[k]);
    }
    ++folded;
  }
  graph.nodes = std::move(kept);
  eliminate_dead_code(graph);
  return folded;
}

std::size_t eliminate_dead_code(Graph& graph) {
  std::size_t removed = 0;
  // Identity (and Dropout without a used mask): rewire readers to the input.
  for (std::size_t i = 0; i < graph.nodes.size();) {
    Node& n = graph.nodes[i];
    const bool passthrough =
        (is_op(n, "Identity") || (is_op(n, "Dropout") && (n.outputs.size() < 2 || use_count(graph, n.outputs[1]) == 0) &&
                                  !n.has_input(2))) &&
        !n.outputs.empty() && !graph.is_graph_output(n.outputs[0]) && n.has_input(0);
    if (!passthrough) { ++i; continue; }
    const std::string from = n.outputs[0], to = n.inputs[0];
    for (Node& other : graph.nodes)
      for (std::string& in : other.inputs) if (in == from) in = to;
    graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(i));
    ++removed;
  }
  // Nodes none of whose outputs is read, from the back.
  bool changed = true;
  while (changed) {
    changed = false;
    for (std::size_t i = graph.nodes.size(); i-- > 0;) {
      bool used = false;
      for (const std::string& out : graph.nodes[i].outputs) used = used || (!out.empty() && use_count(graph, out) > 0);
      if (used) continue;
      graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(i));
      ++removed;
      changed = true;
    }
  }
  // Initializers nothing reads.
  std::set<std::string> read;
  for (const Node& n : graph.nodes) read.insert(n.inputs.begin(), n.inputs.end());
  for (const GraphValue& v : graph.outputs) read.insert(v.name);
  for (auto it = graph.initializers.begin(); it != graph.initializers.end();) {
    if (read.count(it->first)) ++it;
    else it = graph.initializers.erase(it);
  }
  return removed;
}

std::size_t fuse_gelu(Graph& graph) {
  std::size_t fused = 0;
  for (std::size_t e = 0; e < graph.nodes.size(); ++e) {
    const Node& erf = graph.nodes[e];
    if (!is_op(erf, "Erf") || erf.inputs.size() != 1) continue;
    // x / √2 (or x · 1/√2) feeding the Erf.
    const int d = graph.producer_index(erf.inputs[0]);
    if (d < 0 || sole_consumer(graph, erf.inputs[0]) != static_cast<int>(e)) continue;
    const Node& scale = graph.nodes[d];
    std::string x;
    if (is_op(scale, "Div") && scale.inputs.size() == 2 && is_const_scalar(graph, scale.inputs[1], std::sqrt(2.0), 1e-6)) {
      x = scale.inputs[0];
    } else if (is_op(scale, "Mul") && scale.inputs.size() == 2) {
      for (int k = 0; k < 2; ++k) {
        if (is_const_scalar(graph, scale.inputs[k], std::sqrt(0.5), 1e-6)) x = scale.inputs[1 - k];
      }
    }
    if (x.empty()) continue;
    // Erf + 1.
    const int a = sole_consumer(graph, erf.outputs[0]);
    if (a < 0 || !is_op(graph.nodes[a], "Add")) continue;
    const Node& add = graph.nodes[a];
    const std::string one = add.inputs[0] == erf.outputs[0] ? add.inputs[1] : add.inputs[0];
    if (!is_const_scalar(graph, one, 1.0, 0.0)) continue;
    // (1 + erf) · x · ½ in either association.
    const int m1 = sole_consumer(graph, add.outputs[0]);
    if (m1 < 0 || !is_op(graph.nodes[m1], "Mul")) continue;
    const Node& mul1 = graph.nodes[m1];
    const std::string other = mul1.inputs[0] == add.outputs[0] ? mul1.inputs[1] : mul1.inputs[0];
    std::set<std::string> dead{scale.name, erf.name, add.name, mul1.name};
    std::string final_output;
    if (other == x) {
      const int m2 = sole_consumer(graph, mul1.outputs[0]);
      if (m2 < 0 || !is_op(graph.nodes[m2], "Mul")) continue;
      const Node& mul2 = graph.nodes[m2];
      const std::string half = mul2.inputs[0] == mul1.outputs[0] ? mul2.inputs[1] : mul2.inputs[0];
      if (!is_const_scalar(graph, half, 0.5, 0.0)) continue;
      dead.insert(mul2.name);
      final_output = mul2.outputs[0];
    } else {
      const int h = graph.producer_index(other);
      if (h < 0 || !is_op(graph.nodes[h], "Mul") || sole_consumer(graph, other) != m1) continue;
      const Node& halve = graph.nodes[h];
      const bool ok = (halve.inputs[0] == x && is_const_scalar(graph, halve.inputs[1], 0.5, 0.0)) ||
                      (halve.inputs[1] == x && is_const_scalar(graph, halve.inputs[0], 0.5, 0.0));
      if (!ok) continue;
      dead.insert(halve.name);
      final_output = mul1.outputs[0];
    }
    Node gelu;
    gelu.name = graph.unique_node_name(erf.name + "_gelu");
    gelu.op_type = "Gelu";
    gelu.domain = kTesseraDomain;
    gelu.since_version = 1;
    gelu.inputs = {x};
    gelu.outputs = {final_output};
    gelu.attributes["approximate"] = Attribute(std::string("none"));
    gelu.fused_from.assign(dead.begin(), dead.end());
    graph.nodes.push_back(gelu);
    erase_nodes(graph, dead);
    ++fused;
    sort_topologically(graph);
    e = static_cast<std::size_t>(-1);  // indices moved; rescan
  }
  return fused;
}

namespace {

// Reduction axes of a ReduceMean node (attribute, or constant input from opset 18), normalised.
std::optional<std::vector<std::int64_t>> reduce_axes(const Graph& g, const Node& n, std::size_t rank) {
  std::vector<std::int64_t> axes;
  if (n.has_attribute("axes")) axes = n.ints_attr("axes");
  else if (n.has_input(1)) {
    auto it = g.initializers.find(n.inputs[1]);
    if (it == g.initializers.end()) return std::nullopt;
    for (std::size_t i = 0; i < it->second.size(); ++i) axes.push_back(it->second.as_int64(i));
  } else return std::nullopt;
  for (auto& a : axes) {
    if (a < 0) a += static_cast<std::int64_t>(rank);
    if (a < 0 || a >= static_cast<std::int64_t>(rank)) return std::nullopt;
  }
  std::sort(axes.begin(), axes.end());
  return axes;
}

// All consumers of a value (node indices), empty if it is a graph output.
std::vector<std::size_t> consumers(const Graph& g, const std::string& value) {
  if (g.is_graph_output(value)) return {};
  return g.consumer_indices(value);
}

}  // namespace

std::size_t fuse_layer_norm(Graph& graph) {
  std::size_t fused = 0;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& m1 = graph.nodes[i];
    if (!is_op(m1, "ReduceMean") || m1.int_attr("keepdims", 1) != 1) continue;
    const std::string x = m1.inputs[0];
    auto xt = graph.type_of(x);
    if (!xt || !xt->dims) continue;
    const std::size_t rank = xt->dims->size();
    auto axes = reduce_axes(graph, m1, rank);
    if (!axes || axes->empty() || axes->back() != static_cast<std::int64_t>(rank) - 1) continue;
    bool trailing = true;  // the axes must be the last k
    for (std::size_t k = 0; k < axes->size(); ++k) {
      trailing = trailing && (*axes)[k] == static_cast<std::int64_t>(rank - axes->size() + k);
    }
    if (!trailing) continue;
    // Sub(x, mean), read by Pow and Div only.
    const int si = sole_consumer(graph, m1.outputs[0]);
    if (si < 0 || !is_op(graph.nodes[si], "Sub") || graph.nodes[si].inputs[0] != x) continue;
    const Node& sub = graph.nodes[si];
    const auto sub_readers = consumers(graph, sub.outputs[0]);
    if (sub_readers.size() != 2) continue;
    int pi = -1, di = -1;
    for (std::size_t r : sub_readers) {
      if (is_op(graph.nodes[r], "Pow")) pi = static_cast<int>(r);
      if (is_op(graph.nodes[r], "Div")) di = static_cast<int>(r);
    }
    if (pi < 0 || di < 0) continue;
    const Node& pw = graph.nodes[pi];
    const Node& div = graph.nodes[di];
    if (pw.inputs[0] != sub.outputs[0] || !is_const_scalar(graph, pw.inputs[1], 2.0, 0.0)) continue;
    if (div.inputs[0] != sub.outputs[0]) continue;
    const int m2i = sole_consumer(graph, pw.outputs[0]);
    if (m2i < 0 || !is_op(graph.nodes[m2i], "ReduceMean")) continue;
    const Node& m2 = graph.nodes[m2i];
    if (m2.int_attr("keepdims", 1) != 1 || reduce_axes(graph, m2, rank) != axes) continue;
    const int ai = sole_consumer(graph, m2.outputs[0]);
    if (ai < 0 || !is_op(graph.nodes[ai], "Add")) continue;
    const Node& add_eps = graph.nodes[ai];
    const std::string eps_name = add_eps.inputs[0] == m2.outputs[0] ? add_eps.inputs[1] : add_eps.inputs[0];
    auto eps = graph.initializers.find(eps_name);
    if (eps == graph.initializers.end() || eps->second.dtype() != DType::float32 || eps->second.size() != 1) continue;
    const int qi = sole_consumer(graph, add_eps.outputs[0]);
    if (qi < 0 || !is_op(graph.nodes[qi], "Sqrt")) continue;
    const Node& sq = graph.nodes[qi];
    if (sole_consumer(graph, sq.outputs[0]) != di || div.inputs[1] != sq.outputs[0]) continue;
    // Normalised extents, and the optional scale and shift.
    Dims norm_dims(xt->dims->end() - static_cast<std::ptrdiff_t>(axes->size()), xt->dims->end());
    if (std::any_of(norm_dims.begin(), norm_dims.end(), [](auto d) { return d < 0; })) continue;
    std::set<std::string> dead{m1.name, sub.name, pw.name, m2.name, add_eps.name, sq.name, div.name};
    std::string out = div.outputs[0], gamma, beta;
    auto param_of = [&](const Node& n, const std::string& from) -> std::string {
      const std::string other = n.inputs[0] == from ? n.inputs[1] : n.inputs[0];
      auto it = graph.initializers.find(other);
      if (it == graph.initializers.end() || it->second.dtype() != DType::float32 || it->second.dims() != norm_dims) return "";
      return other;
    };
    const int gi = sole_consumer(graph, out);
    if (gi >= 0 && is_op(graph.nodes[gi], "Mul") && !(gamma = param_of(graph.nodes[gi], out)).empty()) {
      dead.insert(graph.nodes[gi].name);
      out = graph.nodes[gi].outputs[0];
      const int bi = sole_consumer(graph, out);
      if (bi >= 0 && is_op(graph.nodes[bi], "Add") && !(beta = param_of(graph.nodes[bi], out)).empty()) {
        dead.insert(graph.nodes[bi].name);
        out = graph.nodes[bi].outputs[0];
      }
    }
    if (gamma.empty()) {
      gamma = graph.unique_value_name(m1.name + "_ones");
      Tensor ones(DType::float32, norm_dims);
      for (float& v : ones.floats()) v = 1.0f;
      graph.initializers[gamma] = std::move(ones);
    }
    Node ln;
    std::string base = m1.name;
    const std::string suffix = "/ReduceMean";
    if (base.size() > suffix.size() && base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0) {
      base = base.substr(0, base.size() - suffix.size()) + "/LayerNormalization";
    } else {
      base += "_layernorm";
    }
    ln.name = graph.unique_node_name(base);
    ln.op_type = "LayerNormalization";
    ln.since_version = 17;
    ln.inputs = {x, gamma};
    if (!beta.empty()) ln.inputs.push_back(beta);
    ln.outputs = {out};
    ln.attributes["axis"] = Attribute(static_cast<std::int64_t>(-static_cast<std::int64_t>(axes->size())));
    ln.attributes["epsilon"] = Attribute(eps->second.floats()[0]);
    ln.fused_from.assign(dead.begin(), dead.end());
    graph.nodes.push_back(ln);
    erase_nodes(graph, dead);
    sort_topologically(graph);
    ++fused;
    i = static_cast<std::size_t>(-1);  // indices moved; rescan
  }
  if (fused) eliminate_dead_code(graph);  // the constants only the pattern read
  return fused;
}

std::size_t fuse_bias(Graph& graph) {
  std::size_t fused = 0;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& mm = graph.nodes[i];
    if (!is_op(mm, "MatMul") || mm.inputs.size() != 2) continue;
    auto w = graph.initializers.find(mm.inputs[1]);
    if (w == graph.initializers.end() || w->second.rank() != 2) continue;
    const std::int64_t n = w->second.dim(1);
    const int a = sole_consumer(graph, mm.outputs[0]);
    if (a < 0 || !is_op(graph.nodes[a], "Add")) continue;
    const Node& add = graph.nodes[a];
    const std::string bias = add.inputs[0] == mm.outputs[0] ? add.inputs[1] : add.inputs[0];
    auto b = graph.initializers.find(bias);
    if (b == graph.initializers.end() || b->second.dtype() != DType::float32 || b->second.size() != static_cast<std::size_t>(n)) continue;
    // The bias must broadcast along the last axis only ([N], [1, N], ...).
    if (b->second.rank() == 0 || b->second.dims().back() != n) continue;
    auto out_type = graph.type_of(add.outputs[0]);
    auto mm_type = graph.type_of(mm.outputs[0]);
    if (!out_type || !mm_type || !out_type->dims || !mm_type->dims || out_type->dims->size() != mm_type->dims->size()) continue;
    mm.op_type = "Linear";
    mm.domain = kTesseraDomain;
    mm.since_version = 1;
    mm.inputs.push_back(bias);
    mm.fused_from.push_back(add.name);
    const std::string add_name = add.name;
    mm.outputs = {add.outputs[0]};
    erase_nodes(graph, {add_name});
    ++fused;
  }
  return fused;
}

std::size_t fuse_activation(Graph& graph) {
  std::size_t fused = 0;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& main = graph.nodes[i];
    const bool conv = is_op(main, "Conv") || (main.domain == kTesseraDomain && main.op_type == "FusedConv");
    const bool gemm = is_op(main, "Gemm") || (main.domain == kTesseraDomain && main.op_type == "FusedGemm");
    const bool linear = is_op(main, "MatMul") || (main.domain == kTesseraDomain && main.op_type == "Linear");
    if (!conv && !gemm && !linear) continue;
    if (!main.string_attr("activation", "").empty() || main.outputs.size() != 1) continue;
    const int a = sole_consumer(graph, main.outputs[0]);
    if (a < 0) continue;
    const Node& act = graph.nodes[a];
    std::string activation;
    if (is_op(act, "Relu")) activation = "Relu";
    else if (act.op_type == "Gelu" && (act.domain.empty() || act.domain == kTesseraDomain || act.domain == "com.microsoft")) {
      activation = act.string_attr("approximate", "none") == "tanh" ? "GeluTanh" : "Gelu";
    } else continue;
    if (linear && is_op(main, "MatMul")) {
      // A MatMul becomes a Linear without bias; ranks < 2 stay as they are.
      auto t = graph.type_of(main.inputs[1]);
      if (!t || !t->dims || t->dims->size() < 2) continue;
    }
    main.op_type = conv ? "FusedConv" : gemm ? "FusedGemm" : "Linear";
    main.domain = kTesseraDomain;
    main.since_version = 1;
    main.attributes["activation"] = Attribute(activation);
    main.fused_from.push_back(act.name);
    main.fused_from.insert(main.fused_from.end(), act.fused_from.begin(), act.fused_from.end());
    main.outputs = {act.outputs[0]};
    const std::string act_name = act.name;
    erase_nodes(graph, {act_name});
    ++fused;
  }
  return fused;
}

}  // namespace tessera::graph
