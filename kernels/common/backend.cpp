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

SupportReport cuda_grid_supports(std::size_t rows, std::size_t columns, std::size_t rows_per_block,
                                 std::size_t columns_per_block) {
  constexpr std::size_t kMaxGridX = 2147483647u, kMaxGridY = 65535u;
  const std::size_t row_tiles = (rows + rows_per_block - 1) / rows_per_block;
  const std::size_t column_tiles = (columns + columns_per_block - 1) / columns_per_block;
  if (column_tiles > kMaxGridY) {
    return SupportReport::no(std::to_string(columns) + " output columns need " + std::to_string(column_tiles) +
                             " blocks of " + std::to_string(columns_per_block) + " on the CUDA grid's y axis (at most " +
                             std::to_string(kMaxGridY) + "); use the CPU twin");
  }
  if (row_tiles > kMaxGridX) {
    return SupportReport::no(std::to_string(rows) + " output rows exceed the CUDA grid's x axis; use the CPU twin");
  }
  return SupportReport::yes();
}

void require(const SupportReport& report, std::string_view op) {
  if (!report.ok) throw ConfigError(std::string(op) + ": " + report.reason);
}

}  // namespace tessera::kernels
