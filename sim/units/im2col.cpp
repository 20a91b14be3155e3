#include "sim/units/im2col.h"

#include <string>

#include "golden/common/error.h"
#include "sim/graph/spatial.h"

namespace tessera::units {

ConvGeometry conv_geometry(const graph::Node& node, const graph::Dims& input, const graph::Dims& weight) {
  if (input.size() != 4 || weight.size() != 4) {
    throw InputError(node.describe() + ": only 2-D convolution is supported, got input " +
                     graph::dims_to_string(input) + " and weight " + graph::dims_to_string(weight));
  }
  ConvGeometry g;
  const std::int64_t groups = node.int_attr("group", 1);
  if (groups < 1) throw InputError(node.describe() + ": group must be >= 1");
  g.groups = static_cast<std::size_t>(groups);
  g.batch = static_cast<std::size_t>(input[0]);
  g.in_channels = static_cast<std::size_t>(input[1]);
  g.in_height = static_cast<std::size_t>(input[2]);
  g.in_width = static_cast<std::size_t>(input[3]);
  g.out_channels = static_cast<std::size_t>(weight[0]);
  g.kernel_height = static_cast<std::size_t>(weight[2]);
  g.kernel_width = static_cast<std::size_t>(weight[3]);
  if (static_cast<std::size_t>(weight[1]) * g.groups != g.in_channels || g.out_channels % g.groups != 0) {
    throw InputError(node.describe() + ": weight " + graph::dims_to_string(weight) + " does not fit input " +
                     graph::dims_to_string(input) + " with group " + std::to_string(groups));
  }
  const graph::SpatialParams sp = graph::resolve_spatial(node, graph::Dims{input[2], input[3]},
                                                         graph::Dims{weight[2], weight[3]});
  g.stride_h = static_cast<std::size_t>(sp.strides[0]);
  g.stride_w = static_cast<std::size_t>(sp.strides[1]);
  g.dilation_h = static_cast<std::size_t>(sp.dilations[0]);
  g.dilation_w = static_cast<std::size_t>(sp.dilations[1]);
  g.pad_top = static_cast<std::size_t>(sp.pads_begin[0]);
  g.pad_left = static_cast<std::size_t>(sp.pads_begin[1]);
  g.pad_bottom = static_cast<std::size_t>(sp.pads_end[0]);
  g.pad_right = static_cast<std::size_t>(sp.pads_end[1]);
  const std::int64_t ho = graph::spatial_output_extent(node, input[2], weight[2], sp.strides[0], sp.dilations[0],
                                                       sp.pads_begin[0], sp.pads_end[0], false);
  const std::int64_t wo = graph::spatial_output_extent(node, input[3], weight[3], sp.strides[1], sp.dilations[1],
                                                       sp.pads_begin[1], sp.pads_end[1], false);
  if (ho <= 0 || wo <= 0) throw InputError(node.describe() + ": empty convolution output");
  g.out_height = static_cast<std::size_t>(ho);
  g.out_width = static_cast<std::size_t>(wo);
  return g;
}

std::vector<float> im2col(const float* x, const ConvGeometry& g) {
  if (g.groups != 1) throw ConfigError("im2col: groups must be 1");
  const std::size_t k = g.depth();
  std::vector<float> cols(g.rows() * k, 0.0f);
  std::size_t row = 0;
  for (std::size_t n = 0; n < g.batch; ++n) {
    for (std::size_t oy = 0; oy < g.out_height; ++oy) {
      for (std::size_t ox = 0; ox < g.out_width; ++ox, ++row) {
        float* out = cols.data() + row * k;
        std::size_t col = 0;
        for (std::size_t ci = 0; ci < g.in_channels; ++ci) {
          const float* plane = x + (n * g.in_channels + ci) * g.in_height * g.in_width;
          for (std::size_t ky = 0; ky < g.kernel_height; ++ky) {
            // iy = oy*stride - pad_top + ky*dilation, in signed arithmetic
            const long long iy = static_cast<long long>(oy * g.stride_h + ky * g.dilation_h) -
                                 static_cast<long long>(g.pad_top);
            for (std::size_t kx = 0; kx < g.kernel_width; ++kx, ++col) {
              const long long ix = static_cast<long long>(ox * g.stride_w + kx * g.dilation_w) -
                                   static_cast<long long>(g.pad_left);
              if (iy < 0 || ix < 0 || iy >= static_cast<long long>(g.in_height) ||
                  ix >= static_cast<long long>(g.in_width)) {
                continue;  // padding tap: 0
              }
              out[col] = plane[static_cast<std::size_t>(iy) * g.in_width + static_cast<std::size_t>(ix)];
            }
          }
        }
      }
    }
  }
  return cols;
}

std::vector<float> gemm_rows_to_nchw(const std::vector<float>& y, const ConvGeometry& g) {
  const std::size_t pixels = g.out_height * g.out_width;
  std::vector<float> out(g.output_size());
  for (std::size_t n = 0; n < g.batch; ++n) {
    for (std::size_t p = 0; p < pixels; ++p) {
      const float* src = y.data() + (n * pixels + p) * g.out_channels;
      for (std::size_t co = 0; co < g.out_channels; ++co) {
        out[(n * g.out_channels + co) * pixels + p] = src[co];
      }
    }
  }
  return out;
}

std::vector<float> pad_nchw(const float* x, std::size_t n, std::size_t c, std::size_t h, std::size_t w,
                            std::size_t top, std::size_t left, std::size_t bottom, std::size_t right) {
  const std::size_t ph = h + top + bottom, pw = w + left + right;
  std::vector<float> out(n * c * ph * pw, 0.0f);
  for (std::size_t plane = 0; plane < n * c; ++plane) {
    for (std::size_t y = 0; y < h; ++y) {
      const float* src = x + (plane * h + y) * w;
      float* dst = out.data() + (plane * ph + y + top) * pw + left;
      for (std::size_t i = 0; i < w; ++i) dst[i] = src[i];
    }
  }
  return out;
}

}  // namespace tessera::units
