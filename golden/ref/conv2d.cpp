#include "golden/ref/conv2d.h"

#include <Eigen/Core>
#include <string>
#include <vector>

#include "golden/common/error.h"

namespace tessera::ref {
namespace {

using RowMajorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Eigen::Index as_index(std::size_t n) { return static_cast<Eigen::Index>(n); }

void require_positive(std::size_t value, const char* name) {
  if (value == 0) {
    throw ConfigError(std::string("conv2d: ") + name + " must be >= 1, got 0");
  }
}

}  // namespace

std::size_t conv_output_extent(std::size_t input, std::size_t pad_before, std::size_t pad_after,
                               std::size_t kernel, std::size_t stride, std::size_t dilation,
                               const char* op, const char* axis_name) {
  const std::size_t padded = input + pad_before + pad_after;
  const std::size_t dilated_kernel = dilation * (kernel - 1) + 1;
  if (kernel == 0 || dilated_kernel > padded) {
    throw InputError(std::string(op) + ": input " + axis_name + " " + std::to_string(input) +
                     " padded to " + std::to_string(padded) + " is smaller than the " +
                     (kernel == 0 ? std::string("empty kernel") :
                      "dilated kernel extent " + std::to_string(dilated_kernel)));
  }
  return (padded - dilated_kernel) / stride + 1;
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor* bias,
              const Conv2dParams& p) {
  require_positive(p.stride_h, "stride_h");
  require_positive(p.stride_w, "stride_w");
  require_positive(p.dilation_h, "dilation_h");
  require_positive(p.dilation_w, "dilation_w");
  require_positive(p.groups, "groups");
  if (input.rank() != 4) {
    throw InputError("conv2d: input must be NCHW (rank 4), got shape " +
                     shape_to_string(input.shape()));
  }
  if (weight.rank() != 4) {
    throw InputError("conv2d: weight must be [Cout, Cin/groups, kh, kw] (rank 4), got shape " +
                     shape_to_string(weight.shape()));
  }
  const std::size_t batch = input.dim(0), in_channels = input.dim(1);
  const std::size_t height = input.dim(2), width = input.dim(3);
  const std::size_t out_channels = weight.dim(0), group_in = weight.dim(1);
  const std::size_t kh = weight.dim(2), kw = weight.dim(3);
  if (group_in * p.groups != in_channels) {
    throw InputError("conv2d: weight shape " + shape_to_string(weight.shape()) +
                     " needs input channels " + std::to_string(group_in) + "·groups = " +
                     std::to_string(group_in * p.groups) + ", got " + std::to_string(in_channels));
  }
  if (out_channels % p.groups != 0) {
    throw InputError("conv2d: weight shape " + shape_to_string(weight.shape()) +
                     " has " + std::to_string(out_channels) +
                     " output channels, not a multiple of groups = " + std::to_string(p.groups));
  }
  if (bias && bias->shape() != Shape{out_channels}) {
    throw InputError("conv2d: bias must be [Cout] = " + shape_to_string(Shape{out_channels}) +
                     ", got shape " + shape_to_string(bias->shape()));
  }
  const std::size_t out_h = conv_output_extent(height, p.pad_top, p.pad_bottom, kh, p.stride_h,
                                               p.dilation_h, "conv2d", "height");
  const std::size_t out_w = conv_output_extent(width, p.pad_left, p.pad_right, kw, p.stride_w,
                                               p.dilation_w, "conv2d", "width");

  const std::size_t group_out = out_channels / p.groups;
  const std::size_t patch = group_in * kh * kw;  // GEMM K: one column of im2col
  const std::size_t pixels = out_h * out_w;      // GEMM N
  Tensor output({batch, out_channels, out_h, out_w});
  // im2col: row (c, i, j) holds, for every output pixel, the input element that kernel tap (i, j)
  // of channel c multiplies; padding reads as 0. Its order matches the weight's [Cin/g, kh, kw].
  RowMajorMatrix columns(as_index(patch), as_index(pixels));
  for (std::size_t n = 0; n < batch; ++n) {
    for (std::size_t g = 0; g < p.groups; ++g) {
      for (std::size_t c = 0; c < group_in; ++c) {
        const float* plane = input.data() + ((n * in_channels) + g * group_in + c) * height * width;
        for (std::size_t i = 0; i < kh; ++i) {
          for (std::size_t j = 0; j < kw; ++j) {
            float* row = columns.data() + ((c * kh + i) * kw + j) * pixels;
            for (std::size_t oy = 0; oy < out_h; ++oy) {
              // Signed so positions in the top/left padding are negative.
              const long long y = static_cast<long long>(oy * p.stride_h + i * p.dilation_h) -
                                  static_cast<long long>(p.pad_top);
              for (std::size_t ox = 0; ox < out_w; ++ox) {
                const long long x = static_cast<long long>(ox * p.stride_w + j * p.dilation_w) -
                                    static_cast<long long>(p.pad_left);
                const bool inside = y >= 0 && x >= 0 && y < static_cast<long long>(height) &&
                                    x < static_cast<long long>(width);
                row[oy * out_w + ox] =
                    inside ? plane[static_cast<std::size_t>(y) * width + static_cast<std::size_t>(x)]
                           : 0.0f;
              }
            }
          }
        }
      }
      Eigen::Map<const RowMajorMatrix> group_weight(weight.data() + g * group_out * patch,
                                                    as_index(group_out), as_index(patch));
      Eigen::Map<RowMajorMatrix> group_output(
          output.data() + (n * out_channels + g * group_out) * pixels, as_index(group_out),
          as_index(pixels));
      group_output.noalias() = group_weight * columns;
      if (bias) {
        for (std::size_t o = 0; o < group_out; ++o) {
          group_output.row(as_index(o)).array() += bias->data()[g * group_out + o];
        }
      }
    }
  }
  return output;
}

}  // namespace tessera::ref
