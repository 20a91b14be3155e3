#pragma once
// 2-D convolution (cross-correlation, as in ONNX Conv and PyTorch Conv2d) on NCHW tensors.
#include <cstddef>

#include "golden/ref/tensor.h"

namespace tessera::ref {

struct Conv2dParams {
  std::size_t stride_h = 1, stride_w = 1;
  // Zero padding per side; ONNX "pads" order is (top, left, bottom, right).
  std::size_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  std::size_t dilation_h = 1, dilation_w = 1;
  // Input and output channels split into `groups` independent slices; groups == in_channels ==
  // out_channels is depthwise convolution.
  std::size_t groups = 1;
};

// input [N, Cin, H, W], weight [Cout, Cin/groups, kh, kw], bias [Cout] or nullptr.
// Returns [N, Cout, Hout, Wout] with Hout = (H + pad_top + pad_bottom - dilation_h·(kh-1) - 1)
// / stride_h + 1 (floor), likewise Wout.
// Computed as im2col followed by one Eigen float GEMM per (image, group).
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor* bias,
              const Conv2dParams& params);

// The output extent of one spatial axis (floor mode); throws InputError naming `op` and
// `axis_name` when the kernel is empty or its dilated extent is larger than the padded input.
std::size_t conv_output_extent(std::size_t input, std::size_t pad_before, std::size_t pad_after,
                               std::size_t kernel, std::size_t stride, std::size_t dilation,
                               const char* op, const char* axis_name);

}  // namespace tessera::ref
