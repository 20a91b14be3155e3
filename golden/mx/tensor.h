#pragma once
// Quantizing a float32 tensor along its last axis in blocks of `block_size` (the last block of a
// row may be shorter). Rows are all leading axes flattened; element i of the tensor (C order) uses
// Philox index i for stochastic rounding, so any tiling of the work gives the same bits.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "golden/mx/element_format.h"
#include "golden/mx/policy.h"

namespace tessera::mx {

struct QuantizedRows {
  std::size_t rows = 0;
  std::size_t columns = 0;
  std::size_t block_size = 0;
  std::size_t blocks_per_row = 0;
  ElementFormat format = ElementFormat::fp8_e4m3;
  std::vector<std::uint8_t> codes;   // rows x columns
  std::vector<std::uint8_t> scales;  // rows x blocks_per_row (E8M0 bytes)
};

inline std::size_t blocks_for(std::size_t columns, std::size_t block_size) {
  return (columns + block_size - 1) / block_size;
}

// Throws ConfigError for block_size < 1 or a policy that does not fit the format.
// rows x columns of zero codes and scale bytes in blocks of `block_size`: the storage every
// quantizer fills.
QuantizedRows empty_quantized_rows(std::size_t rows, std::size_t columns, ElementFormat format,
                                   std::size_t block_size);

QuantizedRows quantize_rows(const float* values, std::size_t rows, std::size_t columns,
                            ElementFormat format, std::size_t block_size, const QuantizePolicy& policy);

// X * P of every element as float32 (dequantize_element), rows x columns.
std::vector<float> dequantize_rows(const QuantizedRows& q);

}  // namespace tessera::mx
