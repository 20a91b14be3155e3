#pragma once
// A Liberty `function` string compiled to a stack program over 64-bit words: each bit position
// is an independent evaluation (a lane), so one run evaluates 64 input patterns at once.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::traces::liberty {

enum class Opcode : std::uint8_t { push_variable, push_zero, push_ones, invert, and_, or_, xor_ };

struct Instruction {
  Opcode opcode;
  std::uint32_t variable = 0;  // index into variables() for push_variable
};

// Grammar (Liberty precedence: inversion, then XOR, then AND, then OR; left to right):
//   or   := and (('|' | '+') and)*
//   and  := xor (('&' | '*' | juxtaposition) xor)*
//   xor  := unary ('^' unary)*
//   unary:= '!' unary | primary '\''*
//   primary := '(' or ')' | '0' | '1' | pin name
class BooleanFunction {
 public:
  // Throws InputError naming the cell, the pin, the expression and the position of the error.
  static BooleanFunction compile(std::string_view expression, std::string_view cell_name,
                                 std::string_view pin_name);

  // Pin (or state variable) names in order of first appearance.
  const std::vector<std::string>& variables() const { return variables_; }
  const std::vector<Instruction>& program() const { return program_; }
  std::size_t stack_depth() const { return stack_depth_; }

  // `variable_words[i]` holds 64 lanes of variables()[i].
  std::uint64_t evaluate(const std::uint64_t* variable_words) const;

 private:
  std::vector<std::string> variables_;
  std::vector<Instruction> program_;
  std::size_t stack_depth_ = 0;
};

}  // namespace tessera::traces::liberty
