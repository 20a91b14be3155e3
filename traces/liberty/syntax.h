#pragma once
// The generic Liberty syntax: groups `type (args) { ... }`, simple attributes `name : value ;`
// and complex attributes `name (v, ...) ;`. The typed reader (reader.h) interprets the tree;
// the subset writer (subset.h) uses the byte offsets to copy groups verbatim.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::traces::liberty {

struct Attribute {
  std::string name;
  std::vector<std::string> values;  // one for a simple attribute; quotes removed
  bool is_complex = false;
  int line = 0;

  const std::string& value() const { return values.front(); }
};

struct Group {
  std::string type;               // "library", "cell", "pin", ...
  std::vector<std::string> args;  // the names in parentheses, quotes removed
  std::vector<Attribute> attributes;
  std::vector<Group> groups;
  int line = 0;
  std::size_t begin_offset = 0;  // offset of the first character of `type`
  std::size_t end_offset = 0;    // one past the closing brace

  // The first attribute called `name`, or nullptr.
  const Attribute* find(std::string_view name) const;
  const Group* find_group(std::string_view type) const;
};

// Parses `text` (the whole file) into its top-level group. `source` names the file in errors,
// which are InputError "source:line: expected ..., got ...".
Group parse_liberty_syntax(std::string_view text, const std::string& source);

// The whole text of a Liberty file; `.gz` files (and plain ones) are read through zlib.
std::string read_liberty_text(const std::string& path);

}  // namespace tessera::traces::liberty
