#include "traces/liberty/boolean_function.h"

#include <algorithm>
#include <cctype>

#include "golden/common/error.h"

namespace tessera::traces::liberty {

namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '[' || c == ']' || c == '.';
}

class FunctionCompiler {
 public:
  FunctionCompiler(std::string_view expression, std::string_view cell, std::string_view pin)
      : text_(expression), cell_(cell), pin_(pin) {}

  void compile(std::vector<std::string>& variables, std::vector<Instruction>& program) {
    variables_ = &variables;
    program_ = &program;
    skip_spaces();
    if (at_end()) fail("an expression");
    parse_or();
    skip_spaces();
    if (!at_end()) fail("an operator or the end of the expression");
  }

 private:
  [[noreturn]] void fail(const std::string& expected) const {
    std::string got = at_end() ? "end of expression" : "'" + std::string(1, text_[pos_]) + "'";
    throw InputError("cell " + std::string(cell_) + " pin " + std::string(pin_) + " function '" +
                     std::string(text_) + "': position " + std::to_string(pos_ + 1) +
                     ": expected " + expected + ", got " + got);
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void skip_spaces() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  void emit(Opcode opcode, std::uint32_t variable = 0) { program_->push_back({opcode, variable}); }

  void parse_or() {
    parse_and();
    while (true) {
      skip_spaces();
      if (peek() != '|' && peek() != '+') return;
      ++pos_;
      parse_and();
      emit(Opcode::or_);
    }
  }

  bool starts_operand() const {
    char c = peek();
    return c == '(' || c == '!' || is_name_char(c);
  }

  void parse_and() {
    parse_xor();
    while (true) {
      skip_spaces();
      if (peek() == '&' || peek() == '*') {
        ++pos_;
      } else if (!starts_operand()) {
        return;
      }
      parse_xor();
      emit(Opcode::and_);
    }
  }

  void parse_xor() {
    parse_unary();
    while (true) {
      skip_spaces();
      if (peek() != '^') return;
      ++pos_;
      parse_unary();
      emit(Opcode::xor_);
    }
  }

  void parse_unary() {
    skip_spaces();
    if (peek() == '!') {
      ++pos_;
      parse_unary();
      emit(Opcode::invert);
      return;
    }
    parse_primary();
    while (true) {
      skip_spaces();
      if (peek() != '\'') return;
      ++pos_;
      emit(Opcode::invert);
    }
  }

  void parse_primary() {
    skip_spaces();
    if (peek() == '(') {
      ++pos_;
      parse_or();
      skip_spaces();
      if (peek() != ')') fail("')'");
      ++pos_;
      return;
    }
    std::size_t start = pos_;
    while (!at_end() && is_name_char(text_[pos_])) ++pos_;
    if (start == pos_) fail("a pin name, a constant or '('");
    std::string name(text_.substr(start, pos_ - start));
    if (name == "0") {
      emit(Opcode::push_zero);
    } else if (name == "1") {
      emit(Opcode::push_ones);
    } else if (std::isdigit(static_cast<unsigned char>(name.front()))) {
      pos_ = start;
      fail("a pin name or the constant 0 or 1");
    } else {
      auto found = std::find(variables_->begin(), variables_->end(), name);
      std::size_t index = static_cast<std::size_t>(found - variables_->begin());
      if (found == variables_->end()) variables_->push_back(name);
      emit(Opcode::push_variable, static_cast<std::uint32_t>(index));
    }
  }

  std::string_view text_;
  std::string_view cell_;
  std::string_view pin_;
  std::size_t pos_ = 0;
  std::vector<std::string>* variables_ = nullptr;
  std::vector<Instruction>* program_ = nullptr;
};

}  // namespace

BooleanFunction BooleanFunction::compile(std::string_view expression, std::string_view cell_name,
                                         std::string_view pin_name) {
  BooleanFunction function;
  FunctionCompiler(expression, cell_name, pin_name).compile(function.variables_, function.program_);
  std::size_t depth = 0;
  for (const Instruction& instruction : function.program_) {
    switch (instruction.opcode) {
      case Opcode::push_variable:
      case Opcode::push_zero:
      case Opcode::push_ones:
        function.stack_depth_ = std::max(function.stack_depth_, ++depth);
        break;
      case Opcode::invert:
        break;
      default:
        --depth;
    }
  }
  return function;
}

std::uint64_t BooleanFunction::evaluate(const std::uint64_t* variable_words) const {
  std::vector<std::uint64_t> stack(stack_depth_);
  std::size_t top = 0;
  for (const Instruction& instruction : program_) {
    switch (instruction.opcode) {
      case Opcode::push_variable: stack[top++] = variable_words[instruction.variable]; break;
      case Opcode::push_zero: stack[top++] = 0; break;
      case Opcode::push_ones: stack[top++] = ~std::uint64_t{0}; break;
      case Opcode::invert: stack[top - 1] = ~stack[top - 1]; break;
      case Opcode::and_: --top; stack[top - 1] &= stack[top]; break;
      case Opcode::or_: --top; stack[top - 1] |= stack[top]; break;
      case Opcode::xor_: --top; stack[top - 1] ^= stack[top]; break;
    }
  }
  return stack[0];
}

}  // namespace tessera::traces::liberty
