#include "traces/format/list_traces.h"

#include <algorithm>

#include "golden/common/error.h"
#include "traces/format/layout.h"

namespace tessera::traces {

std::vector<std::filesystem::path> list_traces(const std::filesystem::path& directory) {
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec)) {
    throw InputError(directory.string() + ": expected a directory of .ttrace files");
  }
  std::vector<std::filesystem::path> traces;
  std::filesystem::directory_iterator entries(directory, ec);
  if (ec) throw InputError(directory.string() + ": cannot list directory (" + ec.message() + ")");
  for (const auto& entry : entries) {
    if (entry.is_regular_file(ec) && entry.path().extension() == layout::kExtension) {
      traces.push_back(entry.path());
    }
  }
  std::sort(traces.begin(), traces.end(),
            [](const auto& a, const auto& b) { return a.filename() < b.filename(); });
  return traces;
}

}  // namespace tessera::traces
