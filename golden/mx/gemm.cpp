#include "golden/mx/gemm.h"

#include <string>

#include "golden/common/error.h"
#include "golden/mx/dot.h"

namespace tessera::mx {

std::vector<float> mx_gemm(const QuantizedRows& a, const QuantizedRows& b_nk, Accumulation accumulation) {
  if (a.columns != b_nk.columns) {
    throw ConfigError("mx_gemm: A has K = " + std::to_string(a.columns) + " but B (N x K) has K = " +
                      std::to_string(b_nk.columns));
  }
  if (a.block_size != b_nk.block_size) {
    throw ConfigError("mx_gemm: block sizes differ (A " + std::to_string(a.block_size) + ", B " +
                      std::to_string(b_nk.block_size) + ")");
  }
  std::vector<float> c(a.rows * b_nk.rows);
  for (std::size_t m = 0; m < a.rows; ++m) {
    const MxVectorView row{a.format, a.columns, a.block_size, a.codes.data() + m * a.columns,
                           a.scales.data() + m * a.blocks_per_row};
    for (std::size_t n = 0; n < b_nk.rows; ++n) {
      const MxVectorView column{b_nk.format, b_nk.columns, b_nk.block_size,
                                b_nk.codes.data() + n * b_nk.columns,
                                b_nk.scales.data() + n * b_nk.blocks_per_row};
      c[m * b_nk.rows + n] = mx_dot(row, column, accumulation);
    }
  }
  return c;
}

}  // namespace tessera::mx
