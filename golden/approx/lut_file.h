#pragma once
// The .lut file: 65536 little-endian int16 products, entry (uint8(a) << 8) | uint8(b) holding the
// product of a on port A and b on port B (exactly 131072 bytes, no header). This is the format of
// golden/approx/tables/*.lut (see tables/README.md).
#include <filesystem>
#include <string>

#include "golden/approx/table.h"

namespace tessera::approx {

inline constexpr std::size_t kLutFileBytes = 2 * kTableEntries;  // 131072

// Reads a .lut file. The table is named `name`, or the file's stem when `name` is empty.
// Throws InputError naming the file when it is missing, a directory, not exactly 131072 bytes, or
// when another reading of the bytes is far (2x) closer to the exact product a*b: byte-swapped
// (written big-endian) or indexed by (a+128)*256+(b+128). The message says which reading fits, so
// the user can fix the generator. (Swapped ports are not flagged: that is a legal circuit.)
MultiplierTable read_lut_file(const std::filesystem::path& path, const std::string& name = {});

// Writes `table` as a .lut file (atomically).
void write_lut_file(const std::filesystem::path& path, const MultiplierTable& table);

// Mean |table(a,b) - a*b| over all pairs, for raw little-endian int16 values in a given layout.
// Exposed for the diagnostics above and their tests.
double mean_abs_error_vs_exact(const std::vector<std::int16_t>& products);

}  // namespace tessera::approx
