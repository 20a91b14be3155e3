#include "sim/power/cell_libraries.h"

#include <unistd.h>

#include <cstdlib>
#include <map>
#include <mutex>

#include "golden/common/data_path.h"
#include "golden/common/error.h"
#include "traces/liberty/reader.h"
#include "traces/liberty/subset.h"

namespace tessera::power {
namespace fs = std::filesystem;

fs::path tessera_cache_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && *xdg != '\0') return fs::path(xdg) / "tessera";
  // Per user: another user's cache directory in /tmp would not be writable.
  return fs::temp_directory_path() / ("tessera-cache-" + std::to_string(getuid()));
}

namespace {

constexpr const char* kSky130Shipped = "traces/liberty/data/sky130_fd_sc_hd__tt_025C_1v80.lib.gz";
constexpr const char* kOsu018Default = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";

// The synthesis subset of the shipped sky130 library, built on first use. Concurrent builders
// (parallel tests) are harmless: each writes the whole file atomically under the same name.
fs::path sky130_synthesis_subset() {
  const fs::path shipped = data_path(kSky130Shipped);
  std::error_code ec;
  const auto size = fs::file_size(shipped, ec);
  if (ec) throw Error(shipped.string() + ": the shipped sky130 library is missing (" + ec.message() + ")");
  const auto mtime = fs::last_write_time(shipped, ec).time_since_epoch().count();
  const fs::path cached = tessera_cache_dir() / ("sky130_fd_sc_hd__tt_025C_1v80.synth-" + std::to_string(size) + "-" +
                                         std::to_string(mtime) + ".lib");
  if (fs::is_regular_file(cached, ec)) return cached;
  fs::create_directories(cached.parent_path(), ec);
  if (ec) throw Error("cannot create the cache directory " + cached.parent_path().string() + ": " + ec.message());
  const traces::liberty::Library full = traces::liberty::read_liberty(shipped);
  traces::liberty::write_liberty_subset(shipped, cached, traces::liberty::sky130_synthesis_cells(full));
  return cached;
}

fs::path osu018_file() {
  const char* env = std::getenv("TESSERA_OSU018_LIB");
  const fs::path path = (env != nullptr && *env != '\0') ? fs::path(env) : fs::path(kOsu018Default);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    throw Error(path.string() + ": the OSU 0.18 um library is not installed; run scripts/setup (Debian package " +
                "qflow-tech-osu018) or name the file in TESSERA_OSU018_LIB");
  }
  return path;
}

std::string accepted_names() {
  std::string out;
  for (const auto& n : cell_library_names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::vector<std::string> cell_library_names() { return {"sky130", "osu018"}; }

fs::path cell_library_file(std::string_view name) {
  if (name == "sky130") return sky130_synthesis_subset();
  if (name == "osu018") return osu018_file();
  throw ConfigError("unknown cell library '" + std::string(name) + "': expected one of " + accepted_names());
}

CellLibrary cell_library(std::string_view name) {
  static std::mutex mutex;
  static std::map<fs::path, std::shared_ptr<const traces::liberty::Library>> parsed;
  CellLibrary out;
  out.name = std::string(name);
  out.liberty_file = cell_library_file(name);
  const std::lock_guard<std::mutex> lock(mutex);
  auto& entry = parsed[out.liberty_file];
  if (!entry) entry = std::make_shared<const traces::liberty::Library>(traces::liberty::read_liberty(out.liberty_file));
  out.library = entry;
  return out;
}

}  // namespace tessera::power
