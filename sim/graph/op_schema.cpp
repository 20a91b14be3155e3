#include "sim/graph/op_schema.h"

#include <algorithm>
#include <numeric>

#include "golden/common/error.h"
#include "sim/graph/spatial.h"

namespace tessera::graph {
namespace {

using Out = std::vector<std::optional<TensorType>>;

[[noreturn]] void fail(const Node& node, const std::string& what) {
  throw InputError(node.describe() + ": " + what);
}

const std::optional<TensorType>& in_type(const InferenceContext& c, std::size_t i) {
  static const std::optional<TensorType> none;
  return i < c.input_types.size() ? c.input_types[i] : none;
}
std::optional<Dims> in_dims(const InferenceContext& c, std::size_t i) {
  const auto& t = in_type(c, i);
  if (!t) return std::nullopt;
  return t->dims;
}
DType in_dtype(const InferenceContext& c, std::size_t i, DType fallback = DType::float32) {
  const auto& t = in_type(c, i);
  return t ? t->dtype : fallback;
}
const Tensor* in_value(const InferenceContext& c, std::size_t i) {
  return i < c.input_values.size() ? c.input_values[i] : nullptr;
}
std::optional<Dims> const_ints(const InferenceContext& c, std::size_t i) {
  const Tensor* t = in_value(c, i);
  if (!t) return std::nullopt;
  Dims v(t->size());
  for (std::size_t k = 0; k < v.size(); ++k) v[k] = t->as_int64(k);
  return v;
}
TensorType tt(DType dtype, std::optional<Dims> dims) { return TensorType{dtype, std::move(dims)}; }

std::int64_t norm_axis(const Node& node, std::int64_t axis, std::size_t rank, const char* what) {
  const auto r = static_cast<std::int64_t>(rank);
  if (axis < -r || axis >= r) {
    fail(node, std::string(what) + " " + std::to_string(axis) + " out of range for rank " +
                   std::to_string(rank));
  }
  return axis < 0 ? axis + r : axis;
}

// NumPy broadcasting with unknown (-1) extents.
Dims broadcast(const Node& node, const Dims& a, const Dims& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  Dims out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t ea = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const std::int64_t eb = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (ea == eb) out[i] = ea;
    else if (ea == 1) out[i] = eb;
    else if (eb == 1) out[i] = ea;
    else if (ea < 0) out[i] = eb;
    else if (eb < 0) out[i] = ea;
    else fail(node, "shapes " + dims_to_string(a) + " and " + dims_to_string(b) + " do not broadcast");
  }
  return out;
}

Out same_as_input(const InferenceContext& c) { return {in_type(c, 0)}; }

Out elementwise(const InferenceContext& c, std::optional<DType> result_dtype) {
  std::optional<Dims> dims = in_dims(c, 0);
  const std::size_t n = c.node.inputs.size();
  for (std::size_t i = 1; i < n && dims; ++i) {
    auto d = in_dims(c, i);
    dims = d ? std::optional<Dims>(broadcast(c.node, *dims, *d)) : std::nullopt;
  }
  const DType dtype = result_dtype ? *result_dtype : in_dtype(c, 0);
  return {tt(dtype, dims)};
}

DType onnx_to_dtype(const Node& node, std::int64_t onnx_type) {
  switch (onnx_type) {
    case 1: return DType::float32;
    case 7: return DType::int64;
    case 9: return DType::boolean;
    default:
      fail(node, "element type " + std::to_string(onnx_type) +
                     " is not supported (float32 = 1, int64 = 7 and bool = 9 are)");
  }
}

Out infer_cast(const InferenceContext& c) {
  if (!c.node.has_attribute("to")) fail(c.node, "attribute 'to' is required");
  return {tt(onnx_to_dtype(c.node, c.node.int_attr("to", 1)), in_dims(c, 0))};
}

Out infer_where(const InferenceContext& c) {
  auto out = elementwise(c, std::nullopt);
  out[0]->dtype = in_dtype(c, 1);
  return out;
}

Out infer_shape(const InferenceContext& c) {
  auto dims = in_dims(c, 0);
  if (!dims) return {tt(DType::int64, std::nullopt)};
  const auto r = static_cast<std::int64_t>(dims->size());
  auto clampi = [&](std::int64_t v) { if (v < 0) v += r; return std::clamp<std::int64_t>(v, 0, r); };
  const std::int64_t start = clampi(c.node.int_attr("start", 0));
  const std::int64_t end = clampi(c.node.int_attr("end", r));
  return {tt(DType::int64, Dims{std::max<std::int64_t>(0, end - start)})};
}

Out infer_size(const InferenceContext&) { return {tt(DType::int64, Dims{})}; }

// Reshape's target extents: 0 copies the input extent (unless allowzero), -1 is inferred.
Out infer_reshape(const InferenceContext& c) {
  const DType dtype = in_dtype(c, 0);
  auto target = const_ints(c, 1);
  if (!target) {
    auto sd = in_dims(c, 1);
    if (sd && sd->size() == 1 && (*sd)[0] >= 0) return {tt(dtype, Dims((*sd)[0], -1))};
    return {tt(dtype, std::nullopt)};
  }
  const bool allowzero = c.node.int_attr("allowzero", 0) != 0;
  auto in = in_dims(c, 0);
  Dims out = *target;
  int infer_at = -1;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 0 && !allowzero) {
      if (!in || i >= in->size()) {
        if (!in) { out[i] = -1; continue; }
        fail(c.node, "shape entry " + std::to_string(i) + " is 0 (copy) but the input has rank " +
                         std::to_string(in->size()));
      }
      out[i] = (*in)[i];
    } else if (out[i] == -1) {
      if (infer_at >= 0) fail(c.node, "shape " + dims_to_string(*target) + " has more than one -1");
      infer_at = static_cast<int>(i);
    } else if (out[i] < -1) {
      fail(c.node, "shape entry " + std::to_string(out[i]) + " is invalid");
    }
  }
  const bool in_known = in && std::all_of(in->begin(), in->end(), [](auto d) { return d >= 0; });
  if (in_known) {
    const std::int64_t total = dims_element_count(*in);
    std::int64_t known = 1;
    bool all_known = true;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (static_cast<int>(i) == infer_at) continue;
      if (out[i] < 0) { all_known = false; continue; }
      known *= out[i];
    }
    if (all_known) {
      if (infer_at >= 0) {
        if (known == 0 || total % known != 0) {
          fail(c.node, "cannot reshape " + dims_to_string(*in) + " to " + dims_to_string(*target));
        }
        out[infer_at] = total / known;
      } else if (known != total) {
        fail(c.node, "cannot reshape " + dims_to_string(*in) + " (" + std::to_string(total) +
                         " elements) to " + dims_to_string(out) + " (" + std::to_string(known) +
                         " elements)");
      }
    }
  }
  return {tt(dtype, out)};
}

Out infer_transpose(const InferenceContext& c) {
  auto in = in_dims(c, 0);
  if (!in) return {tt(in_dtype(c, 0), std::nullopt)};
  Dims perm(in->size());
  std::iota(perm.rbegin(), perm.rend(), 0);
  perm = c.node.ints_attr("perm", perm);
  if (perm.size() != in->size()) fail(c.node, "perm has " + std::to_string(perm.size()) +
                                                  " entries for an input of rank " + std::to_string(in->size()));
  Dims out(perm.size());
  std::vector<bool> seen(perm.size(), false);
  for (std::size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] < 0 || perm[i] >= static_cast<std::int64_t>(in->size()) || seen[perm[i]]) {
      fail(c.node, "perm " + dims_to_string(perm) + " is not a permutation");
    }
    seen[perm[i]] = true;
    out[i] = (*in)[perm[i]];
  }
  return {tt(in_dtype(c, 0), out)};
}

std::int64_t product(const Dims& d, std::size_t from, std::size_t to) {
  std::int64_t p = 1;
  for (std::size_t i = from; i < to; ++i) {
    if (d[i] < 0) return -1;
    p *= d[i];
  }
  return p;
}

Out infer_flatten(const InferenceContext& c) {
  auto in = in_dims(c, 0);
  if (!in) return {tt(in_dtype(c, 0), Dims{-1, -1})};
  const std::int64_t r = static_cast<std::int64_t>(in->size());
  std::int64_t axis = c.node.int_attr("axis", 1);
  if (axis < -r || axis > r) fail(c.node, "axis " + std::to_string(axis) + " out of range");
  if (axis < 0) axis += r;
  return {tt(in_dtype(c, 0), Dims{product(*in, 0, axis), product(*in, axis, in->size())})};
}

Out infer_concat(const InferenceContext& c) {
  if (!c.node.has_attribute("axis")) fail(c.node, "attribute 'axis' is required");
  std::optional<Dims> out;
  for (std::size_t i = 0; i < c.node.inputs.size(); ++i) {
    auto d = in_dims(c, i);
    if (!d) return {tt(in_dtype(c, 0), std::nullopt)};
    const std::int64_t axis = norm_axis(c.node, c.node.int_attr("axis", 0), d->size(), "axis");
    if (!out) { out = d; continue; }
    if (d->size() != out->size()) fail(c.node, "inputs have ranks " + std::to_string(out->size()) +
                                                   " and " + std::to_string(d->size()));
    for (std::size_t k = 0; k < d->size(); ++k) {
      if (static_cast<std::int64_t>(k) == axis) {
        (*out)[k] = ((*out)[k] < 0 || (*d)[k] < 0) ? -1 : (*out)[k] + (*d)[k];
      } else if ((*out)[k] >= 0 && (*d)[k] >= 0 && (*out)[k] != (*d)[k]) {
        fail(c.node, "input " + std::to_string(i) + " shape " + dims_to_string(*d) +
                         " differs from " + dims_to_string(*out) + " off the concat axis");
      } else if ((*out)[k] < 0) {
        (*out)[k] = (*d)[k];
      }
    }
  }
  return {tt(in_dtype(c, 0), out)};
}

Out infer_slice(const InferenceContext& c) {
  auto in = in_dims(c, 0);
  const DType dtype = in_dtype(c, 0);
  if (!in) return {tt(dtype, std::nullopt)};
  std::optional<Dims> starts, ends, axes, steps;
  if (c.node.since_version < 10) {
    starts = c.node.ints_attr("starts");
    ends = c.node.ints_attr("ends");
    if (c.node.has_attribute("axes")) axes = c.node.ints_attr("axes");
  } else {
    starts = const_ints(c, 1);
    ends = const_ints(c, 2);
    if (c.node.has_input(3)) axes = const_ints(c, 3); else axes = Dims{};
    if (c.node.has_input(4)) steps = const_ints(c, 4); else steps = Dims{};
    if (!axes || !steps) { starts.reset(); }
  }
  if (!starts || !ends) return {tt(dtype, Dims(in->size(), -1))};
  if (!axes || axes->empty()) { axes = Dims(starts->size()); std::iota(axes->begin(), axes->end(), 0); }
  if (!steps || steps->empty()) steps = Dims(starts->size(), 1);
  if (ends->size() != starts->size() || axes->size() != starts->size() ||
      steps->size() != starts->size()) {
    fail(c.node, "starts, ends, axes and steps must have the same length");
  }
  Dims out = *in;
  for (std::size_t i = 0; i < starts->size(); ++i) {
    const std::int64_t axis = norm_axis(c.node, (*axes)[i], in->size(), "axes entry");
    const std::int64_t dim = (*in)[axis];
    const std::int64_t step = (*steps)[i];
    if (step == 0) fail(c.node, "steps entry is 0");
    if (dim < 0) { out[axis] = -1; continue; }
    std::int64_t s = (*starts)[i], e = (*ends)[i];
    if (s < 0) s += dim;
    if (e < 0) e += dim;
    if (step > 0) {
      s = std::clamp<std::int64_t>(s, 0, dim);
      e = std::clamp<std::int64_t>(e, 0, dim);
      out[axis] = e > s ? (e - s + step - 1) / step : 0;
    } else {
      s = std::clamp<std::int64_t>(s, 0, dim - 1);
      e = std::clamp<std::int64_t>(e, -1, dim - 1);
      out[axis] = s > e ? (s - e + (-step) - 1) / (-step) : 0;
    }
  }
  return {tt(dtype, out)};
}

Out infer_gather(const InferenceContext& c) {
  auto data = in_dims(c, 0);
  auto idx = in_dims(c, 1);
  if (in_type(c, 1) && in_type(c, 1)->dtype != DType::int64) fail(c.node, "indices must be int64");
  if (!data || !idx) return {tt(in_dtype(c, 0), std::nullopt)};
  const std::int64_t axis = norm_axis(c.node, c.node.int_attr("axis", 0), data->size(), "axis");
  Dims out(data->begin(), data->begin() + axis);
  out.insert(out.end(), idx->begin(), idx->end());
  out.insert(out.end(), data->begin() + axis + 1, data->end());
  return {tt(in_dtype(c, 0), out)};
}

Out infer_split(const InferenceContext& c) {
  auto in = in_dims(c, 0);
  const DType dtype = in_dtype(c, 0);
  const std::size_t n = c.node.outputs.size();
  if (!in) return Out(n, tt(dtype, std::nullopt));
  const std::int64_t axis = norm_axis(c.node, c.node.int_attr("axis", 0), in->size(), "axis");
  std::optional<Dims> split;
  if (c.node.has_attribute("split")) split = c.node.ints_attr("split");
  else if (c.node.has_input(1)) {
    split = const_ints(c, 1);
    if (!split) {
      Out out(n, tt(dtype, *in));
      for (auto& o : out) o->dims->at(axis) = -1;
      return out;
    }
  }
  const std::int64_t dim = (*in)[axis];
  if (!split) {
    if (dim < 0) {
      Out out(n, tt(dtype, *in));
      for (auto& o : out) o->dims->at(axis) = -1;
      return out;
    }
    if (dim % static_cast<std::int64_t>(n) != 0) {
      fail(c.node, "axis extent " + std::to_string(dim) + " does not split into " +
                       std::to_string(n) + " equal parts");
    }
    split = Dims(n, dim / static_cast<std::int64_t>(n));
  }
  if (split->size() != n) fail(c.node, "split has " + std::to_string(split->size()) +
                                           " entries for " + std::to_string(n) + " outputs");
  const std::int64_t total = std::accumulate(split->begin(), split->end(), std::int64_t{0});
  if (dim >= 0 && total != dim) fail(c.node, "split sizes sum to " + std::to_string(total) +
                                                 ", axis extent is " + std::to_string(dim));
  Out out;
  for (std::int64_t s : *split) {
    Dims d = *in;
    d[axis] = s;
    out.push_back(tt(dtype, d));
  }
  return out;
}

std::optional<Dims> axes_of(const InferenceContext& c, std::size_t input_index, bool& known) {
  known = true;
  if (c.node.has_attribute("axes")) return c.node.ints_attr("axes");
  if (c.node.has_input(input_index)) {
    auto v = const_ints(c, input_index);
    if (!v) known = false;
    return v;
  }
  return std::nullopt;
}

Out infer_squeeze(const InferenceContext& c) {
  auto in = in_dims(c, 0);
  const DType dtype = in_dtype(c, 0);
  bool known;
  auto axes = axes_of(c, 1, known);
  if (!in || !known) return {tt(dtype, std::nullopt)};
  std::vector<bool> drop(in->size(), false);
  if (axes) {
    for (std::int64_t a : *axes) {
      const std::int64_t k = norm_axis(c.node, a, in->size(), "axes entry");
      if ((*in)[k] > 1) fail(c.node, "cannot squeeze axis " + std::to_string(a) + " of extent " +
                                         std::to_string((*in)[k]));
      drop[k] = true;
    }
  } else {
    for (std::size_t k = 0; k < in->size(); ++k) {
      if ((*in)[k] < 0) return {tt(dtype, std::nullopt)};
      drop[k] = (*in)[k] == 1;
    }
  }
  Dims out;
  for (std::size_t k = 0; k < in->size(); ++k) if (!drop[k]) out.push_back((*in)[k]);
  return {tt(dtype, out)};
}

Out infer_unsqueeze(const InferenceContext& c) {
  auto in = in_dims(c, 0);
  const DType dtype = in_dtype(c, 0);
  bool known;
  auto axes = axes_of(c, 1, known);
  if (!known) return {tt(dtype, std::nullopt)};
  if (!axes) fail(c.node, "axes are required");
  if (!in) return {tt(dtype, std::nullopt)};
  const std::size_t rank = in->size() + axes->size();
  std::vector<bool> inserted(rank, false);
  for (std::int64_t a : *axes) {
    const std::int64_t k = norm_axis(c.node, a, rank, "axes entry");
    if (inserted[k]) fail(c.node, "axes repeat axis " + std::to_string(a));
    inserted[k] = true;
  }
  Dims out;
  std::size_t src = 0;
  for (std::size_t k = 0; k < rank; ++k) out.push_back(inserted[k] ? 1 : (*in)[src++]);
  return {tt(dtype, out)};
}

// A constant int64 input, else its statically known entries (from a Shape), else nullopt.
std::optional<Dims> shape_value(const InferenceContext& c, std::size_t i) {
  if (auto v = const_ints(c, i)) return v;
  if (i < c.input_shape_values.size()) return c.input_shape_values[i];
  return std::nullopt;
}

Out infer_expand(const InferenceContext& c) {
  auto in = in_dims(c, 0);
  auto shape = shape_value(c, 1);
  if (!in || !shape) return {tt(in_dtype(c, 0), std::nullopt)};
  return {tt(in_dtype(c, 0), broadcast(c.node, *in, *shape))};
}

Out infer_constant_of_shape(const InferenceContext& c) {
  DType dtype = DType::float32;
  if (const Attribute* a = c.node.find_attribute("value")) {
    dtype = a->as_tensor(c.node.describe() + " attribute 'value'").dtype();
  }
  auto shape = const_ints(c, 0);
  if (!shape) {
    auto sd = in_dims(c, 0);
    if (sd && sd->size() == 1 && (*sd)[0] >= 0) return {tt(dtype, Dims((*sd)[0], -1))};
    return {tt(dtype, std::nullopt)};
  }
  return {tt(dtype, *shape)};
}

Out infer_constant(const InferenceContext& c) {
  if (const Attribute* a = c.node.find_attribute("value")) {
    const Tensor& t = a->as_tensor(c.node.describe() + " attribute 'value'");
    return {tt(t.dtype(), t.dims())};
  }
  if (c.node.has_attribute("value_float")) return {tt(DType::float32, Dims{})};
  if (c.node.has_attribute("value_int")) return {tt(DType::int64, Dims{})};
  if (c.node.has_attribute("value_floats")) {
    return {tt(DType::float32, Dims{static_cast<std::int64_t>(
        c.node.find_attribute("value_floats")->as_floats(c.node.describe()).size())})};
  }
  if (c.node.has_attribute("value_ints")) {
    return {tt(DType::int64, Dims{static_cast<std::int64_t>(c.node.ints_attr("value_ints").size())})};
  }
  fail(c.node, "needs one of the attributes value, value_float(s), value_int(s) "
               "(sparse and string constants are not supported)");
}

Out infer_reduce(const InferenceContext& c) {
  auto in = in_dims(c, 0);
  const DType dtype = in_dtype(c, 0);
  const bool keepdims = c.node.int_attr("keepdims", 1) != 0;
  bool known;
  auto axes = axes_of(c, 1, known);
  if (!in) return {tt(dtype, std::nullopt)};
  if (!known) return {tt(dtype, keepdims ? std::optional<Dims>(Dims(in->size(), -1)) : std::nullopt)};
  if (!axes || axes->empty()) {
    if (c.node.int_attr("noop_with_empty_axes", 0) != 0) return {tt(dtype, in)};
    axes = Dims(in->size());
    std::iota(axes->begin(), axes->end(), 0);
  }
  std::vector<bool> reduced(in->size(), false);
  for (std::int64_t a : *axes) reduced[norm_axis(c.node, a, in->size(), "axes entry")] = true;
  Dims out;
  for (std::size_t k = 0; k < in->size(); ++k) {
    if (!reduced[k]) out.push_back((*in)[k]);
    else if (keepdims) out.push_back(1);
  }
  return {tt(dtype, out)};
}

Out infer_conv(const InferenceContext& c) {
  auto x = in_dims(c, 0);
  auto w = in_dims(c, 1);
  if (!x || !w) return {tt(DType::float32, std::nullopt)};
  if (x->size() < 3 || w->size() != x->size()) {
    fail(c.node, "input " + dims_to_string(*x) + " and weight " + dims_to_string(*w) +
                     " must be [N, C, spatial...] and [M, C/group, kernel...] of equal rank");
  }
  const std::int64_t group = c.node.int_attr("group", 1);
  if ((*x)[1] >= 0 && (*w)[1] >= 0 && (*x)[1] != (*w)[1] * group) {
    fail(c.node, "input channels " + std::to_string((*x)[1]) + " differ from weight " +
                     dims_to_string(*w) + " channels × group " + std::to_string(group));
  }
  Dims spatial(x->begin() + 2, x->end());
  Dims kernel(w->begin() + 2, w->end());
  kernel = c.node.ints_attr("kernel_shape", kernel);
  const SpatialParams p = resolve_spatial(c.node, spatial, kernel);
  Dims out{(*x)[0], (*w)[0]};
  for (std::size_t i = 0; i < spatial.size(); ++i) {
    out.push_back(spatial_output_extent(c.node, spatial[i], kernel[i], p.strides[i], p.dilations[i],
                                        p.pads_begin[i], p.pads_end[i], false));
  }
  if (c.node.has_input(2)) {
    auto b = in_dims(c, 2);
    if (b && (b->size() != 1 || ((*b)[0] >= 0 && (*w)[0] >= 0 && (*b)[0] != (*w)[0]))) {
      fail(c.node, "bias " + dims_to_string(*b) + " must be [" + std::to_string((*w)[0]) + "]");
    }
  }
  return {tt(DType::float32, out)};
}

Out infer_pool(const InferenceContext& c) {
  auto x = in_dims(c, 0);
  if (!x) return {tt(DType::float32, std::nullopt)};
  if (x->size() < 3) fail(c.node, "input " + dims_to_string(*x) + " must be [N, C, spatial...]");
  if (!c.node.has_attribute("kernel_shape")) fail(c.node, "attribute 'kernel_shape' is required");
  Dims kernel = c.node.ints_attr("kernel_shape");
  Dims spatial(x->begin() + 2, x->end());
  if (kernel.size() != spatial.size()) {
    fail(c.node, "kernel_shape " + dims_to_string(kernel) + " does not match input " + dims_to_string(*x));
  }
  const SpatialParams p = resolve_spatial(c.node, spatial, kernel);
  Dims out{(*x)[0], (*x)[1]};
  for (std::size_t i = 0; i < spatial.size(); ++i) {
    out.push_back(spatial_output_extent(c.node, spatial[i], kernel[i], p.strides[i], p.dilations[i],
                                        p.pads_begin[i], p.pads_end[i], p.ceil_mode));
  }
  Out result{tt(DType::float32, out)};
  if (c.node.outputs.size() > 1) result.push_back(tt(DType::int64, out));
  return result;
}

Out infer_global_pool(const InferenceContext& c) {
  auto x = in_dims(c, 0);
  if (!x) return {tt(DType::float32, std::nullopt)};
  Dims out = *x;
  for (std::size_t i = 2; i < out.size(); ++i) out[i] = 1;
  return {tt(DType::float32, out)};
}

Out infer_gemm(const InferenceContext& c) {
  auto a = in_dims(c, 0);
  auto b = in_dims(c, 1);
  if (!a || !b) return {tt(DType::float32, Dims{-1, -1})};
  if (a->size() != 2 || b->size() != 2) {
    fail(c.node, "A " + dims_to_string(*a) + " and B " + dims_to_string(*b) + " must be matrices");
  }
  const bool ta = c.node.int_attr("transA", 0) != 0, tb = c.node.int_attr("transB", 0) != 0;
  const std::int64_t m = ta ? (*a)[1] : (*a)[0], ka = ta ? (*a)[0] : (*a)[1];
  const std::int64_t kb = tb ? (*b)[1] : (*b)[0], n = tb ? (*b)[0] : (*b)[1];
  if (ka >= 0 && kb >= 0 && ka != kb) {
    fail(c.node, "inner extents differ: A " + dims_to_string(*a) + (ta ? " (transposed)" : "") +
                     ", B " + dims_to_string(*b) + (tb ? " (transposed)" : ""));
  }
  Dims out{m, n};
  if (c.node.has_input(2)) {
    auto bias = in_dims(c, 2);
    if (bias) broadcast(c.node, out, *bias);
  }
  return {tt(DType::float32, out)};
}

Out infer_matmul(const InferenceContext& c) {
  auto a = in_dims(c, 0);
  auto b = in_dims(c, 1);
  if (!a || !b) return {tt(DType::float32, std::nullopt)};
  if (a->empty() || b->empty()) fail(c.node, "operands must have rank >= 1");
  Dims aa = *a, bb = *b;
  const bool av = aa.size() == 1, bv = bb.size() == 1;
  if (av) aa.insert(aa.begin(), 1);
  if (bv) bb.push_back(1);
  const std::int64_t k1 = aa.back(), k2 = bb[bb.size() - 2];
  if (k1 >= 0 && k2 >= 0 && k1 != k2) {
    fail(c.node, "inner extents differ: " + dims_to_string(*a) + " · " + dims_to_string(*b));
  }
  Dims batch = broadcast(c.node, Dims(aa.begin(), aa.end() - 2), Dims(bb.begin(), bb.end() - 2));
  if (!av) batch.push_back(aa[aa.size() - 2]);
  if (!bv) batch.push_back(bb.back());
  return {tt(DType::float32, batch)};
}

Out infer_linear(const InferenceContext& c) {
  auto out = infer_matmul(c);
  if (c.node.has_input(2) && out[0]->dims) {
    auto bias = in_dims(c, 2);
    if (bias) out[0]->dims = broadcast(c.node, *out[0]->dims, *bias);
  }
  return out;
}

Out infer_batch_norm(const InferenceContext& c) {
  if (c.node.int_attr("training_mode", 0) != 0 || c.node.outputs.size() > 1) {
    fail(c.node, "training mode (attribute training_mode = 1 or running-statistics outputs) "
                 "is not supported; export the model in eval mode");
  }
  auto x = in_dims(c, 0);
  if (x && x->size() >= 2) {
    for (std::size_t i = 1; i < 5; ++i) {
      auto p = in_dims(c, i);
      if (p && (p->size() != 1 || ((*p)[0] >= 0 && (*x)[1] >= 0 && (*p)[0] != (*x)[1]))) {
        fail(c.node, "input " + std::to_string(i) + " shape " + dims_to_string(*p) + " must be [C] = [" +
                         std::to_string((*x)[1]) + "]");
      }
    }
  }
  return {tt(DType::float32, x)};
}

Out infer_layer_norm(const InferenceContext& c) {
  auto x = in_dims(c, 0);
  Out out{tt(DType::float32, x)};
  if (c.node.outputs.size() > 1) {
    std::optional<Dims> stat;
    if (x) {
      const std::int64_t axis = norm_axis(c.node, c.node.int_attr("axis", -1), x->size(), "axis");
      stat = *x;
      for (std::size_t i = axis; i < stat->size(); ++i) (*stat)[i] = 1;
    }
    out.push_back(tt(DType::float32, stat));
    out.push_back(tt(DType::float32, stat));
  }
  return out;
}

Out infer_softmax(const InferenceContext& c) {
  auto x = in_dims(c, 0);
  if (x) norm_axis(c.node, c.node.int_attr("axis", c.node.since_version >= 13 ? -1 : 1),
                   std::max<std::size_t>(x->size(), 1), "axis");
  return {tt(DType::float32, x)};
}

Out infer_dropout(const InferenceContext& c) {
  if (c.node.has_input(2)) {
    const Tensor* mode = in_value(c, 2);
    if (!mode || mode->as_int64(0) != 0) {
      fail(c.node, "training mode (a training_mode input that is not a constant false) is not supported");
    }
  }
  Out out{in_type(c, 0)};
  if (c.node.outputs.size() > 1) out.push_back(tt(DType::boolean, in_dims(c, 0)));
  return out;
}

std::vector<OpSchema> build() {
  using Fn = InferFn;
  auto elem = [](std::optional<DType> d) -> Fn {
    return [d](const InferenceContext& c) { return elementwise(c, d); };
  };
  const Fn same = same_as_input;
  std::vector<OpSchema> s = {
      {"", "Add", 7, 14, elem(std::nullopt), "float32/int64, NumPy broadcasting"},
      {"", "Sub", 7, 14, elem(std::nullopt), "float32/int64, NumPy broadcasting"},
      {"", "Mul", 7, 14, elem(std::nullopt), "float32/int64, NumPy broadcasting"},
      {"", "Div", 7, 14, elem(std::nullopt), "float32/int64, NumPy broadcasting"},
      {"", "Pow", 7, 15, elem(std::nullopt), "float32 base, float32/int64 exponent"},
      {"", "Equal", 7, 13, elem(DType::boolean), "float32/int64/bool"},
      {"", "Less", 7, 13, elem(DType::boolean), "float32/int64"},
      {"", "Greater", 7, 13, elem(DType::boolean), "float32/int64"},
      {"", "Where", 9, 16, infer_where, "bool condition, any branch dtype"},
      {"", "Relu", 6, 14, same, "golden/ref relu"},
      {"", "Sigmoid", 6, 13, same, "golden/ref sigmoid"},
      {"", "Tanh", 6, 13, same, "golden/ref tanh"},
      {"", "Erf", 9, 13, same, "golden/ref erf"},
      {"", "Gelu", 20, 20, same, "golden/ref gelu, approximate none/tanh"},
      {"com.microsoft", "Gelu", 1, 1, same, "golden/ref gelu (exact)"},
      {kTesseraDomain, "Gelu", 1, 1, same, "golden/ref gelu, approximate none/tanh"},
      {"", "Sqrt", 6, 13, same, "float32"},
      {"", "Exp", 6, 13, same, "float32"},
      {"", "Log", 6, 13, same, "float32"},
      {"", "Neg", 6, 13, same, "float32/int64"},
      {"", "Abs", 6, 13, same, "float32/int64"},
      {"", "Reciprocal", 6, 13, same, "float32"},
      {"", "Identity", 1, 16, same, "tensors only"},
      {"", "Dropout", 7, 13, infer_dropout, "inference only (identity)"},
      {"", "Cast", 6, 13, infer_cast, "between float32, int64 and bool"},
      {"", "Shape", 1, 15, infer_shape, "start/end attributes"},
      {"", "Size", 1, 13, infer_size, ""},
      {"", "Reshape", 5, 14, infer_reshape, "allowzero"},
      {"", "Transpose", 1, 13, infer_transpose, ""},
      {"", "Flatten", 1, 13, infer_flatten, ""},
      {"", "Concat", 4, 13, infer_concat, ""},
      {"", "Slice", 1, 13, infer_slice, "any steps"},
      {"", "Gather", 1, 13, infer_gather, "negative indices"},
      {"", "Split", 2, 13, infer_split, "split as attribute or input"},
      {"", "Squeeze", 1, 13, infer_squeeze, "axes as attribute or input"},
      {"", "Unsqueeze", 1, 13, infer_unsqueeze, "axes as attribute or input"},
      {"", "Expand", 8, 13, infer_expand, ""},
      {"", "ConstantOfShape", 9, 9, infer_constant_of_shape, ""},
      {"", "Constant", 1, 13, infer_constant, "value, value_float(s), value_int(s)"},
      {"", "ReduceMean", 1, 13, infer_reduce, "axes attribute"},
      {"", "ReduceSum", 1, 13, infer_reduce, "axes attribute (< 13) or input (13)"},
      {"", "ReduceMax", 1, 13, infer_reduce, "axes attribute"},
      {"", "Conv", 1, 11, infer_conv, "2-D (NCHW) via golden/ref conv2d"},
      {"", "Gemm", 7, 13, infer_gemm, "golden/ref gemm; alpha, beta, transA, transB"},
      {"", "MatMul", 1, 13, infer_matmul, "golden/ref matmul"},
      {"", "MaxPool", 1, 12, infer_pool, "2-D, floor mode, no dilation, no indices output"},
      {"", "AveragePool", 7, 11, infer_pool, "2-D, floor mode"},
      {"", "GlobalAveragePool", 1, 1, infer_global_pool, "2-D"},
      {"", "BatchNormalization", 9, 15, infer_batch_norm, "inference mode"},
      {"", "LayerNormalization", 17, 17, infer_layer_norm, "golden/ref layer_norm; Mean/InvStdDev outputs"},
      {"", "Softmax", 1, 13, infer_softmax, "golden/ref softmax (opset < 13: coerced to 2-D)"},
      {"", "LogSoftmax", 1, 13, infer_softmax, "golden/ref log_softmax (opset < 13: coerced to 2-D)"},
      // Fused nodes made by passes.h (attribute 'activation': "", "Relu" or "Gelu").
      {kTesseraDomain, "FusedConv", 1, 1, infer_conv, "Conv + activation"},
      {kTesseraDomain, "FusedGemm", 1, 1, infer_gemm, "Gemm + activation"},
      {kTesseraDomain, "Linear", 1, 1, infer_linear, "MatMul + bias + activation"},
  };
  return s;
}

}  // namespace

const std::vector<OpSchema>& supported_ops() {
  static const std::vector<OpSchema> schemas = build();
  return schemas;
}

const OpSchema* find_op_schema(const std::string& domain, const std::string& op_type,
                               int since_version) {
  const std::string d = domain == "ai.onnx" ? "" : domain;
  for (const OpSchema& s : supported_ops()) {
    if (s.domain == d && s.op_type == op_type && since_version >= s.min_version &&
        since_version <= s.max_version) {
      return &s;
    }
  }
  return nullptr;
}

bool op_known(const std::string& domain, const std::string& op_type) {
  const std::string d = domain == "ai.onnx" ? "" : domain;
  for (const OpSchema& s : supported_ops()) {
    if (s.domain == d && s.op_type == op_type) return true;
  }
  return false;
}

}  // namespace tessera::graph
