#pragma once
// CUDA error checking for the kernels' .cu files (host side only). Every runtime call is wrapped
// in CUDA_CHECK; every launcher calls CUDA_CHECK(cudaGetLastError()) right after a launch.
// A failure throws tessera::Error naming the call, the file:line and cudaGetErrorString.
#include <cuda_runtime.h>

#include <string>

#include "golden/common/error.h"

namespace tessera::kernels {

[[noreturn]] inline void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line) {
  throw Error(std::string("CUDA error: ") + cudaGetErrorString(status) + " in " + call + " at " + file + ":" +
              std::to_string(line));
}

// Owns one device allocation; frees it on scope exit (errors during unwinding are ignored).
template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(std::size_t count) : count_(count) {
    if (count_ != 0) {
      const cudaError_t status = cudaMalloc(reinterpret_cast<void**>(&ptr_), count_ * sizeof(T));
      if (status != cudaSuccess) throw_cuda_error(status, "cudaMalloc", __FILE__, __LINE__);
    }
  }
  ~DeviceBuffer() {
    if (ptr_ != nullptr) cudaFree(ptr_);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  T* get() const { return ptr_; }
  std::size_t bytes() const { return count_ * sizeof(T); }

 private:
  T* ptr_ = nullptr;
  std::size_t count_ = 0;
};

}  // namespace tessera::kernels

#define CUDA_CHECK(call)                                                                   \
  do {                                                                                     \
    const cudaError_t tessera_cuda_status_ = (call);                                       \
    if (tessera_cuda_status_ != cudaSuccess) {                                             \
      ::tessera::kernels::throw_cuda_error(tessera_cuda_status_, #call, __FILE__, __LINE__); \
    }                                                                                      \
  } while (0)
