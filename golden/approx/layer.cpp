#include "golden/approx/layer.h"

#include <string>

#include "golden/approx/gemm.h"
#include "golden/common/error.h"

namespace tessera::approx {
namespace {

void check_size(const char* what, std::size_t got, std::size_t expected) {
  if (got != expected) {
    throw ConfigError(std::string(what) + ": expected " + std::to_string(expected) + " values, got " +
                      std::to_string(got));
  }
}

// Weight scales, one per output channel (a per-tensor amax is repeated).
std::vector<float> weight_scales(const LayerQuantization& q, std::size_t channels) {
  if (q.weight_amax.size() != 1 && q.weight_amax.size() != channels) {
    throw ConfigError("layer quantization field 'weight_amax': expected 1 (per-tensor) or " +
                      std::to_string(channels) + " (per-channel) values, got " + std::to_string(q.weight_amax.size()));
  }
  std::vector<float> scales(channels);
  for (std::size_t c = 0; c < channels; ++c) {
    scales[c] = quant_scale(q.weight_amax.size() == 1 ? q.weight_amax[0] : q.weight_amax[c], q.range);
  }
  return scales;
}

std::vector<std::int8_t> quantize_weights(const std::vector<float>& w, const LayerQuantization& q, std::size_t channels) {
  if (q.weight_amax.size() == 1) return quantize_per_tensor(w, q.weight_amax[0], q.range);
  return quantize_per_channel(w, q.weight_amax, q.range);
}

template <typename Acc>
std::vector<float> finish(const std::vector<Acc>& acc, std::size_t outer, std::size_t channels, std::size_t inner,
                          float scale_a, const std::vector<float>& scale_w, const std::vector<float>& bias) {
  std::vector<float> y(acc.size());
  for (std::size_t o = 0; o < outer; ++o) {
    for (std::size_t c = 0; c < channels; ++c) {
      for (std::size_t i = 0; i < inner; ++i) {
        const std::size_t at = (o * channels + c) * inner + i;
        const float value = dequantize(acc[at], scale_a, scale_w[c]);
        y[at] = bias.empty() ? value : value + bias[c];
      }
    }
  }
  return y;
}

}  // namespace

std::vector<float> approx_linear(const MultiplierTable& table, const std::vector<float>& x,
                                 const std::vector<float>& w, const std::vector<float>& bias, std::size_t m,
                                 std::size_t n, std::size_t k, const LayerQuantization& quantization,
                                 const IntegerKernels& kernels) {
  check_size("approx_linear input x (M x K)", x.size(), m * k);
  check_size("approx_linear weight w (N x K)", w.size(), n * k);
  if (!bias.empty()) check_size("approx_linear bias", bias.size(), n);
  const float scale_a = quant_scale(quantization.activation_amax, quantization.range);
  const std::vector<float> scale_w = weight_scales(quantization, n);
  const auto qa = quantize_per_tensor(x, quantization.activation_amax, quantization.range);
  const auto qw = quantize_weights(w, quantization, n);
  if (accumulator_width_for(k) == AccumulatorWidth::int32) {
    const auto acc = kernels.gemm ? kernels.gemm(qa.data(), qw.data(), m, n, k)
                                  : approx_gemm(table, qa.data(), qw.data(), m, n, k);
    return finish(acc, m, n, 1, scale_a, scale_w, bias);
  }
  return finish(approx_gemm_i64(table, qa.data(), qw.data(), m, n, k), m, n, 1, scale_a, scale_w, bias);
}

std::vector<float> approx_conv2d_layer(const MultiplierTable& table, const std::vector<float>& x,
                                       const std::vector<float>& w, const std::vector<float>& bias,
                                       const Conv2dShape& shape, const LayerQuantization& quantization,
                                       const IntegerKernels& kernels) {
  shape.validate();
  check_size("approx_conv2d_layer input x [N, Cin, H, W]", x.size(), shape.input_size());
  check_size("approx_conv2d_layer weight w [Cout, Cin/groups, kh, kw]", w.size(), shape.weight_size());
  if (!bias.empty()) check_size("approx_conv2d_layer bias", bias.size(), shape.out_channels);
  const float scale_a = quant_scale(quantization.activation_amax, quantization.range);
  const std::vector<float> scale_w = weight_scales(quantization, shape.out_channels);
  const auto qa = quantize_per_tensor(x, quantization.activation_amax, quantization.range);
  const auto qw = quantize_weights(w, quantization, shape.out_channels);
  const std::size_t inner = shape.out_height() * shape.out_width();
  if (accumulator_width_for(shape.depth()) == AccumulatorWidth::int32) {
    const auto acc = kernels.conv2d ? kernels.conv2d(qa.data(), qw.data(), shape)
                                    : approx_conv2d(table, qa.data(), qw.data(), shape);
    return finish(acc, shape.batch, shape.out_channels, inner, scale_a, scale_w, bias);
  }
  return finish(approx_conv2d_i64(table, qa.data(), qw.data(), shape), shape.batch, shape.out_channels, inner, scale_a,
                scale_w, bias);
}

}  // namespace tessera::approx
