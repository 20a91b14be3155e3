#pragma once
// Aligned plain-text tables for the terminal: text columns left-aligned, numbers right-aligned.
#include <iosfwd>
#include <string>
#include <vector>

namespace tessera::report {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers);
  void add_row(std::vector<std::string> cells);  // must have one cell per header
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// `value` with `decimals` digits after the point; "inf"/"-inf"/"nan" for non-finite values.
std::string fixed(double value, int decimals);

}  // namespace tessera::report
