#pragma once
// The nets of the adder Yosys builds for a + b + carry_in (techmap.v: $alu -> _90_alu, whose
// carries come from _90_lcu, a Brent-Kung prefix tree). A zero-delay replay charges a net when its
// settled value changes, so the toggles of these nets between two additions are what the adder's
// energy follows; the MX features (mx_features.h) count them for the dot unit's adder chain.
//
// Nets, as bit masks over `width` bits (words 0 and 1 are the bit propagates a ^ b and generates
// a & b; then per tree step the
// AND p_j & g_(j-d), the updated group generate g_j and the updated group propagate p_j at that
// step's positions j). Only nets the output depends on are kept, as Yosys removes the others: an
// adder's sum needs the propagates and the carries into bits 1..width-1, not the carry out; a
// comparison (a < b as the borrow of a - b) needs only the carry out. The sum is not included: it
// is a feature of its own.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tessera::traces::activity {

class BrentKungNets {
 public:
  enum class Output { sum, carry_out };
  explicit BrentKungNets(int width, Output output = Output::sum);  // 1..64 bits
  std::size_t word_count() const { return 2 + 3 * steps_.size(); }
  // Fills words[0, word_count()) for a + b + carry_in (operands already cut to `width` bits).
  void evaluate(std::uint64_t a, std::uint64_t b, bool carry_in, std::uint64_t* words) const;

  struct Step {
    int distance = 0;             // j reads position j - distance
    std::uint64_t positions = 0;  // the j this step updates
    std::uint64_t live_generates = 0;   // the j whose term and updated g_j the sum depends on
    std::uint64_t live_propagates = 0;  // the j whose updated p_j a later live step reads
  };
  const std::vector<Step>& steps() const { return steps_; }

 private:
  std::vector<Step> steps_;
  std::uint64_t live_bit_propagates_ = 0, live_bit_generates_ = 0;  // the a_j ^ b_j, a_j & b_j the output reads
};

}  // namespace tessera::traces::activity
