#pragma once
// The standard-cell libraries gate-level power characterisation can target, by name:
//   sky130  SkyWater SKY130 high-density, typical corner, 25 °C, 1.80 V (shipped with tessera:
//           traces/liberty/data/sky130_fd_sc_hd__tt_025C_1v80.lib.gz), reduced once to the cells
//           Yosys may synthesise with (traces/liberty/subset.h) and cached (see below)
//   osu018  OSU 0.18 µm, 1.8 V (Debian qflow-tech-osu018:
//           /usr/share/qflow/tech/osu018/osu018_stdcells.lib; TESSERA_OSU018_LIB overrides)
// The sky130 subset is cached in $XDG_CACHE_HOME/tessera (else <system temp dir>/tessera-cache),
// keyed by the shipped file's size and modification time, so it is rebuilt when that file changes.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "traces/liberty/library.h"

namespace tessera::power {

struct CellLibrary {
  std::string name;                    // "sky130" or "osu018"
  std::filesystem::path liberty_file;  // plain .lib, readable by Yosys and OpenSTA
  std::shared_ptr<const traces::liberty::Library> library;  // liberty_file parsed
};

// The accepted names, in the order they are listed to users.
std::vector<std::string> cell_library_names();

// The library `name`, parsed once per process. Unknown name: ConfigError listing the accepted
// names; a library file that is missing: Error saying how to install it.
CellLibrary cell_library(std::string_view name);

// tessera's per-user cache directory ($XDG_CACHE_HOME/tessera, else <temp>/tessera-cache-<uid>);
// not created.
std::filesystem::path tessera_cache_dir();

// Just the file (no parsing): what Yosys and OpenSTA read.
std::filesystem::path cell_library_file(std::string_view name);

}  // namespace tessera::power
