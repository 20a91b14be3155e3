#include "kernels/common/backend.h"

#include "golden/common/error.h"

#if defined(TESSERA_KERNELS_HAVE_CUDA)
#include <cuda_runtime_api.h>
#endif

namespace tessera::kernels {

std::string_view backend_name(Backend backend) {
  return backend == Backend::cuda ? "cuda" : "cpu";
}

SupportReport cuda_available() {
#if defined(TESSERA_KERNELS_HAVE_CUDA)
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    (void)cudaGetLastError();  // clear the sticky error of a failed query
    return SupportReport::no(std::string("no CUDA device: ") + cudaGetErrorString(status));
  }
  if (count == 0) return SupportReport::no("no CUDA device: cudaGetDeviceCount returned 0");
  return SupportReport::yes();
#else
  return SupportReport::no("built without CUDA (TESSERA_HAVE_CUDA is OFF)");
#endif
}

void require(const SupportReport& report, std::string_view op) {
  if (!report.ok) throw ConfigError(std::string(op) + ": " + report.reason);
}

}  // namespace tessera::kernels
