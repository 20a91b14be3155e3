// Reductions over a set of axes: ReduceMean, ReduceSum (accumulated in double, rounded once),
// ReduceMax. Axes come from the attribute (opset < 13, and 13 for Mean/Max) or the input (ReduceSum 13).
#include <cmath>
#include <limits>
#include <numeric>

#include "sim/runtime/ops/ops.h"

namespace tessera::runtime::ops {
namespace {

using graph::Dims;
using graph::DType;

enum class Reduce { mean, sum, max };

KernelFn reduce(Reduce kind) {
  return [kind](const Node& node, const TensorRefs& in) -> std::vector<Tensor> {
    const Tensor& x = input(node, in, 0);
    if (x.dtype() != DType::float32) fail(node, "input must be float32");
    Dims axes;
    bool given = false;
    if (node.has_attribute("axes")) { axes = node.ints_attr("axes"); given = true; }
    else if (node.has_input(1)) { axes = to_int64s(input(node, in, 1)); given = true; }
    const bool keepdims = node.int_attr("keepdims", 1) != 0;
    if ((!given || axes.empty()) && node.int_attr("noop_with_empty_axes", 0) != 0) return {x};
    std::vector<bool> reduced(x.rank(), axes.empty());
    for (std::int64_t a : axes) reduced[norm_axis(node, a, x.rank())] = true;
    Dims kept_dims(x.rank()), out_dims;
    for (std::size_t a = 0; a < x.rank(); ++a) {
      kept_dims[a] = reduced[a] ? 1 : x.dim(a);
      if (!reduced[a]) out_dims.push_back(x.dim(a));
      else if (keepdims) out_dims.push_back(1);
    }
    const std::size_t out_n = static_cast<std::size_t>(graph::dims_element_count(kept_dims));
    const std::size_t count = out_n ? x.size() / out_n : 0;
    std::vector<double> acc(out_n, kind == Reduce::max ? -std::numeric_limits<double>::infinity() : 0.0);
    std::vector<bool> nan(out_n, false);
    const auto kept_stride = strides_of(kept_dims);
    std::vector<std::int64_t> pos(x.rank(), 0);
    const auto& v = x.floats();
    for (std::size_t flat = 0; flat < x.size(); ++flat) {
      std::size_t o = 0;
      for (std::size_t a = 0; a < x.rank(); ++a) if (!reduced[a]) o += static_cast<std::size_t>(pos[a]) * kept_stride[a];
      if (kind == Reduce::max) {
        if (std::isnan(v[flat])) nan[o] = true;
        else acc[o] = std::max(acc[o], static_cast<double>(v[flat]));
      } else {
        acc[o] += v[flat];
      }
      for (std::size_t a = x.rank(); a-- > 0;) {
        if (++pos[a] < x.dim(a)) break;
        pos[a] = 0;
      }
    }
    std::vector<float> out(out_n);
    for (std::size_t o = 0; o < out_n; ++o) {
      double r = acc[o];
      if (kind == Reduce::mean) r /= static_cast<double>(count);
      if (nan[o]) r = std::numeric_limits<double>::quiet_NaN();
      out[o] = static_cast<float>(r);
    }
    return {Tensor::from_floats(out_dims, std::move(out))};
  };
}

}  // namespace

void register_reduce(KernelTable& t) {
  t[{"", "ReduceMean"}] = reduce(Reduce::mean);
  t[{"", "ReduceSum"}] = reduce(Reduce::sum);
  t[{"", "ReduceMax"}] = reduce(Reduce::max);
}

}  // namespace tessera::runtime::ops
