#pragma once
// The operand layout of the int8 tensor-core kernels (WMMA m16n16k16, int32 accumulation):
// rows x columns of signed bytes stored as contiguous 16 x 16 tiles [row tile][column tile][16][16]
// (256 bytes each, so with cudaMalloc's 256-byte alignment every tile pointer meets WMMA's
// 256-bit rule with leading dimension 16). Read as matrix_a the tile is row-major; a weight tile
// read as matrix_b (B = W^T) is column-major. Host and device, so that tests replay the layout.
#include <cstddef>

#include "golden/common/host_device.h"

namespace tessera::kernels {

inline constexpr int kImmaTile = 16;
inline constexpr int kImmaTileBytes = kImmaTile * kImmaTile;

// Row and column of byte `i` of the tiled storage with `column_tiles` tiles per tile row.
struct TilePosition {
  std::size_t row;
  std::size_t column;
};
TESSERA_HOST_DEVICE inline TilePosition tile_position(std::size_t i, std::size_t column_tiles) {
  const std::size_t tile = i / kImmaTileBytes, within = i % kImmaTileBytes;
  return {(tile / column_tiles) * kImmaTile + within / kImmaTile,
          (tile % column_tiles) * kImmaTile + within % kImmaTile};
}

}  // namespace tessera::kernels
