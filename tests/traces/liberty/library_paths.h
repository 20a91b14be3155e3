#pragma once
// The two libraries the tests read: the shipped SKY130 HD typical corner and Debian's OSU018.
#include <filesystem>
#include <string>

#include "golden/common/data_path.h"

namespace tessera::test {

inline std::filesystem::path sky130_library_path() {
  return tessera::data_path("traces/liberty/data/sky130_fd_sc_hd__tt_025C_1v80.lib.gz");
}

inline std::filesystem::path osu018_library_path() {
  return "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";
}

}  // namespace tessera::test
