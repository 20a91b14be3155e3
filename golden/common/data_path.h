#pragma once
// Where tessera finds the data it ships (multiplier tables, energy tables, bundled networks).
#include <filesystem>
#include <string_view>

namespace tessera {

// Resolves a path relative to the tessera tree, e.g. "golden/approx/tables/mul8s_1L2H.lut".
// The environment variable TESSERA_DATA_DIR, when set, replaces the source tree the build was
// configured from (useful for an installed binary or a relocated checkout).
std::filesystem::path data_path(std::string_view relative);

}  // namespace tessera
