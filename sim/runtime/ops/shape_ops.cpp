// Kernels that move elements without arithmetic: Shape, Size, Reshape, Flatten, (Un)Squeeze,
// Transpose, Concat, Slice, Gather, Split, Expand, ConstantOfShape, Constant. Output extents come
// from the same shape rules the graph uses (sim/graph/op_schema), evaluated on concrete inputs.
#include <algorithm>
#include <numeric>

#include "sim/graph/op_schema.h"
#include "sim/graph/shape_inference.h"
#include "sim/runtime/ops/ops.h"

namespace tessera::runtime::ops {
namespace {

using graph::Dims;
using graph::DType;

// The output types the graph's shape rules give for these concrete inputs.
std::vector<std::optional<graph::TensorType>> infer(const Node& node, const TensorRefs& in) {
  const graph::OpSchema* schema = graph::find_op_schema(node.domain, node.op_type, node.since_version);
  if (!schema) fail(node, "no shape rules for version " + std::to_string(node.since_version));
  graph::InferenceContext ctx{node, {}, {}};
  for (const Tensor* t : in) {
    ctx.input_types.push_back(t ? std::optional<graph::TensorType>(graph::TensorType{t->dtype(), t->dims()})
                                : std::nullopt);
    ctx.input_values.push_back(t);
  }
  return schema->infer(ctx);
}

Dims output_dims(const Node& node, const TensorRefs& in, std::size_t i = 0) {
  auto types = infer(node, in);
  if (i >= types.size() || !types[i] || !types[i]->dims) fail(node, "output shape could not be determined");
  for (auto d : *types[i]->dims) if (d < 0) fail(node, "output shape could not be determined");
  return *types[i]->dims;
}

// New tensor of `dims` whose element k is src element idx[k].
Tensor take(const Tensor& src, const std::vector<std::size_t>& idx, Dims dims) {
  Tensor r(src.dtype(), std::move(dims));
  switch (src.dtype()) {
    case DType::float32: for (std::size_t k = 0; k < idx.size(); ++k) r.floats()[k] = src.floats()[idx[k]]; break;
    case DType::int64: for (std::size_t k = 0; k < idx.size(); ++k) r.int64s()[k] = src.int64s()[idx[k]]; break;
    case DType::boolean: for (std::size_t k = 0; k < idx.size(); ++k) r.bools()[k] = src.bools()[idx[k]]; break;
  }
  return r;
}

// Iterates the multi-index of `dims` in row-major order, calling fn(flat, position).
template <class Fn>
void for_each_index(const Dims& dims, Fn fn) {
  const auto n = static_cast<std::size_t>(graph::dims_element_count(dims));
  std::vector<std::int64_t> pos(dims.size(), 0);
  for (std::size_t flat = 0; flat < n; ++flat) {
    fn(flat, pos);
    for (std::size_t a = dims.size(); a-- > 0;) {
      if (++pos[a] < dims[a]) break;
      pos[a] = 0;
    }
  }
}

std::vector<Tensor> reshape_like(const Node& node, const TensorRefs& in) {
  return {input(node, in, 0).reshaped(output_dims(node, in))};
}

std::vector<Tensor> shape(const Node& node, const TensorRefs& in) {
  const Dims& d = input(node, in, 0).dims();
  const auto r = static_cast<std::int64_t>(d.size());
  auto clampi = [&](std::int64_t v) { if (v < 0) v += r; return std::clamp<std::int64_t>(v, 0, r); };
  const std::int64_t start = clampi(node.int_attr("start", 0)), end = clampi(node.int_attr("end", r));
  Dims v(d.begin() + start, d.begin() + std::max(start, end));
  return {Tensor::from_int64s({static_cast<std::int64_t>(v.size())}, v)};
}

std::vector<Tensor> size(const Node& node, const TensorRefs& in) {
  return {Tensor::from_int64s({}, {static_cast<std::int64_t>(input(node, in, 0).size())})};
}

std::vector<Tensor> transpose(const Node& node, const TensorRefs& in) {
  const Tensor& x = input(node, in, 0);
  Dims perm(x.rank());
  std::iota(perm.rbegin(), perm.rend(), 0);
  perm = node.ints_attr("perm", perm);
  const Dims out = output_dims(node, in);
  const auto stride = strides_of(x.dims());
  std::vector<std::size_t> idx(x.size());
  for_each_index(out, [&](std::size_t flat, const std::vector<std::int64_t>& pos) {
    std::size_t s = 0;
    for (std::size_t a = 0; a < pos.size(); ++a) s += static_cast<std::size_t>(pos[a]) * stride[perm[a]];
    idx[flat] = s;
  });
  return {take(x, idx, out)};
}

std::vector<Tensor> concat(const Node& node, const TensorRefs& in) {
  const Dims out = output_dims(node, in);
  const std::size_t axis = norm_axis(node, node.int_attr("axis", 0), out.size());
  const std::size_t outer = static_cast<std::size_t>(graph::dims_element_count(Dims(out.begin(), out.begin() + axis)));
  const Tensor& first = input(node, in, 0);
  Tensor r(first.dtype(), out);
  std::size_t offset = 0;
  const std::size_t out_block = r.size() / std::max<std::size_t>(outer, 1);
  for (std::size_t i = 0; i < in.size(); ++i) {
    const Tensor& x = input(node, in, i);
    if (x.dtype() != first.dtype()) fail(node, "input dtypes differ");
    const std::size_t block = outer ? x.size() / outer : 0;
    for (std::size_t o = 0; o < outer; ++o) {
      for (std::size_t k = 0; k < block; ++k) {
        const std::size_t dst = o * out_block + offset + k, src = o * block + k;
        switch (x.dtype()) {
          case DType::float32: r.floats()[dst] = x.floats()[src]; break;
          case DType::int64: r.int64s()[dst] = x.int64s()[src]; break;
          case DType::boolean: r.bools()[dst] = x.bools()[src]; break;
        }
      }
    }
    offset += block;
  }
  return {std::move(r)};
}

std::vector<Tensor> slice(const Node& node, const TensorRefs& in) {
  const Tensor& x = input(node, in, 0);
  Dims starts, ends, axes, steps;
  if (node.since_version < 10) {
    starts = node.ints_attr("starts");
    ends = node.ints_attr("ends");
    axes = node.ints_attr("axes");
  } else {
    starts = to_int64s(input(node, in, 1));
    ends = to_int64s(input(node, in, 2));
    if (node.has_input(3)) axes = to_int64s(input(node, in, 3));
    if (node.has_input(4)) steps = to_int64s(input(node, in, 4));
  }
  if (axes.empty()) { axes.resize(starts.size()); std::iota(axes.begin(), axes.end(), 0); }
  if (steps.empty()) steps.assign(starts.size(), 1);
  const Dims out = output_dims(node, in);
  Dims begin(x.rank(), 0), step(x.rank(), 1);
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const std::size_t a = norm_axis(node, axes[i], x.rank());
    const std::int64_t dim = x.dim(a);
    std::int64_t s = starts[i];
    if (s < 0) s += dim;
    s = steps[i] > 0 ? std::clamp<std::int64_t>(s, 0, dim) : std::clamp<std::int64_t>(s, 0, dim - 1);
    begin[a] = s;
    step[a] = steps[i];
  }
  const auto stride = strides_of(x.dims());
  std::vector<std::size_t> idx(static_cast<std::size_t>(graph::dims_element_count(out)));
  for_each_index(out, [&](std::size_t flat, const std::vector<std::int64_t>& pos) {
    std::int64_t s = 0;
    for (std::size_t a = 0; a < pos.size(); ++a) s += (begin[a] + pos[a] * step[a]) * static_cast<std::int64_t>(stride[a]);
    idx[flat] = static_cast<std::size_t>(s);
  });
  return {take(x, idx, out)};
}

std::vector<Tensor> gather(const Node& node, const TensorRefs& in) {
  const Tensor& x = input(node, in, 0);
  const Tensor& indices = input(node, in, 1);
  if (indices.dtype() != DType::int64) fail(node, "indices must be int64");
  const std::size_t axis = norm_axis(node, node.int_attr("axis", 0), x.rank());
  const std::int64_t extent = x.dim(axis);
  const Dims out = output_dims(node, in);
  const std::size_t outer = static_cast<std::size_t>(graph::dims_element_count(Dims(x.dims().begin(), x.dims().begin() + axis)));
  const std::size_t inner = static_cast<std::size_t>(graph::dims_element_count(Dims(x.dims().begin() + axis + 1, x.dims().end())));
  std::vector<std::size_t> idx;
  idx.reserve(outer * indices.size() * inner);
  for (std::size_t o = 0; o < outer; ++o) {
    for (std::int64_t k : indices.int64s()) {
      if (k < -extent || k >= extent) {
        fail(node, "index " + std::to_string(k) + " out of range for axis extent " + std::to_string(extent));
      }
      if (k < 0) k += extent;
      for (std::size_t i = 0; i < inner; ++i) {
        idx.push_back((o * static_cast<std::size_t>(extent) + static_cast<std::size_t>(k)) * inner + i);
      }
    }
  }
  return {take(x, idx, out)};
}

std::vector<Tensor> split(const Node& node, const TensorRefs& in) {
  const Tensor& x = input(node, in, 0);
  const std::size_t axis = norm_axis(node, node.int_attr("axis", 0), x.rank());
  auto types = infer(node, in);
  const auto stride = strides_of(x.dims());
  std::vector<Tensor> result;
  std::int64_t offset = 0;
  for (std::size_t i = 0; i < node.outputs.size(); ++i) {
    const Dims out = *types.at(i)->dims;
    std::vector<std::size_t> idx(static_cast<std::size_t>(graph::dims_element_count(out)));
    for_each_index(out, [&](std::size_t flat, const std::vector<std::int64_t>& pos) {
      std::size_t s = 0;
      for (std::size_t a = 0; a < pos.size(); ++a) {
        s += static_cast<std::size_t>(pos[a] + (a == axis ? offset : 0)) * stride[a];
      }
      idx[flat] = s;
    });
    result.push_back(take(x, idx, out));
    offset += out[axis];
  }
  return result;
}

std::vector<Tensor> expand(const Node& node, const TensorRefs& in) {
  const Tensor& x = input(node, in, 0);
  const Dims out = output_dims(node, in);
  return {take(x, broadcast_index(x.dims(), out), out)};
}

std::vector<Tensor> constant_of_shape(const Node& node, const TensorRefs& in) {
  const Dims out = output_dims(node, in);
  Tensor value = Tensor::scalar(0.0f);
  if (const graph::Attribute* a = node.find_attribute("value")) value = a->as_tensor(node.describe());
  if (value.size() != 1) fail(node, "attribute 'value' must hold one element");
  return {take(value, std::vector<std::size_t>(static_cast<std::size_t>(graph::dims_element_count(out)), 0), out)};
}

std::vector<Tensor> constant(const Node& node, const TensorRefs&) {
  return {graph::constant_node_value(node)};
}

}  // namespace

void register_shape_ops(KernelTable& t) {
  t[{"", "Shape"}] = shape;
  t[{"", "Size"}] = size;
  t[{"", "Reshape"}] = reshape_like;
  t[{"", "Flatten"}] = reshape_like;
  t[{"", "Squeeze"}] = reshape_like;
  t[{"", "Unsqueeze"}] = reshape_like;
  t[{"", "Transpose"}] = transpose;
  t[{"", "Concat"}] = concat;
  t[{"", "Slice"}] = slice;
  t[{"", "Gather"}] = gather;
  t[{"", "Split"}] = split;
  t[{"", "Expand"}] = expand;
  t[{"", "ConstantOfShape"}] = constant_of_shape;
  t[{"", "Constant"}] = constant;
}

}  // namespace tessera::runtime::ops
