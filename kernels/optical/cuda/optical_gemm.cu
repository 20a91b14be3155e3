// CUDA twin of golden optical::optical_gemm (golden/optical/matmul.h).
//   1. DAC / modulator codes, one thread per element: golden's code_deterministic, and for
//      weights the role (pass and code sum) from kernels/optical/optical_elementwise.h.
//   2. Per output (i, j), one thread: golden's integer code sums (uint64: exact in any order
//      while K * (L_a - 1) * (L_w - 1) < 2^63, golden's own limit), then optical::combine_code_sums,
//      optical::adc_convert (noise and ADC rounding from Philox keyed by the element index i*N + j)
//      and the float32 bias add: golden's per-element steps, one definition on host and device.
// Layers (ggml style): kernels -> launchers (check cudaGetLastError) -> the one entry point.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "golden/optical/quantizer.h"
#include "kernels/common/cuda_check.cuh"
#include "kernels/optical/cuda/optical_gemm_cuda.h"
#include "kernels/optical/optical_elementwise.h"

namespace tessera::kernels::cuda {
namespace {

constexpr int kTile = kOpticalTile;  // 16 x 16 outputs per thread block, K staged 16 at a time
constexpr int kElementThreads = 256;

__global__ void activation_codes_kernel(const float* __restrict__ x, std::size_t count,
                                        optical::QuantizerParams input, std::uint32_t* __restrict__ codes) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    codes[i] = optical::code_deterministic(x[i], input);
  }
}

__global__ void weight_codes_kernel(const float* __restrict__ w, std::size_t count, optical::QuantizerParams weight,
                                    bool split_signs, std::uint32_t* __restrict__ codes,
                                    std::uint8_t* __restrict__ roles) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    const std::uint32_t q = optical::code_deterministic(w[i], weight);
    codes[i] = q;
    roles[i] = weight_role(q, weight, split_signs);
  }
}

__global__ void optical_gemm_kernel(const std::uint32_t* __restrict__ qa, const std::uint32_t* __restrict__ qw,
                                    const std::uint8_t* __restrict__ roles, const float* __restrict__ bias, int m,
                                    int n, int k, optical::OpticalGemmSpec spec, optical::CallKey key,
                                    float* __restrict__ out) {
  __shared__ std::uint32_t a_tile[kTile][kTile + 1];
  __shared__ std::uint32_t w_tile[kTile][kTile + 1];
  __shared__ std::uint8_t role_tile[kTile][kTile + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int row = blockIdx.x * kTile + ty, col = blockIdx.y * kTile + tx;  // rows on x: limit 2^31 - 1
  optical::CodeSums sums[2] = {};
  for (int k0 = 0; k0 < k; k0 += kTile) {
    const int ar = blockIdx.x * kTile + ty, wr = blockIdx.y * kTile + ty, kk = k0 + tx;
    const bool a_in = ar < m && kk < k, w_in = wr < n && kk < k;
    a_tile[ty][tx] = a_in ? qa[static_cast<size_t>(ar) * k + kk] : 0u;
    w_tile[ty][tx] = w_in ? qw[static_cast<size_t>(wr) * k + kk] : 0u;
    role_tile[ty][tx] = w_in ? roles[static_cast<size_t>(wr) * k + kk] : static_cast<std::uint8_t>(kNoPass);
    __syncthreads();
    const int depth = min(kTile, k - k0);
    for (int t = 0; t < depth; ++t) {
      const std::uint8_t role = role_tile[tx][t];
      if (role == kNoPass) continue;
      add_code_pair(sums[weight_pass(role)], role, a_tile[ty][t], w_tile[tx][t]);
    }
    __syncthreads();
  }
  if (row >= m || col >= n) return;
  const std::uint64_t index = static_cast<std::uint64_t>(row) * static_cast<std::uint64_t>(n) + col;
  float result;
  if (spec.split_signs) {
    const double positive_analog = optical::combine_code_sums(sums[0], spec.input, spec.weight);
    const double negative_analog = -optical::combine_code_sums(sums[1], spec.input, spec.weight);
    const float positive = optical::adc_convert(positive_analog, index, spec.output, key, 0);
    const float negative = optical::adc_convert(negative_analog, index, spec.negative_output, key, 1);
    result = positive - negative;
  } else {
    result = optical::adc_convert(optical::combine_code_sums(sums[0], spec.input, spec.weight), index, spec.output, key, 0);
  }
  out[index] = bias == nullptr ? result : result + bias[col];
}

unsigned element_grid(std::size_t count) {
  const std::size_t wanted = (count + kElementThreads - 1) / kElementThreads;
  return static_cast<unsigned>(wanted < 65535 ? (wanted == 0 ? 1 : wanted) : 65535);  // grid-stride beyond
}

void launch_operand_codes(const float* x, std::size_t x_count, const float* w, std::size_t w_count,
                          const optical::OpticalGemmSpec& spec, std::uint32_t* qa, std::uint32_t* qw,
                          std::uint8_t* roles, cudaStream_t stream) {
  activation_codes_kernel<<<element_grid(x_count), kElementThreads, 0, stream>>>(x, x_count, spec.input, qa);
  CUDA_CHECK(cudaGetLastError());
  weight_codes_kernel<<<element_grid(w_count), kElementThreads, 0, stream>>>(w, w_count, spec.weight,
                                                                              spec.split_signs, qw, roles);
  CUDA_CHECK(cudaGetLastError());
}

void launch_optical_gemm(const std::uint32_t* qa, const std::uint32_t* qw, const std::uint8_t* roles,
                         const float* bias, int m, int n, int k, const optical::OpticalGemmSpec& spec,
                         const optical::CallKey& key, float* out, cudaStream_t stream) {
  const dim3 block(kTile, kTile);
  const dim3 grid((m + kTile - 1) / kTile, (n + kTile - 1) / kTile);
  optical_gemm_kernel<<<grid, block, 0, stream>>>(qa, qw, roles, bias, m, n, k, spec, key, out);
  CUDA_CHECK(cudaGetLastError());
}

// golden's NaN check, with golden's own message (quantize_operand throws it).
void reject_nan(const optical::Matrix& mat, const optical::QuantizerParams& params, const char* what) {
  for (float v : mat.data) {
    if (std::isnan(v)) (void)optical::quantize_operand(mat, params, what);
  }
}

}  // namespace

optical::Matrix optical_gemm(const optical::Matrix& x, const optical::Matrix& w, const std::vector<float>& bias,
                             const optical::OpticalGemmSpec& spec, const optical::CallKey& key) {
  reject_nan(x, spec.input, "optical gemm activations");
  reject_nan(w, spec.weight, "optical gemm weights");
  const std::size_t m = x.rows, n = w.rows, k = x.cols;
  optical::Matrix out{m, n, std::vector<float>(m * n)};
  if (m == 0 || n == 0) return out;
  DeviceBuffer<float> d_x(m * k), d_w(n * k), d_bias(bias.size()), d_out(m * n);
  DeviceBuffer<std::uint32_t> d_qa(m * k), d_qw(n * k);
  DeviceBuffer<std::uint8_t> d_roles(n * k);
  if (k != 0) {
    CUDA_CHECK(cudaMemcpy(d_x.get(), x.data.data(), d_x.bytes(), cudaMemcpyHostToDevice));
    CUDA_CHECK(cudaMemcpy(d_w.get(), w.data.data(), d_w.bytes(), cudaMemcpyHostToDevice));
    launch_operand_codes(d_x.get(), m * k, d_w.get(), n * k, spec, d_qa.get(), d_qw.get(), d_roles.get(), nullptr);
  }
  if (!bias.empty()) CUDA_CHECK(cudaMemcpy(d_bias.get(), bias.data(), d_bias.bytes(), cudaMemcpyHostToDevice));
  launch_optical_gemm(d_qa.get(), d_qw.get(), d_roles.get(), bias.empty() ? nullptr : d_bias.get(),
                      static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), spec, key, d_out.get(), nullptr);
  CUDA_CHECK(cudaMemcpy(out.data.data(), d_out.get(), d_out.bytes(), cudaMemcpyDeviceToHost));
  return out;
}

}  // namespace tessera::kernels::cuda
