// mx: OCP MX block quantization of both operands along K (golden/mx quantize_rows) and the MX GEMM
// (mx_gemm: A M x K, B N x K), on the kernels where they support the case (fast_paths.h). Weights are quantized once, at construction. Every GEMM's quantized operands go to the MX operand taps
// (emulated_op.h) before it runs. The bias is added in
// FP32 after the GEMM (one float add per output). Stochastic rounding draws from
// (seed, make_stream(unit id, mx_stochastic_rounding)) for activations and (seed + 1, same stream)
// for weights, indexed by the element index within one quantize_rows call.
#include "golden/common/error.h"
#include "golden/mx/gemm.h"
#include "golden/mx/tensor.h"
#include "golden/rng/counter_rng.h"
#include "sim/units/im2col.h"
#include "sim/units/fast_paths.h"
#include "sim/units/op_views.h"

namespace tessera::units::detail {
namespace {

class MxOp final : public OpBase {
 public:
  MxOp(const Node& node, NodeAnalysis analysis, const UnitConfig& config, std::uint32_t unit_id)
      : OpBase(node, std::move(analysis), config, unit_id) {
    const MxConfig& mx = config_.mx;
    activation_policy_ = mx.policy;
    activation_policy_.stream = rng::make_stream(unit_id_, rng::Purpose::mx_stochastic_rounding);
    weight_policy_ = activation_policy_;
    weight_policy_.seed = mx.policy.seed + 1;
    if (analysis_.form != OpForm::attention) {
      const auto n = static_cast<std::size_t>(analysis_.weight_dims[0]);
      const std::size_t k = analysis_.weight.size() / n;  // conv: Cin/groups * kh * kw
      weights_ = mx_quantize_fast(analysis_.weight.data(), n, k, mx.weight_format, mx.block, weight_policy_);
    }
  }

 private:
  void observe(const TensorRefs&) override {}

  std::vector<float> gemm(const float* a, std::size_t rows, std::size_t k, const mx::QuantizedRows& b) const {
    const MxConfig& mx = config_.mx;
    const mx::QuantizedRows qa = mx_quantize_fast(a, rows, k, mx.activation_format, mx.block, activation_policy_);
    call_mx_operand_taps(MxGemmOperands{&qa, &b});
    return mx_gemm_fast(qa, b, mx.accumulation);
  }

  void add_bias(std::vector<float>& y, std::size_t n) const {
    if (analysis_.bias.empty()) return;
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = y[i] + analysis_.bias[i % n];
  }

  Tensor compute(const TensorRefs& inputs) override {
    const Tensor& x = float_input(node_, inputs, 0);
    switch (analysis_.form) {
      case OpForm::linear: {
        const auto n = static_cast<std::size_t>(analysis_.weight_dims[0]);
        const auto k = static_cast<std::size_t>(analysis_.weight_dims[1]);
        const LinearView v = linear_view(node_, x, n, k);
        std::vector<float> y = gemm(v.x, v.rows, k, weights_);
        add_bias(y, n);
        return Tensor::from_floats(v.out_dims, std::move(y));
      }
      case OpForm::conv: {
        const ConvGeometry g = conv_geometry(node_, x.dims(), analysis_.weight_dims);
        const std::vector<float> cols = im2col(x.floats().data(), g);
        std::vector<float> y = gemm(cols.data(), g.rows(), g.depth(), weights_);
        add_bias(y, g.out_channels);
        return Tensor::from_floats({static_cast<std::int64_t>(g.batch), static_cast<std::int64_t>(g.out_channels),
                                    static_cast<std::int64_t>(g.out_height), static_cast<std::int64_t>(g.out_width)},
                                   gemm_rows_to_nchw(y, g));
      }
      case OpForm::attention: {
        const AttentionView v = attention_view(node_, x, float_input(node_, inputs, 1));
        const MxConfig& mx = config_.mx;
        std::vector<float> out(v.batch * v.m * v.n);
        for (std::size_t i = 0; i < v.batch; ++i) {
          const std::vector<float> bt = transposed(v.b_slice(i), v.k, v.n);  // N x K
          const mx::QuantizedRows qb = mx_quantize_fast(bt.data(), v.n, v.k, mx.weight_format, mx.block, weight_policy_);
          const std::vector<float> y = gemm(v.a_slice(i), v.m, v.k, qb);
          std::copy(y.begin(), y.end(), out.begin() + static_cast<std::ptrdiff_t>(i * v.m * v.n));
        }
        return Tensor::from_floats(v.out_dims, std::move(out));
      }
    }
    throw StateError(prefix() + ": unknown form");
  }

  mx::QuantizePolicy activation_policy_, weight_policy_;
  mx::QuantizedRows weights_;
};

}  // namespace

std::unique_ptr<EmulatedOp> make_mx_op(const Node& node, NodeAnalysis analysis, const UnitConfig& config,
                                       std::uint32_t unit_id) {
  return std::make_unique<MxOp>(node, std::move(analysis), config, unit_id);
}

}  // namespace tessera::units::detail
