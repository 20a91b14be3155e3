#pragma once
// 2-D pooling on NCHW tensors (ONNX MaxPool / AveragePool / GlobalAveragePool, PyTorch
// max_pool2d / avg_pool2d / adaptive_avg_pool2d(1)). Output extents use floor (ceil_mode off).
#include <cstddef>

#include "golden/ref/tensor.h"

namespace tessera::ref {

struct Pool2dParams {
  std::size_t kernel_h = 1, kernel_w = 1;
  std::size_t stride_h = 1, stride_w = 1;
  // Each pad must be smaller than the kernel along its axis, so every window holds at least one
  // real element (PyTorch asks for pad <= kernel/2; this is the weaker condition that matters).
  std::size_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  // Average pool only: divide by kernel_h·kernel_w (true) or by the number of real, unpadded
  // elements in the window (false; ONNX's default, count_include_pad = 0).
  bool count_include_pad = false;
};

// Padding never wins: padded positions are ignored, as if they held -inf.
Tensor max_pool2d(const Tensor& input, const Pool2dParams& params);
Tensor avg_pool2d(const Tensor& input, const Pool2dParams& params);
// [N, C, H, W] → [N, C, 1, 1], the mean of each plane (accumulated in double).
Tensor global_avg_pool(const Tensor& input);

}  // namespace tessera::ref
