#pragma once
// Synthesis results kept between runs. Synthesising the optical periphery (FP32 add/div/mul chains)
// takes minutes, so its netlist is cached: the key is a hash of everything the netlist depends on
// (every source's bytes, top, parameters, the liberty file's path, size and mtime, the structure
// and this flow's version), so editing the RTL or the library re-synthesises.
//
// Location: $TESSERA_NETLIST_CACHE when set (the build tree sets it for tests), else the cell
// libraries' cache directory (cell_libraries.h) / "netlists". Entries are written to a temporary
// directory and renamed into place, so concurrent runs never see half an entry.
#include <filesystem>

#include "sim/power/synthesis.h"

namespace tessera::power {

// The cache's root directory (not created).
std::filesystem::path netlist_cache_dir();

// synthesize_to_liberty(spec, library) unless an entry for the same inputs exists; the result's
// netlist paths point into the cache. `spec.work_dir` is used only on a miss.
// `from_cache` (optional) says whether the entry was reused.
SynthesisResult synthesize_cached(const SynthesisSpec& spec, const traces::liberty::Library& library,
                                  bool* from_cache = nullptr);

}  // namespace tessera::power
