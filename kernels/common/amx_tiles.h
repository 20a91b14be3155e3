#pragma once
// Intel AMX tiles on Linux, for the kernels that use them (int8_gemm.cpp, the gather path's
// lookup sums): whether the build has them (TESSERA_AMX_TILES), the process's permission, and
// the configuration record that ldtilecfg reads.
#include <cstdint>

#if defined(__AMX_INT8__) && defined(__AMX_TILE__) && defined(__linux__)
#define TESSERA_AMX_TILES 1
#include <immintrin.h>
#endif

namespace tessera::kernels {

#if defined(TESSERA_AMX_TILES)
// Linux gives a process the AMX tile state only on request (arch_prctl ARCH_REQ_XCOMP_PERM); asked
// once per process.
bool amx_granted();

struct alignas(64) TileConfig {
  std::uint8_t palette = 1;
  std::uint8_t start_row = 0;
  std::uint8_t reserved[14] = {};
  std::uint16_t bytes_per_row[16] = {};
  std::uint8_t rows[16] = {};
};

// Tiles 0 .. count - 1 configured as 16 rows x 64 bytes each (the largest tile).
TileConfig full_tiles(int count);

// ldtilecfg for the calling thread. Out of line: GCC's _tile_loadconfig does not tell the
// optimiser that it reads the record, which may then drop the record's stores when inlined.
void load_tile_config(const TileConfig& config);
#endif

}  // namespace tessera::kernels
