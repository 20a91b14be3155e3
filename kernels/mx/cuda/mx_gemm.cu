// CUDA twin of the MX GEMM fast-path core (kernels/mx/mx_ops.h): per output, in block order,
// S_j = sum of integer unit products (int32, exact: |S_j| < 2^24 is guaranteed by the caller),
// t_j = float(S_j * 2^(x_a + lsb_a) * 2^(x_b + lsb_b)) (exact doubles, exact float in the window
// the caller checks), acc = acc + t_j with one IEEE addition (__fadd_rn: never contracted).
// Layers (ggml style): kernel -> launcher (checks cudaGetLastError) -> entry point.
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/common/cuda_check.cuh"
#include "kernels/mx/cuda/mx_gemm_cuda.h"

namespace tessera::kernels::cuda {
namespace {

constexpr int kTile = 16;  // 16 x 16 outputs per thread block, K staged 16 at a time

__global__ void mx_gemm_core_kernel(const std::int32_t* __restrict__ ua, const std::int32_t* __restrict__ ub,
                                    const double* __restrict__ pa, const double* __restrict__ pb, int m, int n,
                                    int k, int bs, int blocks, float* __restrict__ out) {
  __shared__ std::int32_t as[kTile][kTile + 1];
  __shared__ std::int32_t bsm[kTile][kTile + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int row = blockIdx.y * kTile + ty, col = blockIdx.x * kTile + tx;
  float acc = -0.0f;
  int s = 0;
  int block = 0;
  for (int k0 = 0; k0 < k; k0 += kTile) {
    const int ar = blockIdx.y * kTile + ty, br = blockIdx.x * kTile + ty;
    as[ty][tx] = (ar < m && k0 + tx < k) ? ua[static_cast<size_t>(ar) * k + k0 + tx] : 0;
    bsm[ty][tx] = (br < n && k0 + tx < k) ? ub[static_cast<size_t>(br) * k + k0 + tx] : 0;
    __syncthreads();
    const int depth = min(kTile, k - k0);
    for (int i = 0; i < depth; ++i) {
      s += as[ty][i] * bsm[tx][i];
      const int kk = k0 + i;
      if ((kk + 1) % bs == 0 || kk + 1 == k) {  // block boundary: the same k for every thread
        if (row < m && col < n && s != 0) {
          const double v = __dmul_rn(__dmul_rn(static_cast<double>(s), pa[static_cast<size_t>(row) * blocks + block]),
                                     pb[static_cast<size_t>(col) * blocks + block]);
          acc = __fadd_rn(acc, __double2float_rn(v));
        } else if (row < m && col < n) {
          acc = __fadd_rn(acc, 0.0f);
        }
        s = 0;
        ++block;
      }
    }
    __syncthreads();
  }
  if (row < m && col < n) out[static_cast<size_t>(row) * n + col] = acc;
}

void launch_mx_gemm_core(const std::int32_t* ua, const std::int32_t* ub, const double* pa, const double* pb, int m,
                         int n, int k, int bs, float* out, cudaStream_t stream) {
  const dim3 block(kTile, kTile);
  const dim3 grid((n + kTile - 1) / kTile, (m + kTile - 1) / kTile);
  const int blocks = (k + bs - 1) / bs;
  mx_gemm_core_kernel<<<grid, block, 0, stream>>>(ua, ub, pa, pb, m, n, k, bs, blocks, out);
  CUDA_CHECK(cudaGetLastError());
}

}  // namespace

void mx_gemm_core(const std::int32_t* units_a, const std::int32_t* units_b, const double* pow_a,
                  const double* pow_b, std::size_t m, std::size_t n, std::size_t k, std::size_t block_size,
                  float* out) {
  const std::size_t blocks = (k + block_size - 1) / block_size;
  DeviceBuffer<std::int32_t> d_ua(m * k), d_ub(n * k);
  DeviceBuffer<double> d_pa(m * blocks), d_pb(n * blocks);
  DeviceBuffer<float> d_out(m * n);
  if (m * k != 0) CUDA_CHECK(cudaMemcpy(d_ua.get(), units_a, d_ua.bytes(), cudaMemcpyHostToDevice));
  if (n * k != 0) CUDA_CHECK(cudaMemcpy(d_ub.get(), units_b, d_ub.bytes(), cudaMemcpyHostToDevice));
  if (m * blocks != 0) CUDA_CHECK(cudaMemcpy(d_pa.get(), pow_a, d_pa.bytes(), cudaMemcpyHostToDevice));
  if (n * blocks != 0) CUDA_CHECK(cudaMemcpy(d_pb.get(), pow_b, d_pb.bytes(), cudaMemcpyHostToDevice));
  launch_mx_gemm_core(d_ua.get(), d_ub.get(), d_pa.get(), d_pb.get(), static_cast<int>(m), static_cast<int>(n),
                      static_cast<int>(k), static_cast<int>(block_size), d_out.get(), nullptr);
  CUDA_CHECK(cudaMemcpy(out, d_out.get(), d_out.bytes(), cudaMemcpyDeviceToHost));
}

}  // namespace tessera::kernels::cuda
