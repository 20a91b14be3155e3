#pragma once
// The approximate 2-D convolution reference (NCHW), im2col style: every output element is a dot
// product over K = (Cin/groups) * kh * kw of table(activation, weight), activation on port A,
// weight on port B (the same port order as the GEMM; TransAxx's conv swaps them, we do not).
//
//   out[n][co][y][x] = sum_{ci, ky, kx} table(in[n][g*Cin/groups + ci][iy][ix], w[co][ci][ky][kx])
//   iy = y*stride_h - pad_h + ky*dilation_h,  ix = x*stride_w - pad_w + kx*dilation_w,
//   g  = co / (Cout/groups)
// Padding: a tap outside the input feeds activation code 0 through the table, as im2col's zero
// columns do on the hardware, so table(0, w) counts even where it is not 0.
// Accumulator: int32 while K <= kMaxInt32Depth (gemm.h), else use approx_conv2d_i64.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "golden/approx/table.h"

namespace tessera::approx {

struct Conv2dShape {
  std::size_t batch = 1, in_channels = 1, in_height = 1, in_width = 1;
  std::size_t out_channels = 1, kernel_height = 1, kernel_width = 1;
  std::size_t stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dilation_h = 1, dilation_w = 1, groups = 1;

  // ConfigError on zero sizes/strides/dilations, channels not divisible by groups, or an empty output.
  void validate() const;
  std::size_t out_height() const;
  std::size_t out_width() const;
  std::size_t depth() const { return in_channels / groups * kernel_height * kernel_width; }  // K
  std::size_t input_size() const { return batch * in_channels * in_height * in_width; }
  std::size_t weight_size() const { return out_channels * (in_channels / groups) * kernel_height * kernel_width; }
  std::size_t output_size() const { return batch * out_channels * out_height() * out_width(); }
};

// [N, Cout, Ho, Wo] int32.
std::vector<std::int32_t> approx_conv2d(const MultiplierTable& table, const std::int8_t* input,
                                        const std::int8_t* weight, const Conv2dShape& shape);
std::vector<std::int64_t> approx_conv2d_i64(const MultiplierTable& table, const std::int8_t* input,
                                            const std::int8_t* weight, const Conv2dShape& shape);

}  // namespace tessera::approx
