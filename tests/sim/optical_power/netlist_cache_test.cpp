// The synthesis cache (sim/power/netlist_cache.h): a second synthesis of the same sources reuses the
// entry, and editing a source (or the structure) synthesises again.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "sim/power/cell_libraries.h"
#include "sim/power/netlist_cache.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

TEST(NetlistCache, ReusesAnEntryUntilItsInputsChange) {
  const test::ScratchDir dir;
  setenv("TESSERA_NETLIST_CACHE", (dir.path() / "cache").c_str(), 1);
  const power::CellLibrary library = power::cell_library("sky130");
  write(dir.path() / "gate.sv", "module gate(input logic a, input logic b, output logic y); assign y = a & b; endmodule\n");
  power::SynthesisSpec spec;
  spec.sources = {dir.path() / "gate.sv"};
  spec.top = "gate";
  spec.liberty_file = library.liberty_file;
  spec.work_dir = dir.path() / "work";
  bool cached = true;
  const power::SynthesisResult first = power::synthesize_cached(spec, *library.library, &cached);
  EXPECT_FALSE(cached);
  EXPECT_TRUE(std::filesystem::exists(first.netlist_json));
  const power::SynthesisResult second = power::synthesize_cached(spec, *library.library, &cached);
  EXPECT_TRUE(cached);
  EXPECT_EQ(second.netlist_json, first.netlist_json);
  EXPECT_EQ(second.cells, first.cells);

  write(dir.path() / "gate.sv", "module gate(input logic a, input logic b, output logic y); assign y = a | b; endmodule\n");
  power::synthesize_cached(spec, *library.library, &cached);
  EXPECT_FALSE(cached) << "an edited source must not reuse the old netlist";
  spec.structure = power::Structure::restructure;
  power::synthesize_cached(spec, *library.library, &cached);
  EXPECT_FALSE(cached) << "another structure must not reuse the kept one";

  // The library is known by its bytes: a copy elsewhere (another clone) reuses the entry, an edited
  // copy does not.
  std::filesystem::copy_file(library.liberty_file, dir.path() / "copy.lib");
  spec.liberty_file = dir.path() / "copy.lib";
  power::synthesize_cached(spec, *library.library, &cached);
  EXPECT_TRUE(cached) << "the same library at another path must reuse the netlist";
  {
    std::ofstream append(dir.path() / "copy.lib", std::ios::app);
    append << "\n/* edited */\n";
  }
  power::synthesize_cached(spec, *library.library, &cached);
  EXPECT_FALSE(cached) << "an edited library must not reuse the old netlist";
  unsetenv("TESSERA_NETLIST_CACHE");
}

}  // namespace
}  // namespace tessera
