#include "traces/liberty/subset.h"

#include <gtest/gtest.h>

#include "golden/io/atomic_file.h"
#include "traces/liberty/reader.h"
#include "traces/liberty/syntax.h"
#include "tests/support/scratch_dir.h"
#include "tests/traces/liberty/library_paths.h"

namespace tessera::traces::liberty {
namespace {

TEST(Subset, KeepsExactlyTheAcceptedCellsByteForByte) {
  test::ScratchDir scratch;
  std::string out = scratch.file("nand_inv.lib");
  auto keep = [](std::string_view name) { return name.substr(0, 4) == "NAND" || name.substr(0, 3) == "INV"; };
  EXPECT_EQ(write_liberty_subset(test::osu018_library_path(), out, keep), 6u);
  Library subset = read_liberty(out);
  Library full = read_liberty(test::osu018_library_path());
  std::vector<std::string> names;
  for (const Cell& cell : subset.cells) names.push_back(cell.name);
  EXPECT_EQ(names, (std::vector<std::string>{"INVX1", "INVX2", "INVX4", "INVX8", "NAND2X1", "NAND3X1"}));
  EXPECT_EQ(subset.templates.size(), full.templates.size());
  EXPECT_DOUBLE_EQ(subset.nom_voltage_v, full.nom_voltage_v);
  // Each kept cell group is a verbatim copy of the original's bytes.
  std::string original = read_liberty_text(test::osu018_library_path().string());
  std::string written = io::read_file(out);
  Group original_root = parse_liberty_syntax(original, "osu018");
  Group written_root = parse_liberty_syntax(written, "subset");
  std::size_t compared = 0;
  for (const Group& kept : written_root.groups) {
    if (kept.type != "cell") continue;
    for (const Group& source : original_root.groups) {
      if (source.type == "cell" && source.args == kept.args) {
        EXPECT_EQ(written.substr(kept.begin_offset, kept.end_offset - kept.begin_offset),
                  original.substr(source.begin_offset, source.end_offset - source.begin_offset));
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 6u);
}

TEST(Subset, Sky130NamePredicate) {
  for (const char* usable : {"sky130_fd_sc_hd__nand2_1", "sky130_fd_sc_hd__dfxtp_1", "sky130_fd_sc_hd__buf_8",
                             "sky130_fd_sc_hd__xor3_1", "sky130_fd_sc_hd__dfrtp_1", "fa_1", "mux2i_1"}) {
    EXPECT_TRUE(sky130_cell_is_usable_for_synthesis(usable)) << usable;
  }
  for (const char* unusable :
       {"sky130_fd_sc_hd__lpflow_inputiso1p_1", "sky130_fd_sc_hd__lpflow_isobufsrc_1", "sky130_fd_sc_hd__probe_p_8",
        "sky130_fd_sc_hd__tapvpwrvgnd_1", "sky130_fd_sc_hd__decap_3", "sky130_fd_sc_hd__fill_1",
        "sky130_fd_sc_hd__diode_2", "sky130_fd_sc_hd__conb_1", "sky130_fd_sc_hd__dlygate4sd3_1",
        "sky130_fd_sc_hd__dlymetal6s2s_1", "sky130_fd_sc_hd__clkdlybuf4s15_1", "sky130_fd_sc_hd__macro_sparecell",
        "sky130_fd_sc_hd__ebufn_1", "sky130_fd_sc_hd__einvp_1", "sky130_fd_sc_hd__dlxtp_1",
        "sky130_fd_sc_hd__dlclkp_1", "sky130_fd_sc_hd__sdlclkp_1", "sky130_fd_sc_hd__sdfxtp_1",
        "sky130_fd_sc_hd__sedfxtp_1", "sky130_fd_sc_hd__buf_16"}) {
    EXPECT_FALSE(sky130_cell_is_usable_for_synthesis(unusable)) << unusable;
  }
}

TEST(Subset, Sky130SynthesisLibraryReparses) {
  Library full = read_liberty(test::sky130_library_path());
  test::ScratchDir scratch;
  std::string out = scratch.file("sky130_synth.lib");
  std::size_t kept = write_liberty_subset(test::sky130_library_path(), out, sky130_synthesis_cells(full));
  Library subset = read_liberty(out);
  ASSERT_EQ(subset.cells.size(), kept);
  std::size_t expected = 0;
  for (const Cell& cell : full.cells) {
    expected += sky130_cell_is_usable_for_synthesis(cell.name) && cell_has_logic_function(cell);
  }
  EXPECT_EQ(kept, expected);
  EXPECT_GT(kept, 250u);
  for (const Cell& cell : subset.cells) {
    EXPECT_TRUE(sky130_cell_is_usable_for_synthesis(cell.name)) << cell.name;
    EXPECT_TRUE(cell_has_logic_function(cell)) << cell.name;
    EXPECT_FALSE(cell.latch) << cell.name;
  }
}

}  // namespace
}  // namespace tessera::traces::liberty
