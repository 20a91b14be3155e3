#pragma once
// Reads a Liberty file (.lib or .lib.gz) into a Library (library.h).
#include <filesystem>
#include <string>
#include <string_view>

#include "traces/liberty/library.h"

namespace tessera::traces::liberty {

// Throws InputError "file:line: ..." naming what was expected when the file cannot be read,
// is not valid Liberty, or lacks a field power estimation needs.
Library read_liberty(const std::filesystem::path& path);

// The same from text already in memory; `source` names it in errors.
Library parse_liberty(std::string_view text, const std::string& source);

}  // namespace tessera::traces::liberty
