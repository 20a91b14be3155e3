#include "golden/ref/pool.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "golden/common/error.h"
#include "golden/ref/conv2d.h"

namespace tessera::ref {
namespace {

enum class Reduction { max, average };

void require_nchw(const Tensor& input, const char* op) {
  if (input.rank() != 4) {
    throw InputError(std::string(op) + ": input must be NCHW (rank 4), got shape " +
                     shape_to_string(input.shape()));
  }
}

void require(bool ok, const char* op, const std::string& what) {
  if (!ok) throw ConfigError(std::string(op) + ": " + what);
}

Tensor pool2d(const Tensor& input, const Pool2dParams& p, Reduction reduction, const char* op) {
  require(p.kernel_h >= 1 && p.kernel_w >= 1, op,
          "kernel must be >= 1 on both axes, got " + std::to_string(p.kernel_h) + "x" +
              std::to_string(p.kernel_w));
  require(p.stride_h >= 1 && p.stride_w >= 1, op,
          "stride must be >= 1 on both axes, got " + std::to_string(p.stride_h) + "x" +
              std::to_string(p.stride_w));
  require(p.pad_top < p.kernel_h && p.pad_bottom < p.kernel_h, op,
          "pad_top/pad_bottom (" + std::to_string(p.pad_top) + ", " + std::to_string(p.pad_bottom) +
              ") must be smaller than kernel_h = " + std::to_string(p.kernel_h));
  require(p.pad_left < p.kernel_w && p.pad_right < p.kernel_w, op,
          "pad_left/pad_right (" + std::to_string(p.pad_left) + ", " + std::to_string(p.pad_right) +
              ") must be smaller than kernel_w = " + std::to_string(p.kernel_w));
  require_nchw(input, op);

  const std::size_t planes = input.dim(0) * input.dim(1);
  const std::size_t height = input.dim(2), width = input.dim(3);
  const std::size_t out_h =
      conv_output_extent(height, p.pad_top, p.pad_bottom, p.kernel_h, p.stride_h, 1, op, "height");
  const std::size_t out_w =
      conv_output_extent(width, p.pad_left, p.pad_right, p.kernel_w, p.stride_w, 1, op, "width");
  Tensor output({input.dim(0), input.dim(1), out_h, out_w});
  for (std::size_t plane = 0; plane < planes; ++plane) {
    const float* in = input.data() + plane * height * width;
    float* out = output.data() + plane * out_h * out_w;
    for (std::size_t oy = 0; oy < out_h; ++oy) {
      // The window clipped to the real input: [y0, y1) × [x0, x1).
      const std::size_t top = oy * p.stride_h;  // in padded coordinates
      const std::size_t y0 = top > p.pad_top ? top - p.pad_top : 0;
      const std::size_t y1 = std::min(height, top + p.kernel_h - p.pad_top);
      for (std::size_t ox = 0; ox < out_w; ++ox) {
        const std::size_t left = ox * p.stride_w;
        const std::size_t x0 = left > p.pad_left ? left - p.pad_left : 0;
        const std::size_t x1 = std::min(width, left + p.kernel_w - p.pad_left);
        if (reduction == Reduction::max) {
          float best = -std::numeric_limits<float>::infinity();
          for (std::size_t y = y0; y < y1; ++y) {
            for (std::size_t x = x0; x < x1; ++x) {
              const float v = in[y * width + x];
              if (v > best || std::isnan(v)) best = v;  // NaN propagates, as in PyTorch
            }
          }
          out[oy * out_w + ox] = best;
        } else {
          double sum = 0.0;
          for (std::size_t y = y0; y < y1; ++y)
            for (std::size_t x = x0; x < x1; ++x) sum += in[y * width + x];
          const std::size_t count =
              p.count_include_pad ? p.kernel_h * p.kernel_w : (y1 - y0) * (x1 - x0);
          out[oy * out_w + ox] = static_cast<float>(sum / static_cast<double>(count));
        }
      }
    }
  }
  return output;
}

}  // namespace

Tensor max_pool2d(const Tensor& input, const Pool2dParams& params) {
  return pool2d(input, params, Reduction::max, "max_pool2d");
}

Tensor avg_pool2d(const Tensor& input, const Pool2dParams& params) {
  return pool2d(input, params, Reduction::average, "avg_pool2d");
}

Tensor global_avg_pool(const Tensor& input) {
  require_nchw(input, "global_avg_pool");
  const std::size_t planes = input.dim(0) * input.dim(1);
  const std::size_t area = input.dim(2) * input.dim(3);
  if (area == 0) {
    throw InputError("global_avg_pool: input spatial extent must be non-empty, got shape " +
                     shape_to_string(input.shape()));
  }
  Tensor output({input.dim(0), input.dim(1), 1, 1});
  for (std::size_t plane = 0; plane < planes; ++plane) {
    double sum = 0.0;
    for (std::size_t i = 0; i < area; ++i) sum += input.data()[plane * area + i];
    output.data()[plane] = static_cast<float>(sum / static_cast<double>(area));
  }
  return output;
}

}  // namespace tessera::ref
