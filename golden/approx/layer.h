#pragma once
// The float-level layer reference: what a Linear or Conv2d layer computes on an approximate-
// multiplier accelerator, TransAxx's integer path made exact.
//
//   1. quantize activations per-tensor:  qa = quantize(x, activation_amax)        (quantize.h)
//   2. quantize weights per-tensor (one amax) or per-output-channel (Cout amaxes)
//   3. integer GEMM / conv through the table, activation on port A, int32 (int64 for deep K)
//   4. dequantize each output: float(acc) / (scale_a * scale_w[co])                (float32)
//   5. add the bias in FP32, unquantized:  y = dequantized + bias[co]
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "golden/approx/conv.h"
#include "golden/approx/quantize.h"
#include "golden/approx/table.h"

namespace tessera::approx {

struct LayerQuantization {
  float activation_amax = 1.0f;
  std::vector<float> weight_amax{1.0f};  // 1 entry: per-tensor; out-features/out_channels entries: per-channel
  Int8Range range{};
};

// How step 3 is computed while the int32 accumulator suffices. Empty functions mean golden's own
// loops (approx_gemm, approx_conv2d); a fast implementation that gives the same bits (kernels/)
// can stand in, so that quantization and dequantization stay defined here, once.
struct IntegerKernels {
  std::function<std::vector<std::int32_t>(const std::int8_t* activations, const std::int8_t* weights,
                                          std::size_t m, std::size_t n, std::size_t k)>
      gemm;
  std::function<std::vector<std::int32_t>(const std::int8_t* input, const std::int8_t* weights,
                                          const Conv2dShape& shape)>
      conv2d;
};

// x: M x K, w: N x K (PyTorch Linear layout), bias: N values or empty. Returns M x N.
std::vector<float> approx_linear(const MultiplierTable& table, const std::vector<float>& x,
                                 const std::vector<float>& w, const std::vector<float>& bias, std::size_t m,
                                 std::size_t n, std::size_t k, const LayerQuantization& quantization,
                                 const IntegerKernels& kernels = {});

// x: [N, Cin, H, W], w: [Cout, Cin/groups, kh, kw], bias: Cout values or empty. Returns [N, Cout, Ho, Wo].
std::vector<float> approx_conv2d_layer(const MultiplierTable& table, const std::vector<float>& x,
                                       const std::vector<float>& w, const std::vector<float>& bias,
                                       const Conv2dShape& shape, const LayerQuantization& quantization,
                                       const IntegerKernels& kernels = {});

}  // namespace tessera::approx
