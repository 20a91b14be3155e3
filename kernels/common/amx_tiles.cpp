#include "kernels/common/amx_tiles.h"

#if defined(TESSERA_AMX_TILES)
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace tessera::kernels {

#if defined(TESSERA_AMX_TILES)
bool amx_granted() {
  static const bool granted = [] {
    constexpr long kArchReqXcompPerm = 0x1023;
    constexpr long kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
  }();
  return granted;
}

TileConfig full_tiles(int count) {
  TileConfig config;
  for (int t = 0; t < count && t < 16; ++t) {
    config.bytes_per_row[t] = 64;
    config.rows[t] = 16;
  }
  return config;
}

void load_tile_config(const TileConfig& config) { _tile_loadconfig(&config); }
#endif

}  // namespace tessera::kernels
