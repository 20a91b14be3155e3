#include "sim/power/netlist_cache.h"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "sim/power/cell_libraries.h"
#include "sim/rtl/tools.h"

namespace tessera::power {
namespace fs = std::filesystem;

namespace {

// Bump when the synthesis flow (synthesis.cpp, structure_techmap.cpp) changes what it produces.
constexpr int kFlowVersion = 1;

struct Fnv64 {
  std::uint64_t state = 0xcbf29ce484222325ull;
  void add(std::string_view bytes) {
    for (const char c : bytes) {
      state ^= static_cast<unsigned char>(c);
      state *= 0x100000001b3ull;
    }
    add_separator();
  }
  void add_separator() {
    state ^= 0xFFu;
    state *= 0x100000001b3ull;
  }
};

std::string cache_key(const SynthesisSpec& spec) {
  Fnv64 hash;
  hash.add("tessera-netlist-cache " + std::to_string(kFlowVersion));
  for (const fs::path& source : spec.sources) hash.add(rtl::read_text(source));
  hash.add(spec.top);
  for (const auto& [name, value] : spec.parameters) hash.add(name + "=" + value);
  // The library's bytes, not its path: the same cells reuse the netlist from any clone or cache dir.
  hash.add(rtl::read_text(spec.liberty_file));
  hash.add(to_string(spec.structure));
  hash.add(spec.resource_sharing ? "share" : "noshare");
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash.state));
  return spec.top + "-" + to_string(spec.structure) + "-" + text;
}

SynthesisResult read_entry(const fs::path& entry) {
  const auto meta = nlohmann::json::parse(rtl::read_text(entry / "result.json"));
  SynthesisResult result;
  result.netlist_json = entry / "netlist.json";
  result.netlist_verilog = entry / "netlist.v";
  result.cells = meta.at("cells").get<std::int64_t>();
  result.area_um2 = meta.at("area_um2").get<double>();
  for (const auto& [type, n] : meta.at("cells_by_type").items()) result.cells_by_type[type] = n.get<std::int64_t>();
  return result;
}

}  // namespace

fs::path netlist_cache_dir() {
  const char* env = std::getenv("TESSERA_NETLIST_CACHE");
  if (env != nullptr && *env != '\0') return fs::path(env);
  return tessera_cache_dir() / "netlists";
}

SynthesisResult synthesize_cached(const SynthesisSpec& spec, const traces::liberty::Library& library,
                                  bool* from_cache) {
  const fs::path entry = netlist_cache_dir() / cache_key(spec);
  std::error_code ec;
  if (fs::is_regular_file(entry / "result.json", ec)) {
    try {
      SynthesisResult cached = read_entry(entry);
      if (from_cache != nullptr) *from_cache = true;
      return cached;
    } catch (const std::exception&) {
      // A damaged entry is synthesised again below and replaced.
    }
  }
  if (from_cache != nullptr) *from_cache = false;
  SynthesisResult result = synthesize_to_liberty(spec, library);

  // Publish: copy into a private directory beside the entry, then rename it into place.
  static std::atomic<unsigned> counter{0};
  fs::create_directories(entry.parent_path(), ec);
  if (ec) throw Error("cannot create the netlist cache " + entry.parent_path().string() + ": " + ec.message());
  const fs::path staging = entry.parent_path() / (entry.filename().string() + ".tmp-" + std::to_string(getpid()) +
                                                  "." + std::to_string(counter++));
  fs::create_directories(staging);
  fs::copy_file(result.netlist_json, staging / "netlist.json", fs::copy_options::overwrite_existing);
  fs::copy_file(result.netlist_verilog, staging / "netlist.v", fs::copy_options::overwrite_existing);
  nlohmann::json meta = {{"top", spec.top},
                         {"cells", result.cells},
                         {"area_um2", result.area_um2},
                         {"cells_by_type", result.cells_by_type},
                         {"structure", to_string(spec.structure)},
                         {"liberty", spec.liberty_file.string()}};
  io::write_file_atomically((staging / "result.json").string(), meta.dump(1) + "\n");
  fs::rename(staging, entry, ec);
  if (ec) {
    // Another process published the same entry first: keep theirs.
    fs::remove_all(staging, ec);
  }
  SynthesisResult cached = read_entry(entry);
  cached.log = std::move(result.log);
  return cached;
}

}  // namespace tessera::power
