#pragma once
// Matrix transposes in cache-sized tiles (the gather path's k-major columns, conv's im2col and
// output layouts).
#include <cstddef>
#include <cstdint>

namespace tessera::kernels {

// dst[c * dst_stride + r] = src[r * src_stride + c] for r < rows, c < cols; in 16 x 16 tiles
// (SSE2 unpacks where the build has them), so that both the strided reads and the writes stay in
// a few cache lines. `work` (multiply-accumulates of the calling op) decides whether it runs
// threaded (kernels/common/parallel.h).
void transpose_bytes(const std::uint8_t* src, std::size_t src_stride, std::size_t rows, std::size_t cols,
                     std::uint8_t* dst, std::size_t dst_stride, std::uint64_t work);

// The same for int32 elements (conv's GEMM result, pixel x channel, into the output's channel x pixel).
void transpose_int32(const std::int32_t* src, std::size_t src_stride, std::size_t rows, std::size_t cols,
                     std::int32_t* dst, std::size_t dst_stride, std::uint64_t work);

}  // namespace tessera::kernels
