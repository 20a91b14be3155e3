#include "tests/traces/gate/yosys_netlist.h"

#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include "golden/common/data_path.h"
#include "golden/io/atomic_file.h"
#include "traces/liberty/reader.h"
#include "traces/liberty/subset.h"

namespace tessera::test {

namespace {

std::filesystem::path cache_dir() {
  std::filesystem::path dir = TESSERA_GATE_TEST_CACHE;
  std::filesystem::create_directories(dir);
  return dir;
}

bool yosys_available() { return std::system("command -v yosys > /dev/null 2>&1") == 0; }

}  // namespace

std::filesystem::path osu018_library() { return "/usr/share/qflow/tech/osu018/osu018_stdcells.lib"; }

std::filesystem::path sky130_synthesis_library() {
  std::filesystem::path out = cache_dir() / "sky130_fd_sc_hd_synthesis.lib";
  if (!std::filesystem::exists(out)) {
    std::filesystem::path full = tessera::data_path("traces/liberty/data/sky130_fd_sc_hd__tt_025C_1v80.lib.gz");
    traces::liberty::Library library = traces::liberty::read_liberty(full);
    traces::liberty::write_liberty_subset(full, out, traces::liberty::sky130_synthesis_cells(library));
  }
  return out;
}

std::optional<std::filesystem::path> yosys_netlist(const std::string& verilog, const std::string& top,
                                                   const std::filesystem::path& liberty) {
  if (!yosys_available()) return std::nullopt;
  std::size_t key = std::hash<std::string>{}(verilog + "|" + top + "|" + liberty.string());
  std::filesystem::path base = cache_dir() / (top + "_" + std::to_string(key));
  std::filesystem::path json = base.string() + ".json";
  std::filesystem::path stat = base.string() + ".stat";
  if (std::filesystem::exists(json) && std::filesystem::exists(stat)) return json;
  // Work under a per-process name, then rename: test processes may race for the same design.
  std::string work = base.string() + ".tmp" + std::to_string(::getpid());
  io::write_file_atomically(work + ".v", verilog);
  std::string lib = liberty.string();
  std::string script = "read_verilog -sv " + work + ".v; synth -top " + top + " -flatten; dfflibmap -liberty " +
                       lib + "; abc -liberty " + lib +
                       "; opt_clean -purge; splitnets; opt_clean -purge; rename -enumerate -pattern n%; tee -q -o " +
                       work + ".stat stat -liberty " + lib + "; write_json " + work + ".json";
  std::string command = "yosys -q -p '" + script + "' > " + work + ".log 2>&1";
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("yosys failed; see " + work + ".log");
  }
  std::filesystem::rename(work + ".stat", stat);
  std::filesystem::rename(work + ".json", json);
  std::filesystem::remove(work + ".v");
  std::filesystem::remove(work + ".log");
  return json;
}

double yosys_chip_area(const std::filesystem::path& stat_report) {
  std::ifstream in(stat_report);
  std::string line;
  while (std::getline(in, line)) {
    std::size_t at = line.find("Chip area for module");
    if (at != std::string::npos) return std::stod(line.substr(line.rfind(':') + 1));
  }
  throw std::runtime_error("no chip area in " + stat_report.string());
}

}  // namespace tessera::test
