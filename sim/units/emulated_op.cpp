#include "sim/units/emulated_op.h"

#include <sstream>

#include "golden/common/error.h"
#include "sim/runtime/ops/ops.h"
#include "sim/units/im2col.h"
#include "sim/units/op_views.h"

namespace tessera::units {

ConstantLookup graph_constants(const graph::Graph& graph) {
  return [&graph](const std::string& value) -> const Tensor* {
    if (value.empty()) return nullptr;
    const auto it = graph.initializers.find(value);
    if (it != graph.initializers.end()) return &it->second;
    const int producer = graph.producer_index(value);
    if (producer < 0) return nullptr;
    const Node& node = graph.nodes[static_cast<std::size_t>(producer)];
    if (node.op_type != "Constant" || !(node.domain.empty() || node.domain == "ai.onnx")) return nullptr;
    const graph::Attribute* attr = node.find_attribute("value");
    if (attr == nullptr || !std::holds_alternative<Tensor>(attr->value())) return nullptr;
    return &std::get<Tensor>(attr->value());
  };
}

const char* op_form_name(OpForm form) {
  switch (form) {
    case OpForm::linear: return "linear";
    case OpForm::conv: return "conv";
    case OpForm::attention: return "attention";
  }
  return "linear";
}

namespace {

bool default_domain(const Node& node) { return node.domain.empty() || node.domain == "ai.onnx"; }
bool tessera_domain(const Node& node) { return node.domain == graph::kTesseraDomain; }

bool is_conv(const Node& n) {
  return (default_domain(n) && n.op_type == "Conv") || (tessera_domain(n) && n.op_type == "FusedConv");
}
bool is_gemm(const Node& n) {
  return (default_domain(n) && n.op_type == "Gemm") || (tessera_domain(n) && n.op_type == "FusedGemm");
}
bool is_matmul(const Node& n) {
  return (default_domain(n) && n.op_type == "MatMul") || (tessera_domain(n) && n.op_type == "Linear");
}

Support no(std::string reason) { return Support{false, std::move(reason)}; }

const Tensor* constant_float(const Node& node, const ConstantLookup& constants, std::size_t i) {
  if (!node.has_input(i)) return nullptr;
  const Tensor* t = constants(node.inputs[i]);
  if (t != nullptr && t->dtype() != graph::DType::float32) return nullptr;
  return t;
}

// bias of N values from an optional constant input; false when present but unusable.
bool read_bias(const Node& node, const ConstantLookup& constants, std::size_t i, std::size_t n,
               std::vector<float>& bias, std::string& reason) {
  if (!node.has_input(i)) return true;
  const Tensor* b = constant_float(node, constants, i);
  if (b == nullptr) {
    reason = "its bias '" + node.inputs[i] + "' is not a float32 constant";
    return false;
  }
  bool shape_ok = b->size() == n;
  for (std::size_t a = 0; a + 1 < b->rank(); ++a) shape_ok = shape_ok && b->dim(a) == 1;
  if (!shape_ok) {
    reason = "its bias " + graph::dims_to_string(b->dims()) + " is not a vector of " + std::to_string(n) +
             " values";
    return false;
  }
  bias = b->floats();
  return true;
}

}  // namespace

bool is_compute_op(const Node& node) { return is_conv(node) || is_gemm(node) || is_matmul(node); }

NodeAnalysis analyze_node(const Node& node, const ConstantLookup& constants, UnitKind kind) {
  NodeAnalysis a;
  const std::string unit = unit_kind_name(kind);
  if (!is_compute_op(node)) {
    a.support = no(node.op_type + " is not a compute op (runs in FP32)");
    return a;
  }
  if (kind == UnitKind::fp32) {
    a.support = no("fp32 is not an emulated unit");
    return a;
  }
  if (tessera_domain(node)) a.activation = node.string_attr("activation", "");
  std::string reason;
  if (is_conv(node)) {
    a.form = OpForm::conv;
    const Tensor* w = constant_float(node, constants, 1);
    if (w == nullptr) {
      a.support = no("Conv whose weight is not a float32 constant is not supported");
      return a;
    }
    if (w->rank() != 4) {
      a.support = no("only 2-D Conv (rank-4 weight) is supported, weight is " + graph::dims_to_string(w->dims()));
      return a;
    }
    const std::int64_t groups = node.int_attr("group", 1);
    if (groups != 1 && kind != UnitKind::approx) {
      a.support = no("Conv with group = " + std::to_string(groups) + " is not supported on " + unit +
                     " (its im2col lowering needs group = 1)");
      return a;
    }
    if (!read_bias(node, constants, 2, static_cast<std::size_t>(w->dim(0)), a.bias, reason)) {
      a.support = no("Conv: " + reason);
      return a;
    }
    a.weight = w->floats();
    a.weight_dims = w->dims();
  } else if (is_gemm(node)) {
    a.form = OpForm::linear;
    if (node.int_attr("transA", 0) != 0) {
      a.support = no("Gemm with transA = 1 is not supported");
      return a;
    }
    const float alpha = node.float_attr("alpha", 1.0f), beta = node.float_attr("beta", 1.0f);
    if (alpha != 1.0f || (beta != 1.0f && node.has_input(2))) {
      std::ostringstream s;
      s << "Gemm with alpha = " << alpha << ", beta = " << beta << " is not supported (only 1, 1)";
      a.support = no(s.str());
      return a;
    }
    const Tensor* b = constant_float(node, constants, 1);
    if (b == nullptr || b->rank() != 2) {
      a.support = no("Gemm whose B is not a constant float32 matrix is not supported");
      return a;
    }
    const bool trans_b = node.int_attr("transB", 0) != 0;
    const std::size_t rows = static_cast<std::size_t>(b->dim(0)), cols = static_cast<std::size_t>(b->dim(1));
    const std::size_t n = trans_b ? rows : cols, k = trans_b ? cols : rows;
    if (!read_bias(node, constants, 2, n, a.bias, reason)) {
      a.support = no("Gemm: " + reason + " (a full C matrix is not supported)");
      return a;
    }
    a.weight = trans_b ? b->floats() : detail::transposed(b->floats().data(), rows, cols);
    a.weight_dims = {static_cast<std::int64_t>(n), static_cast<std::int64_t>(k)};
  } else {  // MatMul / Linear
    const Tensor* b = constant_float(node, constants, 1);
    if (b != nullptr) {
      a.form = OpForm::linear;
      if (b->rank() != 2) {
        a.support = no(node.op_type + " with a constant rank-" + std::to_string(b->rank()) +
                       " second operand is not supported (only a [K, N] weight)");
        return a;
      }
      const std::size_t k = static_cast<std::size_t>(b->dim(0)), n = static_cast<std::size_t>(b->dim(1));
      if (!read_bias(node, constants, 2, n, a.bias, reason)) {
        a.support = no(node.op_type + ": " + reason);
        return a;
      }
      a.weight = detail::transposed(b->floats().data(), k, n);
      a.weight_dims = {static_cast<std::int64_t>(n), static_cast<std::int64_t>(k)};
    } else {
      a.form = OpForm::attention;
      if (node.has_input(2)) {
        a.support = no(node.op_type + " of two activations with a bias is not supported");
        return a;
      }
    }
  }
  a.support = Support{true, ""};
  return a;
}

Support supports(const Node& node, const ConstantLookup& constants, const UnitConfig& config) {
  NodeAnalysis a = analyze_node(node, constants, config.kind);
  if (a.support.ok && a.form == OpForm::attention && config.kind == UnitKind::optical &&
      config.optical.sign_handling == optical::SignHandling::split) {
    return no("optical sign_handling 'split' is not modelled for activation x activation MatMul");
  }
  return a.support;
}

// --- EmulatedOp ------------------------------------------------------------------------------

EmulatedOp::EmulatedOp(const Node& node, NodeAnalysis analysis, UnitConfig config, std::uint32_t unit_id)
    : node_(node), analysis_(std::move(analysis)), config_(std::move(config)), unit_id_(unit_id) {}

std::string EmulatedOp::prefix() const {
  return "node '" + node_.name + "' (" + unit_kind_name(config_.kind) + ")";
}

void EmulatedOp::fail_state(const std::string& what) const { throw StateError(prefix() + ": " + what); }

std::string EmulatedOp::description() const {
  std::string d = config_.describe();
  if (analysis_.form == OpForm::attention) {
    d += config_.kind == UnitKind::approx ? "; activation x activation, both per-tensor"
                                          : "; activation x activation";
  } else if (analysis_.form == OpForm::conv && config_.kind != UnitKind::approx) {
    d += "; conv as im2col GEMM";
  }
  return d;
}

bool EmulatedOp::needs_calibration() const {
  switch (config_.kind) {
    case UnitKind::approx: return true;
    case UnitKind::optical: return !config_.optical.q_bypass;
    default: return false;
  }
}

bool EmulatedOp::calibrated() const { return !needs_calibration() || calibrated_; }

namespace {

// Re-throws a tessera error with the op's prefix in front (once).
template <class F>
auto guarded(const std::string& prefix, F&& f) -> decltype(f()) {
  auto with = [&](const char* what) {
    const std::string m = what;
    return m.rfind(prefix, 0) == 0 ? m : prefix + ": " + m;
  };
  try {
    return f();
  } catch (const InputError& e) {
    throw InputError(with(e.what()));
  } catch (const ConfigError& e) {
    throw ConfigError(with(e.what()));
  } catch (const StateError& e) {
    throw StateError(with(e.what()));
  }
}

}  // namespace

void EmulatedOp::calibrate(const TensorRefs& inputs) {
  if (!needs_calibration()) {
    ++calibration_batches_;
    return;
  }
  if (!calibrating_) {
    calibrating_ = true;
    calibrated_ = false;
    calibration_batches_ = 0;
    guarded(prefix(), [&] { start_calibration(); return 0; });
  }
  guarded(prefix(), [&] { observe(inputs); return 0; });
  ++calibration_batches_;
}

void EmulatedOp::finish_calibration() {
  if (!needs_calibration()) return;
  if (!calibrating_) {
    if (calibrated_) return;
    fail_state("calibration saw no batch; call calibrate(inputs) on a few batches first");
  }
  guarded(prefix(), [&] { freeze(); return 0; });
  calibrating_ = false;
  calibrated_ = true;
}

std::vector<Tensor> EmulatedOp::run(const TensorRefs& inputs) {
  if (needs_calibration()) {
    if (calibrating_) fail_state("calibration in progress; call finish_calibration() before running");
    if (!calibrated_) fail_state("not calibrated; run calibration first");
  }
  const GemmWork w = guarded(prefix(), [&] { return work(inputs); });
  Tensor y = guarded(prefix(), [&] { return compute(inputs); });
  if (!analysis_.activation.empty()) {
    y = runtime::ops::apply_activation(node_, std::move(y), analysis_.activation);
  }
  last_work_ = w;
  total_macs_ += w.macs();
  ++runs_;
  std::vector<Tensor> out;
  out.push_back(std::move(y));
  return out;
}

EmulatedOp::GemmWork EmulatedOp::work(const TensorRefs& inputs) const {
  const Tensor& x = detail::float_input(node_, inputs, 0);
  switch (analysis_.form) {
    case OpForm::linear: {
      const auto n = static_cast<std::uint64_t>(analysis_.weight_dims[0]);
      const auto k = static_cast<std::uint64_t>(analysis_.weight_dims[1]);
      const detail::LinearView v = detail::linear_view(node_, x, n, k);
      return {1, static_cast<std::uint64_t>(v.rows), k, n};
    }
    case OpForm::conv: {
      const ConvGeometry g = conv_geometry(node_, x.dims(), analysis_.weight_dims);
      return {static_cast<std::uint64_t>(g.groups),
              static_cast<std::uint64_t>(g.batch) * g.out_height * g.out_width,
              static_cast<std::uint64_t>(g.depth()),
              static_cast<std::uint64_t>(g.out_channels / g.groups)};
    }
    case OpForm::attention: {
      const detail::AttentionView v = detail::attention_view(node_, x, detail::float_input(node_, inputs, 1));
      return {static_cast<std::uint64_t>(v.batch), static_cast<std::uint64_t>(v.m),
              static_cast<std::uint64_t>(v.k), static_cast<std::uint64_t>(v.n)};
    }
  }
  return {};
}

// --- views -----------------------------------------------------------------------------------

namespace detail {

const Tensor& float_input(const Node& node, const TensorRefs& inputs, std::size_t i) {
  if (i >= inputs.size() || inputs[i] == nullptr) {
    throw InputError(node.describe() + ": input " + std::to_string(i) + " is missing");
  }
  if (inputs[i]->dtype() != graph::DType::float32) {
    throw InputError(node.describe() + ": input " + std::to_string(i) + " must be float32, got " +
                     graph::dtype_name(inputs[i]->dtype()));
  }
  return *inputs[i];
}

LinearView linear_view(const Node& node, const Tensor& x, std::size_t n, std::size_t k) {
  if (x.rank() < 1 || static_cast<std::size_t>(x.dims().back()) != k) {
    throw InputError(node.describe() + ": input " + graph::dims_to_string(x.dims()) + " does not end in " +
                     std::to_string(k) + " features");
  }
  LinearView v;
  v.x = x.floats().data();
  v.k = k;
  v.n = n;
  v.rows = k == 0 ? 0 : x.size() / k;
  v.out_dims = x.dims();
  v.out_dims.back() = static_cast<std::int64_t>(n);
  return v;
}

AttentionView attention_view(const Node& node, const Tensor& a, const Tensor& b) {
  if (a.rank() < 2 || b.rank() < 2) {
    throw InputError(node.describe() + ": activation x activation MatMul needs operands of rank >= 2, got " +
                     graph::dims_to_string(a.dims()) + " and " + graph::dims_to_string(b.dims()));
  }
  AttentionView v;
  v.a = a.floats().data();
  v.b = b.floats().data();
  v.m = static_cast<std::size_t>(a.dims()[a.rank() - 2]);
  v.k = static_cast<std::size_t>(a.dims().back());
  v.n = static_cast<std::size_t>(b.dims().back());
  if (static_cast<std::size_t>(b.dims()[b.rank() - 2]) != v.k) {
    throw InputError(node.describe() + ": inner extents differ: " + graph::dims_to_string(a.dims()) + " x " +
                     graph::dims_to_string(b.dims()));
  }
  const graph::Dims a_batch(a.dims().begin(), a.dims().end() - 2);
  const graph::Dims b_batch(b.dims().begin(), b.dims().end() - 2);
  v.batch = static_cast<std::size_t>(graph::dims_element_count(a_batch));
  const std::size_t b_count = static_cast<std::size_t>(graph::dims_element_count(b_batch));
  if (b_count == 1 && a_batch.size() >= b_batch.size()) {
    v.b_broadcast = true;
  } else if (a_batch != b_batch) {
    throw InputError(node.describe() + ": batch extents " + graph::dims_to_string(a.dims()) + " x " +
                     graph::dims_to_string(b.dims()) + " need broadcasting, which is not supported");
  }
  v.out_dims = a_batch;
  v.out_dims.push_back(static_cast<std::int64_t>(v.m));
  v.out_dims.push_back(static_cast<std::int64_t>(v.n));
  return v;
}

std::vector<float> transposed(const float* m, std::size_t rows, std::size_t cols) {
  std::vector<float> t(rows * cols);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) t[c * rows + r] = m[r * cols + c];
  return t;
}

}  // namespace detail

std::unique_ptr<EmulatedOp> make_emulated_op(const Node& node, const ConstantLookup& constants,
                                             const UnitConfig& config, std::uint32_t unit_id) {
  const Support s = supports(node, constants, config);
  if (!s.ok) {
    throw ConfigError(node.describe() + ": cannot run on " + unit_kind_name(config.kind) + ": " + s.reason);
  }
  if (unit_id >= (1u << 24)) {
    throw ConfigError(node.describe() + ": unit id must be < 2^24, got " + std::to_string(unit_id));
  }
  NodeAnalysis analysis = analyze_node(node, constants, config.kind);
  switch (config.kind) {
    case UnitKind::approx: return detail::make_approx_op(node, std::move(analysis), config, unit_id);
    case UnitKind::mx: return detail::make_mx_op(node, std::move(analysis), config, unit_id);
    case UnitKind::optical: return detail::make_optical_op(node, std::move(analysis), config, unit_id);
    case UnitKind::fp32: break;
  }
  throw ConfigError(node.describe() + ": fp32 is not an emulated unit");
}

runtime::KernelFn make_kernel(std::shared_ptr<EmulatedOp> op) {
  return [op = std::move(op)](const Node&, const TensorRefs& inputs) { return op->run(inputs); };
}

}  // namespace tessera::units
