// Elementwise kernels: arithmetic and comparisons with NumPy broadcasting, Where, Cast, and the
// unary activations (through golden/ref for Relu, Sigmoid, Tanh, Erf, Gelu).
#include <cmath>

#include "golden/ref/activation.h"
#include "sim/runtime/ops/ops.h"

namespace tessera::runtime::ops {
namespace {

using graph::Dims;
using graph::DType;

// out[i] = fn(a[ia[i]], b[ib[i]]) with broadcasting; R is the result element type.
template <class R, class A, class B, class Fn>
std::vector<R> broadcast_apply(const std::vector<A>& a, const Dims& da, const std::vector<B>& b,
                               const Dims& db, const Dims& out, Fn fn) {
  const auto n = static_cast<std::size_t>(graph::dims_element_count(out));
  std::vector<R> result(n);
  if (da == out && db == out) {
    for (std::size_t i = 0; i < n; ++i) result[i] = fn(a[i], b[i]);
  } else if (da == out && b.size() == 1) {
    for (std::size_t i = 0; i < n; ++i) result[i] = fn(a[i], b[0]);
  } else if (a.size() == 1 && db == out) {
    for (std::size_t i = 0; i < n; ++i) result[i] = fn(a[0], b[i]);
  } else {
    const auto ia = broadcast_index(da, out);
    const auto ib = broadcast_index(db, out);
    for (std::size_t i = 0; i < n; ++i) result[i] = fn(a[ia[i]], b[ib[i]]);
  }
  return result;
}

enum class Arith { add, sub, mul, div, pow };

KernelFn arithmetic(Arith op) {
  return [op](const Node& node, const TensorRefs& in) -> std::vector<Tensor> {
    const Tensor& a = input(node, in, 0);
    const Tensor& b = input(node, in, 1);
    const Dims out = broadcast_dims(node, a.dims(), b.dims());
    if (op == Arith::pow) {
      if (a.dtype() != DType::float32) fail(node, "base must be float32, got " + graph::dtype_name(a.dtype()));
      if (b.dtype() == DType::float32) {
        return {Tensor::from_floats(out, broadcast_apply<float>(a.floats(), a.dims(), b.floats(), b.dims(), out,
            [](float x, float y) { return static_cast<float>(std::pow(static_cast<double>(x), static_cast<double>(y))); }))};
      }
      if (b.dtype() == DType::int64) {
        return {Tensor::from_floats(out, broadcast_apply<float>(a.floats(), a.dims(), b.int64s(), b.dims(), out,
            [](float x, std::int64_t y) { return static_cast<float>(std::pow(static_cast<double>(x), static_cast<double>(y))); }))};
      }
      fail(node, "exponent must be float32 or int64");
    }
    if (a.dtype() != b.dtype()) {
      fail(node, "operand dtypes differ: " + graph::dtype_name(a.dtype()) + " and " + graph::dtype_name(b.dtype()));
    }
    if (a.dtype() == DType::float32) {
      auto f = [op](float x, float y) {
        switch (op) {
          case Arith::add: return x + y;
          case Arith::sub: return x - y;
          case Arith::mul: return x * y;
          default: return x / y;
        }
      };
      return {Tensor::from_floats(out, broadcast_apply<float>(a.floats(), a.dims(), b.floats(), b.dims(), out, f))};
    }
    if (a.dtype() == DType::int64) {
      bool div_zero = false;
      auto f = [op, &div_zero](std::int64_t x, std::int64_t y) -> std::int64_t {
        switch (op) {
          case Arith::add: return x + y;
          case Arith::sub: return x - y;
          case Arith::mul: return x * y;
          default:
            if (y == 0) { div_zero = true; return 0; }
            return x / y;
        }
      };
      auto r = broadcast_apply<std::int64_t>(a.int64s(), a.dims(), b.int64s(), b.dims(), out, f);
      if (div_zero) fail(node, "integer division by zero");
      return {Tensor::from_int64s(out, std::move(r))};
    }
    fail(node, "bool operands are not supported");
  };
}

enum class Compare { equal, less, greater };

KernelFn comparison(Compare op) {
  return [op](const Node& node, const TensorRefs& in) -> std::vector<Tensor> {
    const Tensor& a = input(node, in, 0);
    const Tensor& b = input(node, in, 1);
    if (a.dtype() != b.dtype()) fail(node, "operand dtypes differ");
    const Dims out = broadcast_dims(node, a.dims(), b.dims());
    auto cmp = [op](auto x, auto y) -> std::uint8_t {
      switch (op) {
        case Compare::equal: return x == y;
        case Compare::less: return x < y;
        default: return x > y;
      }
    };
    switch (a.dtype()) {
      case DType::float32:
        return {Tensor::from_bools(out, broadcast_apply<std::uint8_t>(a.floats(), a.dims(), b.floats(), b.dims(), out, cmp))};
      case DType::int64:
        return {Tensor::from_bools(out, broadcast_apply<std::uint8_t>(a.int64s(), a.dims(), b.int64s(), b.dims(), out, cmp))};
      case DType::boolean:
        return {Tensor::from_bools(out, broadcast_apply<std::uint8_t>(a.bools(), a.dims(), b.bools(), b.dims(), out, cmp))};
    }
    return {};
  };
}

std::vector<Tensor> where(const Node& node, const TensorRefs& in) {
  const Tensor& c = input(node, in, 0);
  const Tensor& x = input(node, in, 1);
  const Tensor& y = input(node, in, 2);
  if (c.dtype() != DType::boolean) fail(node, "condition must be bool");
  if (x.dtype() != y.dtype()) fail(node, "branch dtypes differ");
  const Dims out = broadcast_dims(node, broadcast_dims(node, c.dims(), x.dims()), y.dims());
  const auto ic = broadcast_index(c.dims(), out);
  const auto ix = broadcast_index(x.dims(), out);
  const auto iy = broadcast_index(y.dims(), out);
  Tensor r(x.dtype(), out);
  for (std::size_t i = 0; i < r.size(); ++i) {
    const bool pick_x = c.bools()[ic[i]] != 0;
    switch (x.dtype()) {
      case DType::float32: r.floats()[i] = pick_x ? x.floats()[ix[i]] : y.floats()[iy[i]]; break;
      case DType::int64: r.int64s()[i] = pick_x ? x.int64s()[ix[i]] : y.int64s()[iy[i]]; break;
      case DType::boolean: r.bools()[i] = pick_x ? x.bools()[ix[i]] : y.bools()[iy[i]]; break;
    }
  }
  return {std::move(r)};
}

std::vector<Tensor> cast(const Node& node, const TensorRefs& in) {
  const Tensor& x = input(node, in, 0);
  const std::int64_t to = node.int_attr("to", 1);
  Tensor r;
  switch (to) {
    case 1: r = Tensor(DType::float32, x.dims()); for (std::size_t i = 0; i < x.size(); ++i) r.floats()[i] = static_cast<float>(x.as_double(i)); break;
    case 7:
      r = Tensor(DType::int64, x.dims());
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double v = x.as_double(i);
        if (!std::isfinite(v) || std::fabs(v) >= 9.2e18) fail(node, "value " + std::to_string(v) + " does not fit int64");
        r.int64s()[i] = static_cast<std::int64_t>(v);
      }
      break;
    case 9: r = Tensor(DType::boolean, x.dims()); for (std::size_t i = 0; i < x.size(); ++i) r.bools()[i] = x.as_double(i) != 0.0; break;
    default: fail(node, "cast to ONNX element type " + std::to_string(to) + " is not supported");
  }
  if (x.dtype() == DType::float32 && to == 1) r = x;  // exact copy (NaN payloads kept)
  return {std::move(r)};
}

// A float32 unary op as a loop.
template <class Fn>
KernelFn unary(Fn fn) {
  return [fn](const Node& node, const TensorRefs& in) -> std::vector<Tensor> {
    const Tensor& x = input(node, in, 0);
    if (x.dtype() != DType::float32) fail(node, "input must be float32, got " + graph::dtype_name(x.dtype()));
    Tensor r = x;
    for (float& v : r.floats()) v = fn(v);
    return {std::move(r)};
  };
}

// A float32 unary op from golden/ref.
template <class RefFn>
KernelFn unary_ref(RefFn fn) {
  return [fn](const Node& node, const TensorRefs& in) -> std::vector<Tensor> {
    return {graph::from_ref(fn(graph::to_ref(input(node, in, 0), node.op_type.c_str())))};
  };
}

std::vector<Tensor> neg_abs(const Node& node, const TensorRefs& in, bool is_abs) {
  Tensor r = input(node, in, 0);
  if (r.dtype() == DType::float32) for (float& v : r.floats()) v = is_abs ? std::fabs(v) : -v;
  else if (r.dtype() == DType::int64) for (auto& v : r.int64s()) v = is_abs ? (v < 0 ? -v : v) : -v;
  else fail(node, "bool input is not supported");
  return {std::move(r)};
}

std::vector<Tensor> gelu(const Node& node, const TensorRefs& in) {
  const std::string approx = node.string_attr("approximate", "none");
  if (approx != "none" && approx != "tanh") fail(node, "approximate must be 'none' or 'tanh', got '" + approx + "'");
  return {apply_activation(node, input(node, in, 0), approx == "tanh" ? "GeluTanh" : "Gelu")};
}

std::vector<Tensor> identity(const Node& node, const TensorRefs& in) {
  std::vector<Tensor> out{input(node, in, 0)};
  if (node.outputs.size() > 1) {  // Dropout's mask: all true in inference
    Tensor mask(DType::boolean, out[0].dims());
    for (auto& v : mask.bools()) v = 1;
    out.push_back(std::move(mask));
  }
  return out;
}

}  // namespace

Tensor apply_activation(const Node& node, Tensor x, const std::string& activation) {
  if (activation.empty()) return x;
  ref::Tensor t = graph::to_ref(std::move(x), node.op_type.c_str());
  if (activation == "Relu") return graph::from_ref(ref::relu(t));
  if (activation == "Gelu") return graph::from_ref(ref::gelu(t, ref::GeluApproximation::none));
  if (activation == "GeluTanh") return graph::from_ref(ref::gelu(t, ref::GeluApproximation::tanh));
  if (activation == "Sigmoid") return graph::from_ref(ref::sigmoid(t));
  if (activation == "Tanh") return graph::from_ref(ref::tanh(t));
  fail(node, "unknown activation '" + activation + "' (Relu, Gelu, GeluTanh, Sigmoid, Tanh)");
}

void register_elementwise(KernelTable& t) {
  t[{"", "Add"}] = arithmetic(Arith::add);
  t[{"", "Sub"}] = arithmetic(Arith::sub);
  t[{"", "Mul"}] = arithmetic(Arith::mul);
  t[{"", "Div"}] = arithmetic(Arith::div);
  t[{"", "Pow"}] = arithmetic(Arith::pow);
  t[{"", "Equal"}] = comparison(Compare::equal);
  t[{"", "Less"}] = comparison(Compare::less);
  t[{"", "Greater"}] = comparison(Compare::greater);
  t[{"", "Where"}] = where;
  t[{"", "Cast"}] = cast;
  t[{"", "Relu"}] = unary_ref([](const ref::Tensor& x) { return ref::relu(x); });
  t[{"", "Sigmoid"}] = unary_ref([](const ref::Tensor& x) { return ref::sigmoid(x); });
  t[{"", "Tanh"}] = unary_ref([](const ref::Tensor& x) { return ref::tanh(x); });
  t[{"", "Erf"}] = unary_ref([](const ref::Tensor& x) { return ref::erf(x); });
  t[{"", "Gelu"}] = gelu;
  t[{"com.microsoft", "Gelu"}] = gelu;
  t[{graph::kTesseraDomain, "Gelu"}] = gelu;
  t[{"", "Sqrt"}] = unary([](float v) { return std::sqrt(v); });
  t[{"", "Exp"}] = unary([](float v) { return std::exp(v); });
  t[{"", "Log"}] = unary([](float v) { return std::log(v); });
  t[{"", "Reciprocal"}] = unary([](float v) { return 1.0f / v; });
  t[{"", "Neg"}] = [](const Node& n, const TensorRefs& in) { return neg_abs(n, in, false); };
  t[{"", "Abs"}] = [](const Node& n, const TensorRefs& in) { return neg_abs(n, in, true); };
  t[{"", "Identity"}] = identity;
  t[{"", "Dropout"}] = identity;
}

}  // namespace tessera::runtime::ops
