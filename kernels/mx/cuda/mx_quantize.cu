// CUDA twin of golden mx::quantize_rows: one thread per MX block. Every bit comes from golden's
// host/device definitions: the scale byte from golden's block_scale, each code from golden's quantize_element
// (integer encode_element; stochastic rounding keyed by the flat element index through Philox),
// so the thread that handles a block cannot change a bit.
// Layers (ggml style): device helper -> kernel -> launcher (checks cudaGetLastError) -> entry.
#include <cuda_runtime.h>

#include <cstdint>

#include "golden/mx/convert.h"
#include "kernels/common/cuda_check.cuh"
#include "kernels/mx/cuda/mx_quantize_cuda.h"

namespace tessera::kernels::cuda {
namespace {

constexpr int kThreads = 128;

// Quantizes elements [begin, begin + count) of the flat tensor: one MX block.
__device__ void quantize_one_block(const float* values, std::size_t begin, std::size_t count, mx::ElementFormat format,
                                   const mx::QuantizePolicy& policy, std::uint8_t* codes, std::uint8_t* scale_out) {
  const std::uint8_t scale = mx::block_scale(values + begin, count, format, policy);
  *scale_out = scale;
  if (scale == mx::kE8M0Nan) {
    const std::uint8_t nan_code = mx::nan_block_code(format, policy.nan_block_codes);
    for (std::size_t i = 0; i < count; ++i) codes[begin + i] = nan_code;
    return;
  }
  for (std::size_t i = 0; i < count; ++i) {
    codes[begin + i] = mx::quantize_element(values[begin + i], scale, format, policy, begin + i);
  }
}

__global__ void mx_quantize_kernel(const float* __restrict__ values, std::size_t rows, std::size_t columns,
                                   mx::ElementFormat format, std::size_t block_size, std::size_t blocks_per_row,
                                   mx::QuantizePolicy policy, std::uint8_t* __restrict__ codes,
                                   std::uint8_t* __restrict__ scales) {
  const std::size_t total = rows * blocks_per_row;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t b = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; b < total; b += stride) {
    const std::size_t row = b / blocks_per_row, block = b % blocks_per_row;
    const std::size_t first_column = block * block_size;
    const std::size_t count = columns - first_column < block_size ? columns - first_column : block_size;
    quantize_one_block(values, row * columns + first_column, count, format, policy, codes, scales + b);
  }
}

void launch_mx_quantize(const float* values, std::size_t rows, std::size_t columns, mx::ElementFormat format,
                        std::size_t block_size, const mx::QuantizePolicy& policy, std::uint8_t* codes,
                        std::uint8_t* scales, cudaStream_t stream) {
  const std::size_t blocks_per_row = (columns + block_size - 1) / block_size;
  const std::size_t total = rows * blocks_per_row;
  const std::size_t wanted = (total + kThreads - 1) / kThreads;
  const unsigned grid = static_cast<unsigned>(wanted < 65535 ? wanted : 65535);  // grid-stride beyond
  mx_quantize_kernel<<<grid, kThreads, 0, stream>>>(values, rows, columns, format, block_size, blocks_per_row,
                                                    policy, codes, scales);
  CUDA_CHECK(cudaGetLastError());
}

}  // namespace

void mx_quantize(const float* values, std::size_t rows, std::size_t columns, mx::ElementFormat format,
                 std::size_t block_size, const mx::QuantizePolicy& policy, std::uint8_t* codes,
                 std::uint8_t* scales) {
  const std::size_t elements = rows * columns;
  const std::size_t blocks = rows * ((columns + block_size - 1) / block_size);
  if (blocks == 0) return;
  DeviceBuffer<float> d_values(elements);
  DeviceBuffer<std::uint8_t> d_codes(elements), d_scales(blocks);
  CUDA_CHECK(cudaMemcpy(d_values.get(), values, d_values.bytes(), cudaMemcpyHostToDevice));
  launch_mx_quantize(d_values.get(), rows, columns, format, block_size, policy, d_codes.get(), d_scales.get(),
                     nullptr);
  CUDA_CHECK(cudaMemcpy(codes, d_codes.get(), d_codes.bytes(), cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaMemcpy(scales, d_scales.get(), d_scales.bytes(), cudaMemcpyDeviceToHost));
}

}  // namespace tessera::kernels::cuda
