#include "golden/approx/conv.h"

#include <string>

#include "golden/approx/gemm.h"
#include "golden/common/error.h"

namespace tessera::approx {
namespace {

std::size_t output_extent(std::size_t in, std::size_t pad, std::size_t dilation, std::size_t kernel, std::size_t stride) {
  const std::size_t padded = in + 2 * pad;
  const std::size_t span = dilation * (kernel - 1) + 1;
  return padded < span ? 0 : (padded - span) / stride + 1;
}

template <typename Acc>
std::vector<Acc> conv(const MultiplierTable& table, const std::int8_t* input, const std::int8_t* weight,
                      const Conv2dShape& s) {
  s.validate();
  const std::size_t ho = s.out_height(), wo = s.out_width();
  const std::size_t cin_g = s.in_channels / s.groups, cout_g = s.out_channels / s.groups;
  const std::int16_t* lut = table.data();
  std::vector<Acc> out(s.output_size(), 0);
  std::vector<std::int8_t> column(s.depth());  // one im2col column
  for (std::size_t n = 0; n < s.batch; ++n) {
    for (std::size_t g = 0; g < s.groups; ++g) {
      for (std::size_t y = 0; y < ho; ++y) {
        for (std::size_t x = 0; x < wo; ++x) {
          std::size_t k = 0;
          for (std::size_t ci = 0; ci < cin_g; ++ci) {
            for (std::size_t ky = 0; ky < s.kernel_height; ++ky) {
              for (std::size_t kx = 0; kx < s.kernel_width; ++kx, ++k) {
                const auto iy = static_cast<long long>(y * s.stride_h + ky * s.dilation_h) - static_cast<long long>(s.pad_h);
                const auto ix = static_cast<long long>(x * s.stride_w + kx * s.dilation_w) - static_cast<long long>(s.pad_w);
                const bool inside = iy >= 0 && ix >= 0 && iy < static_cast<long long>(s.in_height) &&
                                    ix < static_cast<long long>(s.in_width);
                column[k] = inside ? input[((n * s.in_channels + g * cin_g + ci) * s.in_height + static_cast<std::size_t>(iy)) *
                                               s.in_width + static_cast<std::size_t>(ix)]
                                   : std::int8_t{0};
              }
            }
          }
          for (std::size_t co = g * cout_g; co < (g + 1) * cout_g; ++co) {
            const std::int8_t* w = weight + co * s.depth();
            Acc sum = 0;
            for (std::size_t i = 0; i < k; ++i) sum += lut[table_index(column[i], w[i])];
            out[((n * s.out_channels + co) * ho + y) * wo + x] = sum;
          }
        }
      }
    }
  }
  return out;
}

}  // namespace

void Conv2dShape::validate() const {
  auto positive = [](std::size_t v, const char* field) {
    if (v == 0) throw ConfigError(std::string("conv2d shape field '") + field + "': expected > 0, got 0");
  };
  positive(batch, "batch");
  positive(in_channels, "in_channels");
  positive(in_height, "in_height");
  positive(in_width, "in_width");
  positive(out_channels, "out_channels");
  positive(kernel_height, "kernel_height");
  positive(kernel_width, "kernel_width");
  positive(stride_h, "stride_h");
  positive(stride_w, "stride_w");
  positive(dilation_h, "dilation_h");
  positive(dilation_w, "dilation_w");
  positive(groups, "groups");
  if (in_channels % groups != 0 || out_channels % groups != 0) {
    throw ConfigError("conv2d shape: in_channels (" + std::to_string(in_channels) + ") and out_channels (" +
                      std::to_string(out_channels) + ") must both be divisible by groups (" + std::to_string(groups) + ")");
  }
  if (out_height() == 0 || out_width() == 0) {
    throw ConfigError("conv2d shape: the dilated kernel is larger than the padded input; expected an output of at least 1x1");
  }
}

std::size_t Conv2dShape::out_height() const { return output_extent(in_height, pad_h, dilation_h, kernel_height, stride_h); }
std::size_t Conv2dShape::out_width() const { return output_extent(in_width, pad_w, dilation_w, kernel_width, stride_w); }

std::vector<std::int32_t> approx_conv2d(const MultiplierTable& table, const std::int8_t* input,
                                        const std::int8_t* weight, const Conv2dShape& shape) {
  shape.validate();
  if (shape.depth() > kMaxInt32Depth) {
    throw ConfigError("approx_conv2d: reduction depth K = " + std::to_string(shape.depth()) +
                      " could overflow an int32 accumulator; expected K <= 65535, use approx_conv2d_i64");
  }
  return conv<std::int32_t>(table, input, weight, shape);
}

std::vector<std::int64_t> approx_conv2d_i64(const MultiplierTable& table, const std::int8_t* input,
                                            const std::int8_t* weight, const Conv2dShape& shape) {
  return conv<std::int64_t>(table, input, weight, shape);
}

}  // namespace tessera::approx
