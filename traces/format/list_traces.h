#pragma once
// The trace files of a directory (one file per layer).
#include <filesystem>
#include <vector>

namespace tessera::traces {

// Regular files ending in ".ttrace" directly inside `directory`, sorted by file name. A writer's
// unfinished temporaries (".ttrace.tmp-...") are not listed. Throws InputError when `directory`
// is not a readable directory.
std::vector<std::filesystem::path> list_traces(const std::filesystem::path& directory);

}  // namespace tessera::traces
