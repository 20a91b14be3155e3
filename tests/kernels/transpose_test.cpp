// The tiled transposes (kernels/common/transpose.h) against the index definition, on sizes with
// whole SIMD tiles, partial edge tiles and strides wider than the rows.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/common/transpose.h"

namespace tessera::kernels {
namespace {

template <class T, class Transpose>
void check(Transpose transpose, std::size_t rows, std::size_t cols, std::size_t src_stride, std::size_t dst_stride) {
  std::mt19937 gen(static_cast<std::uint32_t>(rows * 1000 + cols));
  std::vector<T> src(rows * src_stride);
  for (auto& x : src) x = static_cast<T>(gen());
  const T sentinel = static_cast<T>(0x5A5A5A5A);
  std::vector<T> dst(cols * dst_stride, sentinel);
  transpose(src.data(), src_stride, rows, cols, dst.data(), dst_stride, std::uint64_t{1} << 30);
  for (std::size_t c = 0; c < cols; ++c) {
    for (std::size_t r = 0; r < dst_stride; ++r) {
      const T want = r < rows ? src[r * src_stride + c] : sentinel;  // nothing past the rows is written
      ASSERT_EQ(dst[c * dst_stride + r], want) << rows << "x" << cols << " at " << r << "," << c;
    }
  }
}

TEST(Transpose, BytesAndInt32OnWholeAndPartialTiles) {
  const std::size_t sizes[][2] = {{1, 1}, {16, 16}, {32, 48}, {17, 33}, {5, 100}, {100, 5}, {64, 3136 % 97}};
  for (const auto& size : sizes) {
    const std::size_t rows = size[0], cols = size[1];
    for (const std::size_t pad : {std::size_t{0}, std::size_t{3}}) {
      check<std::uint8_t>(transpose_bytes, rows, cols, cols + pad, rows + pad);
      check<std::int32_t>(transpose_int32, rows, cols, cols + pad, rows + pad);
    }
  }
}

}  // namespace
}  // namespace tessera::kernels
