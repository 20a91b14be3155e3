#pragma once
// The operand layout of the MX tensor-core core (kernels/mx/cuda/mx_gemm.cu), host and device:
// element units that fit a signed byte (FP4, FP6 E2M3, INT8; checked on the data) with every MX
// block padded with zeros to whole 16-column tiles, so that each block's exact sum S_j is the
// result of its own run of WMMA steps. Column c of the padded row: block c / (16 * tiles_per_block),
// offset c % (16 * tiles_per_block) inside it; past the block's last element the value is 0. The
// rows are stored in the tiled layout of kernels/common/imma_tiles.h.
#include <cstddef>
#include <cstdint>

#include "golden/common/host_device.h"
#include "kernels/common/imma_tiles.h"

namespace tessera::kernels {

// Tiles per MX block: ceil(block_size / 16).
TESSERA_HOST_DEVICE inline std::size_t mx_tiles_per_block(std::size_t block_size) {
  return (block_size + kImmaTile - 1) / kImmaTile;
}

// Padded column c of a row of K units (int32, each in [-128, 127]).
TESSERA_HOST_DEVICE inline std::int8_t mx_padded_unit(const std::int32_t* row, std::size_t k, std::size_t block_size,
                                                      std::size_t tiles_per_block, std::size_t c) {
  const std::size_t block_columns = tiles_per_block * kImmaTile;
  const std::size_t offset = c % block_columns;
  const std::size_t column = (c / block_columns) * block_size + offset;
  if (offset >= block_size || column >= k) return 0;
  return static_cast<std::int8_t>(row[column]);
}

}  // namespace tessera::kernels
