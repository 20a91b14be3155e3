// Network layers on golden/ref: Conv, Gemm, MatMul, pooling, BatchNormalization,
// LayerNormalization, Softmax/LogSoftmax, and the fused nodes of sim/graph/passes
// (FusedConv, FusedGemm, Linear = MatMul + bias + activation).
#include <cmath>
#include <numeric>

#include "golden/ref/conv2d.h"
#include "golden/ref/gemm.h"
#include "golden/ref/normalization.h"
#include "golden/ref/pool.h"
#include "golden/ref/softmax.h"
#include "sim/graph/spatial.h"
#include "sim/runtime/ops/ops.h"

namespace tessera::runtime::ops {
namespace {

using graph::Dims;
using graph::DType;

ref::Tensor ref_in(const Node& node, const TensorRefs& in, std::size_t i) {
  return graph::to_ref(input(node, in, i), (node.describe() + " input " + std::to_string(i)).c_str());
}

std::size_t as_size(std::int64_t v) { return static_cast<std::size_t>(v); }

Tensor conv(const Node& node, const TensorRefs& in) {
  const Tensor& x = input(node, in, 0);
  const Tensor& w = input(node, in, 1);
  if (x.rank() != 4 || w.rank() != 4) {
    fail(node, "only 2-D convolution (rank-4 NCHW input and weight) is supported, got input " +
                   graph::dims_to_string(x.dims()) + " and weight " + graph::dims_to_string(w.dims()));
  }
  const Dims kernel = node.ints_attr("kernel_shape", Dims{w.dim(2), w.dim(3)});
  if (kernel != Dims{w.dim(2), w.dim(3)}) fail(node, "kernel_shape differs from the weight's extents");
  const graph::SpatialParams sp = graph::resolve_spatial(node, Dims{x.dim(2), x.dim(3)}, kernel);
  ref::Conv2dParams p;
  p.stride_h = as_size(sp.strides[0]); p.stride_w = as_size(sp.strides[1]);
  p.dilation_h = as_size(sp.dilations[0]); p.dilation_w = as_size(sp.dilations[1]);
  p.pad_top = as_size(sp.pads_begin[0]); p.pad_left = as_size(sp.pads_begin[1]);
  p.pad_bottom = as_size(sp.pads_end[0]); p.pad_right = as_size(sp.pads_end[1]);
  p.groups = as_size(node.int_attr("group", 1));
  ref::Tensor bias;
  if (node.has_input(2)) bias = ref_in(node, in, 2);
  return graph::from_ref(ref::conv2d(ref_in(node, in, 0), ref_in(node, in, 1),
                                     node.has_input(2) ? &bias : nullptr, p));
}

ref::Tensor transpose2d(const ref::Tensor& m) {
  const std::size_t r = m.dim(0), c = m.dim(1);
  ref::Tensor t(ref::Shape{c, r});
  for (std::size_t i = 0; i < r; ++i)
    for (std::size_t j = 0; j < c; ++j) t.data()[j * r + i] = m.data()[i * c + j];
  return t;
}

Tensor gemm(const Node& node, const TensorRefs& in) {
  ref::Tensor a = ref_in(node, in, 0);
  ref::Tensor b = ref_in(node, in, 1);
  if (a.rank() != 2 || b.rank() != 2) fail(node, "A and B must be matrices");
  if (node.int_attr("transA", 0) != 0) a = transpose2d(a);
  // golden/ref gemm takes the weight as [N, K] (Gemm's B with transB = 1).
  if (node.int_attr("transB", 0) == 0) b = transpose2d(b);
  const float alpha = node.float_attr("alpha", 1.0f);
  const float beta = node.float_attr("beta", 1.0f);
  const std::size_t n = b.dim(0);
  if (node.has_input(2) && alpha == 1.0f && beta == 1.0f && input(node, in, 2).dims() == Dims{static_cast<std::int64_t>(n)}) {
    ref::Tensor bias = ref_in(node, in, 2);
    return graph::from_ref(ref::gemm(a, b, &bias));
  }
  Tensor y = graph::from_ref(ref::gemm(a, b, nullptr));
  if (alpha != 1.0f) for (float& v : y.floats()) v *= alpha;
  if (node.has_input(2)) {
    const Tensor& c = input(node, in, 2);
    if (c.dtype() != DType::float32) fail(node, "C must be float32");
    const auto idx = broadcast_index(c.dims(), y.dims());
    for (std::size_t i = 0; i < y.size(); ++i) {
      y.floats()[i] += beta == 1.0f ? c.floats()[idx[i]] : beta * c.floats()[idx[i]];
    }
  }
  return y;
}

Tensor matmul(const Node& node, const TensorRefs& in) {
  return graph::from_ref(ref::matmul(ref_in(node, in, 0), ref_in(node, in, 1)));
}

// MatMul followed by a broadcast bias add — the same float operations as MatMul → Add.
Tensor linear(const Node& node, const TensorRefs& in) {
  Tensor y = matmul(node, in);
  if (!node.has_input(2)) return y;
  const Tensor& b = input(node, in, 2);
  const Dims out = broadcast_dims(node, y.dims(), b.dims());
  if (out != y.dims()) fail(node, "bias " + graph::dims_to_string(b.dims()) + " widens the product");
  const auto idx = broadcast_index(b.dims(), out);
  for (std::size_t i = 0; i < y.size(); ++i) y.floats()[i] += b.floats()[idx[i]];
  return y;
}

ref::Pool2dParams pool_params(const Node& node, const Tensor& x) {
  if (x.rank() != 4) fail(node, "only 2-D pooling (rank-4 NCHW input) is supported, got " + graph::dims_to_string(x.dims()));
  const Dims kernel = node.ints_attr("kernel_shape");
  if (kernel.size() != 2) fail(node, "kernel_shape must have 2 entries");
  const graph::SpatialParams sp = graph::resolve_spatial(node, Dims{x.dim(2), x.dim(3)}, kernel);
  if (sp.ceil_mode) fail(node, "ceil_mode = 1 is not supported");
  if (sp.dilations != Dims{1, 1}) fail(node, "dilations other than 1 are not supported");
  if (node.outputs.size() > 1 && !node.outputs[1].empty()) fail(node, "the Indices output is not supported");
  ref::Pool2dParams p;
  p.kernel_h = as_size(kernel[0]); p.kernel_w = as_size(kernel[1]);
  p.stride_h = as_size(sp.strides[0]); p.stride_w = as_size(sp.strides[1]);
  p.pad_top = as_size(sp.pads_begin[0]); p.pad_left = as_size(sp.pads_begin[1]);
  p.pad_bottom = as_size(sp.pads_end[0]); p.pad_right = as_size(sp.pads_end[1]);
  p.count_include_pad = node.int_attr("count_include_pad", 0) != 0;
  return p;
}

std::vector<Tensor> max_pool(const Node& node, const TensorRefs& in) {
  const auto p = pool_params(node, input(node, in, 0));
  return {graph::from_ref(ref::max_pool2d(ref_in(node, in, 0), p))};
}
std::vector<Tensor> avg_pool(const Node& node, const TensorRefs& in) {
  const auto p = pool_params(node, input(node, in, 0));
  return {graph::from_ref(ref::avg_pool2d(ref_in(node, in, 0), p))};
}
std::vector<Tensor> global_avg_pool(const Node& node, const TensorRefs& in) {
  if (input(node, in, 0).rank() != 4) fail(node, "only rank-4 NCHW input is supported");
  return {graph::from_ref(ref::global_avg_pool(ref_in(node, in, 0)))};
}

std::vector<Tensor> batch_norm(const Node& node, const TensorRefs& in) {
  if (node.int_attr("training_mode", 0) != 0) fail(node, "training mode is not supported");
  return {graph::from_ref(ref::batch_norm(ref_in(node, in, 0), ref_in(node, in, 1), ref_in(node, in, 2),
                                          ref_in(node, in, 3), ref_in(node, in, 4),
                                          node.float_attr("epsilon", 1e-5f)))};
}

std::vector<Tensor> layer_norm(const Node& node, const TensorRefs& in) {
  const Tensor& x = input(node, in, 0);
  const std::size_t axis = norm_axis(node, node.int_attr("axis", -1), x.rank());
  const float epsilon = node.float_attr("epsilon", 1e-5f);
  const ref::Shape normalized(graph::to_ref_shape(Dims(x.dims().begin() + axis, x.dims().end())));
  // golden/ref wants gamma and beta with exactly the normalised extents; ONNX lets them broadcast.
  auto param = [&](std::size_t i) {
    ref::Tensor t = ref_in(node, in, i);
    return t.shape() == normalized ? t : ref::broadcast_to(t, normalized, "LayerNormalization");
  };
  ref::Tensor gamma = param(1);
  ref::Tensor beta;
  if (node.has_input(2)) beta = param(2);
  std::vector<Tensor> out;
  out.push_back(graph::from_ref(ref::layer_norm(ref_in(node, in, 0), x.rank() - axis, &gamma,
                                                node.has_input(2) ? &beta : nullptr, epsilon)));
  if (node.outputs.size() > 1) {
    // Mean and 1/sqrt(var + epsilon) per normalised slice (two passes in double, as golden/ref).
    Dims stat_dims = x.dims();
    for (std::size_t a = axis; a < stat_dims.size(); ++a) stat_dims[a] = 1;
    const std::size_t inner = ref::element_count(normalized);
    const std::size_t outer = inner ? x.size() / inner : 0;
    std::vector<float> mean(outer), inv(outer);
    for (std::size_t o = 0; o < outer; ++o) {
      const float* v = x.floats().data() + o * inner;
      double m = 0;
      for (std::size_t k = 0; k < inner; ++k) m += v[k];
      m /= static_cast<double>(inner);
      double var = 0;
      for (std::size_t k = 0; k < inner; ++k) var += (v[k] - m) * (v[k] - m);
      var /= static_cast<double>(inner);
      mean[o] = static_cast<float>(m);
      inv[o] = static_cast<float>(1.0 / std::sqrt(var + static_cast<double>(epsilon)));
    }
    out.push_back(Tensor::from_floats(stat_dims, std::move(mean)));
    out.push_back(Tensor::from_floats(stat_dims, std::move(inv)));
  }
  return out;
}

KernelFn softmax(bool log) {
  return [log](const Node& node, const TensorRefs& in) -> std::vector<Tensor> {
    const Tensor& x = input(node, in, 0);
    if (node.since_version >= 13) {
      const int axis = static_cast<int>(node.int_attr("axis", -1));
      ref::Tensor t = ref_in(node, in, 0);
      return {graph::from_ref(log ? ref::log_softmax(t, axis) : ref::softmax(t, axis))};
    }
    // Before opset 13 the input is coerced to 2-D at `axis` and normalised over the second axis.
    const std::size_t axis = x.rank() == 0 ? 0 : norm_axis(node, node.int_attr("axis", 1), x.rank());
    const std::size_t rows = ref::element_count(graph::to_ref_shape(Dims(x.dims().begin(), x.dims().begin() + axis)));
    ref::Tensor t = ref::reshape(ref_in(node, in, 0), ref::Shape{rows, rows ? x.size() / rows : 0});
    ref::Tensor r = log ? ref::log_softmax(t, 1) : ref::softmax(t, 1);
    return {graph::from_ref(std::move(r)).reshaped(x.dims())};
  };
}

}  // namespace

void register_nn(KernelTable& t) {
  t[{"", "Conv"}] = [](const Node& n, const TensorRefs& in) { return std::vector<Tensor>{conv(n, in)}; };
  t[{"", "Gemm"}] = [](const Node& n, const TensorRefs& in) { return std::vector<Tensor>{gemm(n, in)}; };
  t[{"", "MatMul"}] = [](const Node& n, const TensorRefs& in) { return std::vector<Tensor>{matmul(n, in)}; };
  t[{"", "MaxPool"}] = max_pool;
  t[{"", "AveragePool"}] = avg_pool;
  t[{"", "GlobalAveragePool"}] = global_avg_pool;
  t[{"", "BatchNormalization"}] = batch_norm;
  t[{"", "LayerNormalization"}] = layer_norm;
  t[{"", "Softmax"}] = softmax(false);
  t[{"", "LogSoftmax"}] = softmax(true);
  const std::string d = graph::kTesseraDomain;
  t[{d, "FusedConv"}] = [](const Node& n, const TensorRefs& in) {
    return std::vector<Tensor>{apply_activation(n, conv(n, in), n.string_attr("activation", ""))};
  };
  t[{d, "FusedGemm"}] = [](const Node& n, const TensorRefs& in) {
    return std::vector<Tensor>{apply_activation(n, gemm(n, in), n.string_attr("activation", ""))};
  };
  t[{d, "Linear"}] = [](const Node& n, const TensorRefs& in) {
    return std::vector<Tensor>{apply_activation(n, linear(n, in), n.string_attr("activation", ""))};
  };
}

}  // namespace tessera::runtime::ops
