#pragma once
// Conv geometry of a node at run time, and im2col: the lowering of a 2-D convolution to one GEMM
// (rows = output pixels of every image, columns = the receptive field), used by the units whose
// golden arithmetic is a GEMM (mx, optical). Padding taps are 0.0f, as a zero-padded input.
#include <cstddef>
#include <vector>

#include "sim/graph/ir.h"

namespace tessera::units {

struct ConvGeometry {
  std::size_t batch = 1, in_channels = 1, in_height = 1, in_width = 1;
  std::size_t out_channels = 1, kernel_height = 1, kernel_width = 1;
  std::size_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  std::size_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  std::size_t groups = 1;
  std::size_t out_height = 1, out_width = 1;

  std::size_t depth() const { return in_channels / groups * kernel_height * kernel_width; }  // K
  std::size_t rows() const { return batch * out_height * out_width; }                       // M
  std::size_t output_size() const { return batch * out_channels * out_height * out_width; }
};

// From the node's attributes (strides, dilations, pads, auto_pad, group) and the input and weight
// extents ([N, Cin, H, W], [Cout, Cin/group, kh, kw]). InputError naming the node on mismatches.
ConvGeometry conv_geometry(const graph::Node& node, const graph::Dims& input, const graph::Dims& weight);

// x [N, Cin, H, W] -> rows() x depth() matrix, row (n, oy, ox), column (ci, ky, kx) — the order
// of a [Cout, Cin, kh, kw] weight flattened to Cout x K. groups must be 1.
std::vector<float> im2col(const float* x, const ConvGeometry& g);

// A rows() x out_channels GEMM result (row (n, oy, ox)) -> [N, Cout, Ho, Wo].
std::vector<float> gemm_rows_to_nchw(const std::vector<float>& y, const ConvGeometry& g);

// x zero-padded explicitly by (top, left, bottom, right): [N, C, H + top + bottom, W + left + right].
std::vector<float> pad_nchw(const float* x, std::size_t n, std::size_t c, std::size_t h, std::size_t w,
                            std::size_t top, std::size_t left, std::size_t bottom, std::size_t right);

}  // namespace tessera::units
