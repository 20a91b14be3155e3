// The kernels benchmark's device-side yardsticks and timing (gpu_timing.h).
#include "kernels/bench/gpu_timing.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "golden/approx/table.h"
#include "golden/common/error.h"
#include "kernels/approx/cuda/approx_gemm_device.h"
#include "kernels/common/cuda_check.cuh"

namespace tessera::kernels::bench::gpu {
namespace {

constexpr int kTableEntries = static_cast<int>(approx::kTableEntries);  // 128 KiB of int16
constexpr int kLookupThreads = 256;
constexpr int kLookupsPerThread = 4096;

void check_cublas(cublasStatus_t status, const char* call) {
  if (status != CUBLAS_STATUS_SUCCESS) throw Error(std::string("cuBLAS error ") + std::to_string(status) + " in " + call);
}

// Owns a cuBLAS handle for one measurement.
class CublasHandle {
 public:
  CublasHandle() { check_cublas(cublasCreate(&handle_), "cublasCreate"); }
  ~CublasHandle() { cublasDestroy(handle_); }
  CublasHandle(const CublasHandle&) = delete;
  CublasHandle& operator=(const CublasHandle&) = delete;
  cublasHandle_t get() const { return handle_; }

 private:
  cublasHandle_t handle_ = nullptr;
};

// Seconds per call of `call()` on the default stream: one warm-up, then `calls` between events.
template <typename Call>
double time_calls(int calls, Call call) {
  call();
  cudaEvent_t start, stop;
  CUDA_CHECK(cudaEventCreate(&start));
  CUDA_CHECK(cudaEventCreate(&stop));
  CUDA_CHECK(cudaEventRecord(start));
  for (int i = 0; i < calls; ++i) call();
  CUDA_CHECK(cudaEventRecord(stop));
  CUDA_CHECK(cudaEventSynchronize(stop));
  float ms = 0.0f;
  CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
  CUDA_CHECK(cudaEventDestroy(start));
  CUDA_CHECK(cudaEventDestroy(stop));
  return static_cast<double>(ms) * 1e-3 / static_cast<double>(calls);
}

template <typename T>
void upload_random(DeviceBuffer<T>& buffer, std::size_t count, std::uint32_t seed) {
  std::vector<T> host(count);
  std::mt19937 gen(seed);
  for (auto& x : host) x = static_cast<T>(static_cast<int>(gen() % 255u) - 127);
  if (count != 0) CUDA_CHECK(cudaMemcpy(buffer.get(), host.data(), buffer.bytes(), cudaMemcpyHostToDevice));
}

// Every block copies the table into shared memory, then each thread makes kLookupsPerThread
// lookups at xorshift indices (registers only, so the lookups are all the memory traffic).
__global__ void shared_lookup_kernel(const std::int16_t* table, std::int64_t* sink) {
  extern __shared__ std::int16_t shared_table[];
  for (int i = threadIdx.x; i < kTableEntries; i += blockDim.x) shared_table[i] = table[i];
  __syncthreads();
  std::uint32_t state = 0x9E3779B9u * (blockIdx.x * blockDim.x + threadIdx.x + 1u);
  std::int32_t total = 0;
  for (int i = 0; i < kLookupsPerThread; ++i) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    total += shared_table[state & 0xFFFFu];
  }
  if (total == 0x7FFFFFFF) sink[0] = total;  // never true in practice; keeps the loads alive
}

}  // namespace

double cublas_fp32_gemm_seconds(std::size_t m, std::size_t n, std::size_t k, int calls) {
  DeviceBuffer<float> a(m * k), w(n * k), c(m * n);
  upload_random(a, m * k, 1);
  upload_random(w, n * k, 2);
  const CublasHandle handle;
  const float alpha = 1.0f, beta = 0.0f;
  // Row-major C (M x N) = A W^T is column-major C' (N x M) = W'^T A' with W' = K x N, A' = K x M.
  return time_calls(calls, [&] {
    check_cublas(cublasSgemm(handle.get(), CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(n), static_cast<int>(m),
                             static_cast<int>(k), &alpha, w.get(), static_cast<int>(k), a.get(), static_cast<int>(k),
                             &beta, c.get(), static_cast<int>(n)),
                 "cublasSgemm");
  });
}

double shared_lookup_seconds(std::size_t lookups_per_call, int calls) {
  constexpr int kSharedBytes = kTableEntries * static_cast<int>(sizeof(std::int16_t));
  DeviceBuffer<std::int16_t> table(kTableEntries);
  DeviceBuffer<std::int64_t> sink(1);
  upload_random(table, kTableEntries, 3);
  CUDA_CHECK(cudaFuncSetAttribute(shared_lookup_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSharedBytes));
  const std::size_t per_block = static_cast<std::size_t>(kLookupThreads) * kLookupsPerThread;
  const unsigned blocks = static_cast<unsigned>((lookups_per_call + per_block - 1) / per_block);
  const double seconds = time_calls(calls, [&] {
    shared_lookup_kernel<<<blocks, kLookupThreads, kSharedBytes>>>(table.get(), sink.get());
    CUDA_CHECK(cudaGetLastError());
  });
  // Per the lookups actually made (whole blocks).
  return seconds * static_cast<double>(lookups_per_call) / static_cast<double>(blocks * per_block);
}

double approx_gemm_seconds(const ApproxPlan& plan, std::size_t m, std::size_t n, std::size_t k, int calls) {
  DeviceBuffer<std::int16_t> table(kTableEntries);
  DeviceBuffer<std::int8_t> a(m * k), w(n * k);
  DeviceBuffer<std::int32_t> out(m * n);
  CUDA_CHECK(cudaMemcpy(table.get(), plan.table().data(), table.bytes(), cudaMemcpyHostToDevice));
  upload_random(a, m * k, 4);
  upload_random(w, n * k, 5);
  return time_calls(calls, [&] { cuda::approx_gemm_on_device(plan, table.get(), a.get(), w.get(), m, n, k, out.get()); });
}

}  // namespace tessera::kernels::bench::gpu
