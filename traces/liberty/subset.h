#pragma once
// A copy of a Liberty library restricted to some cells: Yosys 0.23's `abc -liberty` has no
// -dont_use, so the only way to keep it from picking unsuitable cells is a smaller library.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string_view>

#include "traces/liberty/library.h"

namespace tessera::traces::liberty {

using CellPredicate = std::function<bool(std::string_view cell_name)>;

// Copies `in` (.lib or .lib.gz) to `out` (plain text, written atomically), keeping only the cell
// groups `keep` accepts; everything else, kept cells included, is copied byte for byte.
// Returns the number of cells kept.
std::size_t write_liberty_subset(const std::filesystem::path& in, const std::filesystem::path& out,
                                 const CellPredicate& keep);

// False for SKY130 cells that synthesis must not pick: low-power/isolation (lpflow_*), probes,
// taps, decaps, fillers, diodes, tie cells (conb), delay cells, spare-cell macros, tri-states
// (ebufn, einv), latches and clock gates (dl*, sdlclkp), scan flops (sdf*, sedf*) and buf_16.
// The library prefix ("sky130_fd_sc_hd__") is optional.
bool sky130_cell_is_usable_for_synthesis(std::string_view cell_name);

// True when every output pin of `cell` has a function (cells without one cannot be mapped to).
bool cell_has_logic_function(const Cell& cell);

// The predicate for a SKY130 synthesis library: usable by name and with a logic function.
CellPredicate sky130_synthesis_cells(const Library& library);

}  // namespace tessera::traces::liberty
