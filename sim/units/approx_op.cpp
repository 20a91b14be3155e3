// approx: INT8 symmetric quantization + an approximate-multiplier table, through golden/approx's
// layer references (approx_linear, approx_conv2d_layer) with the kernels' integer core. Weights: amax by the max calibrator,
// per output channel or per tensor (as pytorch-quantization calibrates weights); activations:
// per-tensor amax by the configured calibrator over the calibration batches.
#include <optional>

#include "golden/approx/calibrate.h"
#include "golden/approx/layer.h"
#include "golden/common/error.h"
#include "sim/units/fast_paths.h"
#include "sim/units/im2col.h"
#include "sim/units/op_views.h"

namespace tessera::units::detail {
namespace {

class ApproxOp final : public OpBase {
 public:
  ApproxOp(const Node& node, NodeAnalysis analysis, const UnitConfig& config, std::uint32_t unit_id)
      : OpBase(node, std::move(analysis), config, unit_id), table_(config.approx.table) {
    if (!table_) throw ConfigError(prefix() + ": the multiplier table was not loaded");
    integer_ = approx_integer_kernels(*table_);
    if (analysis_.form != OpForm::attention) {
      approx::CalibratorConfig max_config;
      max_config.method = approx::CalibrationMethod::max;
      const std::vector<float>& w = analysis_.weight;
      if (config_.approx.weight_granularity == WeightGranularity::per_channel) {
        approx::PerChannelCalibrator calibrator(static_cast<std::size_t>(analysis_.weight_dims[0]), max_config);
        calibrator.collect(w);
        quantization_.weight_amax = calibrator.compute_amax();
      } else {
        approx::Calibrator calibrator(max_config);
        calibrator.collect(w);
        quantization_.weight_amax = {calibrator.compute_amax()};
      }
    }
  }

 private:
  void start_calibration() override {
    activation_.emplace(config_.approx.activation_calibrator());
    if (analysis_.form == OpForm::attention) second_.emplace(config_.approx.activation_calibrator());
  }

  void observe(const TensorRefs& inputs) override {
    const Tensor& x = float_input(node_, inputs, 0);
    activation_->collect(x.floats());
    if (analysis_.form == OpForm::attention) second_->collect(float_input(node_, inputs, 1).floats());
  }

  void freeze() override {
    quantization_.activation_amax = activation_->compute_amax();
    if (analysis_.form == OpForm::attention) second_amax_ = second_->compute_amax();
  }

  // The kernels, wrapped so that the operand tap (when set) sees each integer GEMM first.
  approx::IntegerKernels tapped_kernels() const {
    if (approx_operand_taps_.empty()) return integer_;
    approx::IntegerKernels kernels = integer_;
    kernels.gemm = [this](const std::int8_t* a, const std::int8_t* w, std::size_t m, std::size_t n,
                          std::size_t k) {
      call_approx_operand_taps(ApproxGemmOperands{a, w, m, n, k});
      return integer_.gemm(a, w, m, n, k);
    };
    kernels.conv2d = [this](const std::int8_t* input, const std::int8_t* w, const approx::Conv2dShape& s) {
      if (s.groups == 1) tap_conv(input, w, s);
      return integer_.conv2d(input, w, s);
    };
    return kernels;
  }

  void tap_conv(const std::int8_t* input, const std::int8_t* w, const approx::Conv2dShape& s) const {
    ConvGeometry g;
    g.batch = s.batch;
    g.in_channels = s.in_channels;
    g.in_height = s.in_height;
    g.in_width = s.in_width;
    g.out_channels = s.out_channels;
    g.kernel_height = s.kernel_height;
    g.kernel_width = s.kernel_width;
    g.stride_h = s.stride_h;
    g.stride_w = s.stride_w;
    g.dilation_h = s.dilation_h;
    g.dilation_w = s.dilation_w;
    g.pad_top = g.pad_bottom = s.pad_h;
    g.pad_left = g.pad_right = s.pad_w;
    g.out_height = (s.in_height + 2 * s.pad_h - s.dilation_h * (s.kernel_height - 1) - 1) / s.stride_h + 1;
    g.out_width = (s.in_width + 2 * s.pad_w - s.dilation_w * (s.kernel_width - 1) - 1) / s.stride_w + 1;
    // Codes are small integers, exact in float: im2col on floats lowers the codes unchanged.
    const std::vector<float> codes(input, input + g.batch * g.in_channels * g.in_height * g.in_width);
    const std::vector<float> rows = im2col(codes.data(), g);
    std::vector<std::int8_t> lowered(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) lowered[i] = static_cast<std::int8_t>(rows[i]);
    call_approx_operand_taps(ApproxGemmOperands{lowered.data(), w, g.rows(), g.out_channels, g.depth()});
  }

  Tensor compute(const TensorRefs& inputs) override {
    const Tensor& x = float_input(node_, inputs, 0);
    const approx::MultiplierTable& table = *table_;
    const approx::IntegerKernels integer = tapped_kernels();
    switch (analysis_.form) {
      case OpForm::linear: {
        const auto n = static_cast<std::size_t>(analysis_.weight_dims[0]);
        const auto k = static_cast<std::size_t>(analysis_.weight_dims[1]);
        const LinearView v = linear_view(node_, x, n, k);
        return Tensor::from_floats(v.out_dims, approx::approx_linear(table, x.floats(), analysis_.weight,
                                                                     analysis_.bias, v.rows, n, k, quantization_,
                                                                     integer));
      }
      case OpForm::conv: {
        const ConvGeometry g = conv_geometry(node_, x.dims(), analysis_.weight_dims);
        approx::Conv2dShape s;
        s.batch = g.batch;
        s.in_channels = g.in_channels;
        s.in_height = g.in_height;
        s.in_width = g.in_width;
        s.out_channels = g.out_channels;
        s.kernel_height = g.kernel_height;
        s.kernel_width = g.kernel_width;
        s.stride_h = g.stride_h;
        s.stride_w = g.stride_w;
        s.dilation_h = g.dilation_h;
        s.dilation_w = g.dilation_w;
        s.groups = g.groups;
        const graph::Dims out_dims{static_cast<std::int64_t>(g.batch), static_cast<std::int64_t>(g.out_channels),
                                   static_cast<std::int64_t>(g.out_height), static_cast<std::int64_t>(g.out_width)};
        if (g.pad_top == g.pad_bottom && g.pad_left == g.pad_right) {
          s.pad_h = g.pad_top;
          s.pad_w = g.pad_left;
          return Tensor::from_floats(out_dims, approx::approx_conv2d_layer(table, x.floats(), analysis_.weight,
                                                                           analysis_.bias, s, quantization_, integer));
        }
        // Asymmetric padding (golden's shape has one pad per axis): pad explicitly with zeros,
        // which quantize to code 0 exactly as golden's padding taps do.
        const std::vector<float> padded = pad_nchw(x.floats().data(), g.batch, g.in_channels, g.in_height,
                                                   g.in_width, g.pad_top, g.pad_left, g.pad_bottom, g.pad_right);
        s.in_height = g.in_height + g.pad_top + g.pad_bottom;
        s.in_width = g.in_width + g.pad_left + g.pad_right;
        return Tensor::from_floats(out_dims, approx::approx_conv2d_layer(table, padded, analysis_.weight,
                                                                         analysis_.bias, s, quantization_, integer));
      }
      case OpForm::attention: {
        const AttentionView v = attention_view(node_, x, float_input(node_, inputs, 1));
        approx::LayerQuantization q;
        q.activation_amax = quantization_.activation_amax;
        q.weight_amax = {second_amax_};
        q.range = quantization_.range;
        std::vector<float> out(v.batch * v.m * v.n);
        for (std::size_t i = 0; i < v.batch; ++i) {
          const std::vector<float> a(v.a_slice(i), v.a_slice(i) + v.m * v.k);
          const std::vector<float> bt = transposed(v.b_slice(i), v.k, v.n);  // N x K: port B
          const std::vector<float> y = approx::approx_linear(table, a, bt, {}, v.m, v.n, v.k, q, integer);
          std::copy(y.begin(), y.end(), out.begin() + static_cast<std::ptrdiff_t>(i * v.m * v.n));
        }
        return Tensor::from_floats(v.out_dims, std::move(out));
      }
    }
    throw StateError(prefix() + ": unknown form");
  }

  std::shared_ptr<const approx::MultiplierTable> table_;
  approx::IntegerKernels integer_;  // the kernels' integer GEMM/conv (fast_paths.h)
  approx::LayerQuantization quantization_;
  std::optional<approx::Calibrator> activation_, second_;
  float second_amax_ = 1.0f;
};

}  // namespace

std::unique_ptr<EmulatedOp> make_approx_op(const Node& node, NodeAnalysis analysis, const UnitConfig& config,
                                           std::uint32_t unit_id) {
  return std::make_unique<ApproxOp>(node, std::move(analysis), config, unit_id);
}

}  // namespace tessera::units::detail
