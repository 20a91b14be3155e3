#include "traces/liberty/boolean_function.h"

#include <gtest/gtest.h>

#include <cctype>
#include <map>

#include "golden/common/error.h"
#include "traces/liberty/reader.h"
#include "tests/traces/liberty/library_paths.h"

namespace tessera::traces::liberty {
namespace {

// An independent evaluator: recursive descent straight over the text, one assignment at a
// time, with Liberty's precedence (inversion, XOR, AND, OR).
class ScalarEvaluator {
 public:
  ScalarEvaluator(const std::string& text, const std::map<std::string, bool>& values)
      : text_(text), values_(values) {}
  bool run() { return any(); }

 private:
  void spaces() { while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_; }
  char next() { spaces(); return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool any() {
    bool value = all();
    while (next() == '+' || next() == '|') { ++pos_; value = all() || value; }
    return value;
  }
  bool all() {
    bool value = exclusive();
    while (true) {
      char c = next();
      if (c == '&' || c == '*') {
        ++pos_;
      } else if (!(c == '(' || c == '!' || std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
        return value;
      }
      value = exclusive() && value;
    }
  }
  bool exclusive() {
    bool value = negation();
    while (next() == '^') { ++pos_; value = negation() != value; }
    return value;
  }
  bool negation() {
    if (next() == '!') { ++pos_; return !negation(); }
    bool value;
    if (next() == '(') {
      ++pos_;
      value = any();
      spaces();
      ++pos_;  // ')'
    } else {
      std::size_t start = pos_;
      while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
      std::string name = text_.substr(start, pos_ - start);
      value = name == "1" ? true : name == "0" ? false : values_.at(name);
    }
    while (next() == '\'') { ++pos_; value = !value; }
    return value;
  }
  const std::string& text_;
  const std::map<std::string, bool>& values_;
  std::size_t pos_ = 0;
};

// Every assignment of the function's variables, 64 per word, against the scalar evaluator.
void expect_matches_truth_table(const std::string& text, const std::string& cell, const std::string& pin) {
  BooleanFunction function = BooleanFunction::compile(text, cell, pin);
  std::size_t count = function.variables().size();
  ASSERT_LE(count, 16u) << text;
  std::uint64_t assignments = std::uint64_t{1} << count;
  for (std::uint64_t base = 0; base < assignments; base += 64) {
    std::vector<std::uint64_t> words(count, 0);
    for (std::uint64_t lane = 0; lane < 64 && base + lane < assignments; ++lane) {
      for (std::size_t v = 0; v < count; ++v) words[v] |= ((base + lane) >> v & 1) << lane;
    }
    std::uint64_t result = function.evaluate(words.data());
    for (std::uint64_t lane = 0; lane < 64 && base + lane < assignments; ++lane) {
      std::map<std::string, bool> values;
      for (std::size_t v = 0; v < count; ++v) values[function.variables()[v]] = (base + lane) >> v & 1;
      bool expected = ScalarEvaluator(text, values).run();
      ASSERT_EQ(static_cast<bool>(result >> lane & 1), expected)
          << cell << "/" << pin << " '" << text << "' assignment " << base + lane;
    }
  }
}

std::size_t check_library(const Library& library) {
  std::size_t checked = 0;
  for (const Cell& cell : library.cells) {
    for (const Pin& pin : cell.pins) {
      for (const std::string* text : {&pin.function, &pin.three_state}) {
        if (text->empty()) continue;
        expect_matches_truth_table(*text, cell.name, pin.name);
        ++checked;
      }
    }
    for (const auto* group : {&cell.ff, &cell.latch}) {
      if (!*group) continue;
      for (const std::string* text : {&(*group)->next_state, &(*group)->clocked_on, &(*group)->clear,
                                      &(*group)->preset, &(*group)->data_in, &(*group)->enable}) {
        if (text->empty()) continue;
        expect_matches_truth_table(*text, cell.name, "sequential");
        ++checked;
      }
    }
  }
  return checked;
}

TEST(BooleanFunction, EveryFunctionOfBothLibraries) {
  EXPECT_GT(check_library(read_liberty(test::osu018_library_path())), 32u);
  EXPECT_GT(check_library(read_liberty(test::sky130_library_path())), 400u);
}

TEST(BooleanFunction, PrecedenceAndOperators) {
  for (const char* text : {"A+B C", "!A^B", "A B^C", "A'", "(A+B)' C", "A*B|C&D", "A ^ B ^ C", "!(A)+0",
                           "1 A", "A B + !A C", "A''"}) {
    expect_matches_truth_table(text, "T", "Y");
  }
  // Hand-checked: XOR binds tighter than AND, AND tighter than OR.
  BooleanFunction function = BooleanFunction::compile("A B^C", "T", "Y");
  std::uint64_t words[] = {0b1111, 0b0011, 0b0101};  // A=1 in all four lanes; B, C vary
  EXPECT_EQ(function.evaluate(words) & 0xf, 0b0110u);
  BooleanFunction constant = BooleanFunction::compile("1", "T", "Y");
  EXPECT_TRUE(constant.variables().empty());
  EXPECT_EQ(constant.evaluate(nullptr), ~std::uint64_t{0});
}

TEST(BooleanFunction, ErrorsNameCellPinAndPosition) {
  struct Case { const char* text; const char* expected; };
  for (Case bad : {Case{"A &", "position 4: expected a pin name"}, Case{"(A B", "position 5: expected ')'"},
                   Case{"A $ B", "position 3: expected an operator"}, Case{"2", "position 1: expected a pin name or the constant"},
                   Case{"", "expected an expression"}}) {
    try {
      BooleanFunction::compile(bad.text, "CELLX", "PINY");
      FAIL() << bad.text;
    } catch (const InputError& error) {
      std::string message = error.what();
      EXPECT_NE(message.find("cell CELLX pin PINY"), std::string::npos) << message;
      EXPECT_NE(message.find(bad.expected), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace tessera::traces::liberty
