// CUDA twin of the approximate GEMM: out[m][n] = sum_k table(A[m][k], W[n][k]), and the host
// entry point that picks this table kernel or the tensor-core one (approx_gemm_imma.cu).
// Layers (ggml style): device lookup -> kernel -> launcher (checks cudaGetLastError) -> entry.
// The 65,536-entry int16 table (128 KiB) lives in dynamic shared memory next to the operand
// tiles; products accumulate in int32, so the result is golden's bits in any order.
#include <cuda_runtime.h>

#include <cstdint>
#include <string>

#include "kernels/approx/cuda/approx_gemm_cuda.h"
#include "kernels/approx/cuda/approx_gemm_device.h"
#include "kernels/common/cuda_check.cuh"

namespace tessera::kernels::cuda {
namespace {

constexpr int kTileM = kTableKernelTile;  // output rows per thread block
constexpr int kTileN = kTableKernelTile;  // output columns per thread block
constexpr int kTileK = 32;        // reduction slice staged in shared memory
constexpr int kThreads = 256;     // 16 x 16 threads, each 4 x 4 outputs
constexpr int kTableBytes = 65536 * 2;
constexpr int kSharedBytes = kTableBytes + 2 * kTileM * kTileK;

__device__ __forceinline__ int lookup(const std::int16_t* table, std::uint8_t a, std::uint8_t b) {
  return table[(static_cast<unsigned>(a) << 8) | b];
}

__global__ void approx_gemm_kernel(const std::int16_t* __restrict__ table_g, const std::int8_t* __restrict__ a,
                                   const std::int8_t* __restrict__ w, int m, int n, int k,
                                   std::int32_t* __restrict__ out) {
  extern __shared__ __align__(16) unsigned char shared[];
  std::int16_t* table = reinterpret_cast<std::int16_t*>(shared);
  std::uint8_t* as = shared + kTableBytes;       // [kTileM][kTileK]
  std::uint8_t* ws = as + kTileM * kTileK;       // [kTileN][kTileK]
  {
    const uint4* src = reinterpret_cast<const uint4*>(table_g);
    uint4* dst = reinterpret_cast<uint4*>(table);
    for (int i = threadIdx.x; i < kTableBytes / 16; i += kThreads) dst[i] = src[i];
  }
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  const int row0 = blockIdx.x * kTileM, col0 = blockIdx.y * kTileN;  // rows on x: its limit is 2^31 - 1
  int acc[4][4] = {};
  for (int k0 = 0; k0 < k; k0 += kTileK) {
    __syncthreads();
    for (int i = threadIdx.x; i < kTileM * kTileK; i += kThreads) {
      const int r = i / kTileK, c = i % kTileK;
      const int gr = row0 + r, gn = col0 + r, gk = k0 + c;
      // Rows beyond M/N or columns beyond K never reach an output: any code will do.
      as[i] = (gr < m && gk < k) ? static_cast<std::uint8_t>(a[static_cast<size_t>(gr) * k + gk]) : 0;
      ws[i] = (gn < n && gk < k) ? static_cast<std::uint8_t>(w[static_cast<size_t>(gn) * k + gk]) : 0;
    }
    __syncthreads();
    const int depth = min(kTileK, k - k0);
    for (int kk = 0; kk < depth; ++kk) {
      std::uint8_t av[4], wv[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        av[i] = as[(ty * 4 + i) * kTileK + kk];
        wv[i] = ws[(tx * 4 + i) * kTileK + kk];
      }
#pragma unroll
      for (int i = 0; i < 4; ++i) {
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] += lookup(table, av[i], wv[j]);
      }
    }
  }
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int r = row0 + ty * 4 + i;
    if (r >= m) continue;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int c = col0 + tx * 4 + j;
      if (c < n) out[static_cast<size_t>(r) * n + c] = acc[i][j];
    }
  }
}

void launch_approx_gemm(const std::int16_t* table, const std::int8_t* a, const std::int8_t* w, int m, int n, int k,
                        std::int32_t* out, cudaStream_t stream) {
  // 132 KiB of dynamic shared memory is beyond the 48 KiB default: opt in, and ask for the largest
  // shared-memory carve-out of the unified L1/shared storage (Hopper: up to 228 KiB per SM).
  CUDA_CHECK(cudaFuncSetAttribute(approx_gemm_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSharedBytes));
  CUDA_CHECK(cudaFuncSetAttribute(approx_gemm_kernel, cudaFuncAttributePreferredSharedMemoryCarveout,
                                  cudaSharedmemCarveoutMaxShared));
  const dim3 grid((m + kTileM - 1) / kTileM, (n + kTileN - 1) / kTileN);
  approx_gemm_kernel<<<grid, kThreads, kSharedBytes, stream>>>(table, a, w, m, n, k, out);
  CUDA_CHECK(cudaGetLastError());
}

}  // namespace

SupportReport approx_gemm_device_supports() {
  int device = 0;
  int optin = 0;
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device) != cudaSuccess) {
    (void)cudaGetLastError();
    return SupportReport::no("cannot query the device's shared memory");
  }
  if (optin < kSharedBytes) {
    return SupportReport::no("device allows " + std::to_string(optin) + " bytes of shared memory per block; the " +
                             "table kernel needs " + std::to_string(kSharedBytes));
  }
  return SupportReport::yes();
}

void approx_gemm_table_on_device(const std::int16_t* d_table, const std::int8_t* d_a, const std::int8_t* d_w,
                                 std::size_t m, std::size_t n, std::size_t k, std::int32_t* d_out) {
  launch_approx_gemm(d_table, d_a, d_w, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), d_out, nullptr);
}

bool approx_gemm_uses_tensor_cores(const ApproxPlan& plan, std::size_t m, std::size_t n, std::size_t k) {
  return plan.path() != ApproxPath::gather && approx_gemm_imma_fits(m, n, k, plan.groups().size());
}

void approx_gemm_on_device(const ApproxPlan& plan, const std::int16_t* d_table, const std::int8_t* d_a,
                           const std::int8_t* d_w, std::size_t m, std::size_t n, std::size_t k, std::int32_t* d_out) {
  if (approx_gemm_uses_tensor_cores(plan, m, n, k)) {
    approx_gemm_imma_on_device(plan.groups(), d_a, d_w, m, n, k, d_out);
  } else {
    approx_gemm_table_on_device(d_table, d_a, d_w, m, n, k, d_out);
  }
}

void approx_gemm(const ApproxPlan& plan, const std::int8_t* activations, const std::int8_t* weights, std::size_t m,
                 std::size_t n, std::size_t k, std::int32_t* out) {
  DeviceBuffer<std::int16_t> d_table(approx::kTableEntries);
  DeviceBuffer<std::int8_t> d_a(m * k), d_w(n * k);
  DeviceBuffer<std::int32_t> d_out(m * n);
  CUDA_CHECK(cudaMemcpy(d_table.get(), plan.table().data(), d_table.bytes(), cudaMemcpyHostToDevice));
  if (m * k != 0) CUDA_CHECK(cudaMemcpy(d_a.get(), activations, d_a.bytes(), cudaMemcpyHostToDevice));
  if (n * k != 0) CUDA_CHECK(cudaMemcpy(d_w.get(), weights, d_w.bytes(), cudaMemcpyHostToDevice));
  approx_gemm_on_device(plan, d_table.get(), d_a.get(), d_w.get(), m, n, k, d_out.get());
  CUDA_CHECK(cudaMemcpy(out, d_out.get(), d_out.bytes(), cudaMemcpyDeviceToHost));
}

}  // namespace tessera::kernels::cuda
