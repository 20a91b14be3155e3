#include "sim/runtime/kernel.h"

#include "sim/runtime/ops/ops.h"

namespace tessera::runtime {
namespace {

const ops::KernelTable& table() {
  static const ops::KernelTable t = [] {
    ops::KernelTable k;
    ops::register_elementwise(k);
    ops::register_shape_ops(k);
    ops::register_reduce(k);
    ops::register_nn(k);
    return k;
  }();
  return t;
}

}  // namespace

const KernelFn& reference_kernel(const Node& node) {
  const std::string domain = node.domain == "ai.onnx" ? "" : node.domain;
  auto it = table().find({domain, node.op_type});
  if (it == table().end()) {
    throw ConfigError(node.describe() + ": no FP32 reference kernel for this operator");
  }
  return it->second;
}

bool has_reference_kernel(const std::string& domain, const std::string& op_type) {
  return table().count({domain == "ai.onnx" ? "" : domain, op_type}) != 0;
}

std::vector<Tensor> run_reference(const Node& node, const TensorRefs& inputs) {
  return reference_kernel(node)(node, inputs);
}

namespace ops {

[[noreturn]] void fail(const Node& node, const std::string& what) {
  throw InputError(node.describe() + ": " + what);
}

const Tensor& input(const Node& node, const TensorRefs& inputs, std::size_t i) {
  if (i >= inputs.size() || inputs[i] == nullptr) {
    fail(node, "input " + std::to_string(i) + " is required but absent");
  }
  return *inputs[i];
}

std::vector<std::int64_t> to_int64s(const Tensor& t) {
  std::vector<std::int64_t> v(t.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = t.as_int64(i);
  return v;
}

std::size_t norm_axis(const Node& node, std::int64_t axis, std::size_t rank) {
  const auto r = static_cast<std::int64_t>(rank);
  if (axis < -r || axis >= r) {
    fail(node, "axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  }
  return static_cast<std::size_t>(axis < 0 ? axis + r : axis);
}

std::vector<std::size_t> strides_of(const graph::Dims& dims) {
  std::vector<std::size_t> s(dims.size(), 1);
  for (std::size_t a = dims.size(); a-- > 1;) s[a - 1] = s[a] * static_cast<std::size_t>(dims[a]);
  return s;
}

graph::Dims broadcast_dims(const Node& node, const graph::Dims& a, const graph::Dims& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  graph::Dims out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t ea = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const std::int64_t eb = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (ea != eb && ea != 1 && eb != 1) {
      fail(node, "shapes " + graph::dims_to_string(a) + " and " + graph::dims_to_string(b) +
                     " do not broadcast");
    }
    out[i] = ea == 1 ? eb : ea;
  }
  return out;
}

std::vector<std::size_t> broadcast_index(const graph::Dims& from, const graph::Dims& to) {
  return ref::broadcast_source_indices(graph::to_ref_shape(from), graph::to_ref_shape(to));
}

}  // namespace ops
}  // namespace tessera::runtime
