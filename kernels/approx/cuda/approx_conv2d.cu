// CUDA twin of golden approx_conv2d: per group, im2col on the device (row (b, y, x), column
// (ci, ky, kx); taps outside the input feed activation code 0 through the table, as golden),
// the plan's GEMM kernel on device pointers (approx_gemm_device.h: integer sums, exact in any
// order), and a scatter into [N, Cout, Ho, Wo]. The same index arithmetic as the CPU twin.
// Layers (ggml style): kernels -> launchers (check cudaGetLastError) -> the one entry point.
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/approx/cuda/approx_gemm_cuda.h"
#include "kernels/approx/cuda/approx_gemm_device.h"
#include "kernels/common/cuda_check.cuh"

namespace tessera::kernels::cuda {
namespace {

constexpr int kThreads = 256;

// The conv geometry as plain integers (Conv2dShape is a host type with member functions).
struct ConvGeometry {
  long long batch, in_channels, in_height, in_width, out_channels;
  long long kernel_height, kernel_width, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
  long long out_height, out_width, in_per_group, out_per_group, depth;
};

ConvGeometry geometry_of(const approx::Conv2dShape& s) {
  const auto i = [](std::size_t v) { return static_cast<long long>(v); };
  return {i(s.batch),         i(s.in_channels),  i(s.in_height),  i(s.in_width),   i(s.out_channels),
          i(s.kernel_height), i(s.kernel_width), i(s.stride_h),   i(s.stride_w),   i(s.pad_h),
          i(s.pad_w),         i(s.dilation_h),   i(s.dilation_w), i(s.out_height()), i(s.out_width()),
          i(s.in_channels / s.groups), i(s.out_channels / s.groups), i(s.depth())};
}

unsigned grid_for(long long work) {
  const long long wanted = (work + kThreads - 1) / kThreads;
  return static_cast<unsigned>(wanted < 65535 ? (wanted < 1 ? 1 : wanted) : 65535);  // grid-stride beyond
}

// cols[r][c], r = (b, y, x), c = (ci, ky, kx) of group g.
__global__ void im2col_kernel(const std::int8_t* __restrict__ input, ConvGeometry s, long long group,
                              std::int8_t* __restrict__ cols) {
  const long long pixels = s.out_height * s.out_width;
  const long long total = s.batch * pixels * s.depth;
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += stride) {
    const long long r = i / s.depth, c = i % s.depth;
    const long long b = r / pixels, y = (r % pixels) / s.out_width, x = r % s.out_width;
    const long long taps = s.kernel_height * s.kernel_width;
    const long long ci = c / taps, ky = (c % taps) / s.kernel_width, kx = c % s.kernel_width;
    const long long iy = y * s.stride_h + ky * s.dilation_h - s.pad_h;
    const long long ix = x * s.stride_w + kx * s.dilation_w - s.pad_w;
    const bool inside = iy >= 0 && ix >= 0 && iy < s.in_height && ix < s.in_width;
    const long long plane = (b * s.in_channels + group * s.in_per_group + ci) * s.in_height * s.in_width;
    cols[i] = inside ? input[plane + iy * s.in_width + ix] : std::int8_t{0};
  }
}

// out[b][g * cout_g + co][p] = gemm[r][co], r = (b, p).
__global__ void scatter_kernel(const std::int32_t* __restrict__ gemm, ConvGeometry s, long long group,
                               std::int32_t* __restrict__ out) {
  const long long pixels = s.out_height * s.out_width;
  const long long total = s.batch * pixels * s.out_per_group;
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += stride) {
    const long long r = i / s.out_per_group, co = i % s.out_per_group;
    const long long b = r / pixels, p = r % pixels;
    out[(b * s.out_channels + group * s.out_per_group + co) * pixels + p] = gemm[i];
  }
}

void launch_im2col(const std::int8_t* input, const ConvGeometry& s, long long group, std::int8_t* cols) {
  im2col_kernel<<<grid_for(s.batch * s.out_height * s.out_width * s.depth), kThreads>>>(input, s, group, cols);
  CUDA_CHECK(cudaGetLastError());
}

void launch_scatter(const std::int32_t* gemm, const ConvGeometry& s, long long group, std::int32_t* out) {
  scatter_kernel<<<grid_for(s.batch * s.out_height * s.out_width * s.out_per_group), kThreads>>>(gemm, s, group, out);
  CUDA_CHECK(cudaGetLastError());
}

}  // namespace

void approx_conv2d(const ApproxPlan& plan, const std::int8_t* input, const std::int8_t* weight,
                   const approx::Conv2dShape& shape, std::int32_t* out) {
  const ConvGeometry s = geometry_of(shape);
  const std::size_t rows = shape.batch * shape.out_height() * shape.out_width();
  const std::size_t cout_g = shape.out_channels / shape.groups, k = shape.depth();
  if (shape.output_size() == 0) return;
  DeviceBuffer<std::int16_t> d_table(approx::kTableEntries);
  DeviceBuffer<std::int8_t> d_input(shape.input_size()), d_weight(shape.weight_size()), d_cols(rows * k);
  DeviceBuffer<std::int32_t> d_gemm(rows * cout_g), d_out(shape.output_size());
  CUDA_CHECK(cudaMemcpy(d_table.get(), plan.table().data(), d_table.bytes(), cudaMemcpyHostToDevice));
  if (d_input.bytes() != 0) CUDA_CHECK(cudaMemcpy(d_input.get(), input, d_input.bytes(), cudaMemcpyHostToDevice));
  if (d_weight.bytes() != 0) CUDA_CHECK(cudaMemcpy(d_weight.get(), weight, d_weight.bytes(), cudaMemcpyHostToDevice));
  for (std::size_t g = 0; g < shape.groups; ++g) {
    if (k != 0) launch_im2col(d_input.get(), s, static_cast<long long>(g), d_cols.get());
    approx_gemm_on_device(plan, d_table.get(), d_cols.get(), d_weight.get() + g * cout_g * k, rows, cout_g, k,
                          d_gemm.get());
    launch_scatter(d_gemm.get(), s, static_cast<long long>(g), d_out.get());
  }
  CUDA_CHECK(cudaMemcpy(out, d_out.get(), d_out.bytes(), cudaMemcpyDeviceToHost));
}

}  // namespace tessera::kernels::cuda
