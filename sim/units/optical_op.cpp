// optical: golden/optical's OpticalLinear for linear and (im2col-lowered) conv nodes; for an
// activation x activation MatMul, optical_gemm with the second operand in the weight role (the
// lut_min-floored modulator, like K and V in the peer's attention) and three running ranges
// (A, B, and the float, unquantized A.B that the ADC converts), built exactly as OpticalLinear
// builds its GEMM specification. Every batch slice is one optical call (the call counter advances).
#include "golden/common/error.h"
#include "golden/optical/layer.h"
#include "golden/optical/matmul.h"
#include "sim/units/im2col.h"
#include "sim/units/op_views.h"

namespace tessera::units::detail {
namespace {

optical::Matrix matrix(const float* data, std::size_t rows, std::size_t cols, const std::string& what) {
  return optical::make_matrix(rows, cols, std::vector<float>(data, data + rows * cols), what);
}

class OpticalOp final : public OpBase {
 public:
  OpticalOp(const Node& node, NodeAnalysis analysis, const UnitConfig& config, std::uint32_t unit_id)
      : OpBase(node, std::move(analysis), config, unit_id),
        a_range_("node " + node.name + " A", config.optical.q_smooth_factor, config.optical.q_quantiles),
        b_range_("node " + node.name + " B", config.optical.q_smooth_factor, config.optical.q_quantiles),
        out_range_("node " + node.name + " output", config.optical.q_smooth_factor, config.optical.q_quantiles) {
    optical::validate(config_.optical, "node " + node.name);
    if (analysis_.form != OpForm::attention) {
      const auto n = static_cast<std::size_t>(analysis_.weight_dims[0]);
      const std::size_t k = analysis_.weight.size() / n;
      linear_ = std::make_unique<optical::OpticalLinear>(node.name, unit_id,
                                                         matrix(analysis_.weight.data(), n, k, "weight"),
                                                         analysis_.bias, config_.optical);
    }
  }

 private:
  void set_calibrating(bool on) {
    if (linear_) linear_->set_calibrating(on);
    a_range_.set_calibrating(on);
    b_range_.set_calibrating(on);
    out_range_.set_calibrating(on);
  }
  void start_calibration() override { set_calibrating(true); }
  void freeze() override { set_calibrating(false); }

  void observe(const TensorRefs& inputs) override {
    const Tensor& x = float_input(node_, inputs, 0);
    switch (analysis_.form) {
      case OpForm::linear: {
        const LinearView v = linear_view(node_, x, static_cast<std::size_t>(analysis_.weight_dims[0]),
                                         static_cast<std::size_t>(analysis_.weight_dims[1]));
        linear_->calibrate(matrix(v.x, v.rows, v.k, "input"));
        return;
      }
      case OpForm::conv: {
        const ConvGeometry g = conv_geometry(node_, x.dims(), analysis_.weight_dims);
        linear_->calibrate(optical::make_matrix(g.rows(), g.depth(), im2col(x.floats().data(), g), "input"));
        return;
      }
      case OpForm::attention: {
        const Tensor& b = float_input(node_, inputs, 1);
        const AttentionView v = attention_view(node_, x, b);
        a_range_.observe(x.floats().data(), x.size());
        b_range_.observe(b.floats().data(), b.size());
        std::vector<float> products;
        products.reserve(v.batch * v.m * v.n);
        for (std::size_t i = 0; i < v.batch; ++i) {
          const optical::Matrix y = optical::float_gemm(matrix(v.a_slice(i), v.m, v.k, "A"),
                                                        optical::make_matrix(v.n, v.k, transposed(v.b_slice(i), v.k, v.n)),
                                                        {});
          products.insert(products.end(), y.data.begin(), y.data.end());
        }
        out_range_.observe(products.data(), products.size());
        return;
      }
    }
  }

  optical::OpticalGemmSpec attention_spec() const {
    const optical::OpticalConfig& c = config_.optical;
    optical::OpticalGemmSpec spec;
    spec.input = optical::quantizer_from_range(a_range_, optical::effective_input_levels(c), 0.0f);
    spec.weight = optical::quantizer_from_range(b_range_, optical::effective_weight_levels(c),
                                                optical::effective_lut_min(c));
    spec.output.adc = optical::quantizer_from_range(out_range_, optical::effective_output_levels(c), 0.0f);
    spec.output.detector_noise_lsb = c.detector_noise_lsb;
    spec.output.shot_noise_photons_full_scale = c.shot_noise_photons_full_scale;
    return spec;
  }

  Tensor compute(const TensorRefs& inputs) override {
    const Tensor& x = float_input(node_, inputs, 0);
    switch (analysis_.form) {
      case OpForm::linear: {
        const LinearView v = linear_view(node_, x, static_cast<std::size_t>(analysis_.weight_dims[0]),
                                         static_cast<std::size_t>(analysis_.weight_dims[1]));
        const optical::Matrix input = matrix(v.x, v.rows, v.k, "input");
        tap_linear(input);
        optical::Matrix y = linear_->forward(input);
        return Tensor::from_floats(v.out_dims, std::move(y.data));
      }
      case OpForm::conv: {
        const ConvGeometry g = conv_geometry(node_, x.dims(), analysis_.weight_dims);
        const optical::Matrix input = optical::make_matrix(g.rows(), g.depth(), im2col(x.floats().data(), g), "input");
        tap_linear(input);
        const optical::Matrix y = linear_->forward(input);
        return Tensor::from_floats({static_cast<std::int64_t>(g.batch), static_cast<std::int64_t>(g.out_channels),
                                    static_cast<std::int64_t>(g.out_height), static_cast<std::int64_t>(g.out_width)},
                                   gemm_rows_to_nchw(y.data, g));
      }
      case OpForm::attention: {
        const AttentionView v = attention_view(node_, x, float_input(node_, inputs, 1));
        const bool bypass = config_.optical.q_bypass;
        optical::OpticalGemmSpec spec;
        if (!bypass) spec = attention_spec();
        std::vector<float> out(v.batch * v.m * v.n);
        for (std::size_t i = 0; i < v.batch; ++i) {
          const optical::Matrix a = matrix(v.a_slice(i), v.m, v.k, "A");
          const optical::Matrix bt = optical::make_matrix(v.n, v.k, transposed(v.b_slice(i), v.k, v.n), "B^T");
          optical::Matrix y;
          if (bypass) {
            y = optical::float_gemm(a, bt, {});
          } else {
            const optical::CallKey key{config_.optical.q_init_seed, unit_id_, calls_};
            if (!optical_operand_taps_.empty()) {
              call_optical_operand_taps(OpticalGemmOperands{a.data.data(), bt.data.data(), v.m, v.k, v.n, &spec, key});
            }
            y = optical::optical_gemm(a, bt, {}, spec, key);
            calls_ += 1;
          }
          std::copy(y.data.begin(), y.data.end(), out.begin() + static_cast<std::ptrdiff_t>(i * v.m * v.n));
        }
        return Tensor::from_floats(v.out_dims, std::move(out));
      }
    }
    throw StateError(prefix() + ": unknown form");
  }

  // The GEMM the next linear_->forward(input) computes, to the optical taps (weights: the node's
  // N x K initializer, which OpticalLinear was built from).
  void tap_linear(const optical::Matrix& input) const {
    if (optical_operand_taps_.empty() || config_.optical.q_bypass || linear_->calibrating()) return;
    const optical::OpticalGemmSpec spec = linear_->gemm_spec();
    const auto n = static_cast<std::size_t>(analysis_.weight_dims[0]);
    call_optical_operand_taps(OpticalGemmOperands{input.data.data(), analysis_.weight.data(), input.rows, input.cols,
                                                  n, &spec,
                                                  optical::CallKey{config_.optical.q_init_seed, unit_id_, linear_->calls()}});
  }

  std::unique_ptr<optical::OpticalLinear> linear_;
  optical::RunningRange a_range_, b_range_, out_range_;
  std::uint32_t calls_ = 0;
};

}  // namespace

std::unique_ptr<EmulatedOp> make_optical_op(const Node& node, NodeAnalysis analysis, const UnitConfig& config,
                                            std::uint32_t unit_id) {
  return std::make_unique<OpticalOp>(node, std::move(analysis), config, unit_id);
}

}  // namespace tessera::units::detail
