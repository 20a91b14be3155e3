#include "golden/mx/tensor.h"

#include <algorithm>
#include <string>

#include "golden/common/error.h"
#include "golden/mx/convert.h"

namespace tessera::mx {

QuantizedRows empty_quantized_rows(std::size_t rows, std::size_t columns, ElementFormat format,
                                   std::size_t block_size) {
  QuantizedRows q;
  q.rows = rows;
  q.columns = columns;
  q.block_size = block_size;
  q.blocks_per_row = blocks_for(columns, block_size);
  q.format = format;
  q.codes.resize(rows * columns);
  q.scales.resize(rows * q.blocks_per_row);
  return q;
}

QuantizedRows quantize_rows(const float* values, std::size_t rows, std::size_t columns,
                            ElementFormat format, std::size_t block_size, const QuantizePolicy& policy) {
  if (block_size < 1) throw ConfigError("block size: expected an integer >= 1, got 0");
  validate_policy(policy, format);
  QuantizedRows q = empty_quantized_rows(rows, columns, format, block_size);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t b = 0; b < q.blocks_per_row; ++b) {
      const std::size_t begin = r * columns + b * block_size;
      const std::size_t count = std::min(block_size, columns - b * block_size);
      q.scales[r * q.blocks_per_row + b] =
          quantize_block(values + begin, count, format, policy, q.codes.data() + begin, begin);
    }
  }
  return q;
}

std::vector<float> dequantize_rows(const QuantizedRows& q) {
  std::vector<float> out(q.rows * q.columns);
  for (std::size_t r = 0; r < q.rows; ++r) {
    for (std::size_t c = 0; c < q.columns; ++c) {
      const std::uint8_t scale = q.scales[r * q.blocks_per_row + c / q.block_size];
      out[r * q.columns + c] = dequantize_element(scale, q.codes[r * q.columns + c], q.format);
    }
  }
  return out;
}

}  // namespace tessera::mx
