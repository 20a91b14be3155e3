#include "traces/liberty/subset.h"

#include <string>
#include <utility>
#include <vector>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "traces/liberty/syntax.h"

namespace tessera::traces::liberty {

std::size_t write_liberty_subset(const std::filesystem::path& in, const std::filesystem::path& out,
                                 const CellPredicate& keep) {
  std::string text = read_liberty_text(in.string());
  Group root = parse_liberty_syntax(text, in.string());
  // Byte ranges of dropped cells, widened to whole lines so no blank indentation is left.
  std::vector<std::pair<std::size_t, std::size_t>> dropped;
  std::size_t kept = 0;
  for (const Group& group : root.groups) {
    if (group.type != "cell") continue;
    if (!group.args.empty() && keep(group.args.front())) {
      ++kept;
      continue;
    }
    std::size_t begin = group.begin_offset;
    while (begin > 0 && (text[begin - 1] == ' ' || text[begin - 1] == '\t')) --begin;
    std::size_t end = group.end_offset;
    if (end < text.size() && text[end] == '\n') ++end;
    dropped.emplace_back(begin, end);
  }
  std::string subset;
  subset.reserve(text.size());
  std::size_t cursor = 0;
  for (const auto& [begin, end] : dropped) {
    subset.append(text, cursor, begin - cursor);
    cursor = end;
  }
  subset.append(text, cursor, std::string::npos);
  io::write_file_atomically(out.string(), subset);
  return kept;
}

bool sky130_cell_is_usable_for_synthesis(std::string_view cell_name) {
  std::string_view name = cell_name;
  if (name.substr(0, 7) == "sky130_") {
    std::size_t separator = name.find("__");
    if (separator != std::string_view::npos) name.remove_prefix(separator + 2);
  }
  static const char* const rejected_prefixes[] = {
      "lpflow_", "probe_",  "tap",  "decap", "fill",   "diode",           "conb",
      "dlygate", "dlymetal", "clkdlybuf", "macro_sparecell", "ebufn", "einv", "dl",
      "sdlclkp", "sdf",     "sedf"};
  for (const char* prefix : rejected_prefixes) {
    if (name.substr(0, std::char_traits<char>::length(prefix)) == prefix) return false;
  }
  return name != "buf_16";
}

bool cell_has_logic_function(const Cell& cell) {
  bool has_output = false;
  for (const Pin& pin : cell.pins) {
    if (pin.direction != PinDirection::output && pin.direction != PinDirection::inout) continue;
    if (pin.function.empty()) return false;
    has_output = true;
  }
  return has_output;
}

CellPredicate sky130_synthesis_cells(const Library& library) {
  return [&library](std::string_view name) {
    const Cell* cell = library.find_cell(name);
    return cell && sky130_cell_is_usable_for_synthesis(name) && cell_has_logic_function(*cell);
  };
}

}  // namespace tessera::traces::liberty
