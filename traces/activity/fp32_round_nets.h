#pragma once
// The nets of the FP32 normalise/round stage (hw/common/tessera_fp32_round.sv) as Yosys builds it
// (techmap.v: shifts are log shifters of one mux layer per shift-amount bit, behind a mux that
// zeroes the input when the amount is out of range; +, -, < and > are Brent-Kung adders,
// brent_kung_nets.h). Its inputs are a whole block's exact sum, so no table over operand codes can
// give them; the MX features (mx_features.h) count their toggles pair to pair, grouped by the
// rounder's sub-blocks.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "traces/activity/brent_kung_nets.h"

namespace tessera::traces::activity {

enum class RoundNetGroup : std::size_t {
  exponent_path,   // lead = length - 1 + exponent, quantum, shift = quantum - exponent, shift - 1, -shift
  right_shifter,   // kept = magnitude >> shift, stage by stage
  back_shifter,    // kept << shift, stage by stage
  rest,            // rest = magnitude - (kept << shift): the subtractor's nets and rest
  half_compare,    // half = 1 << (shift - 1) stage by stage, rest > half (a subtractor), rest == half
  left_shifter,    // 25 bits of magnitude << -shift, stage by stage (the shift <= 0 path)
  increment,       // n = kept + round bit: the adder's nets and n
  pack,            // ((quantum + 149) << 23) + n and its comparison with 0x7F800000
};
inline constexpr std::size_t kRoundNetGroups = 8;

// Net words of each group for one (magnitude, exponent) pair; every call for one width fills the
// same number of words per group, so two calls' words compare word by word.
using RoundNetWords = std::array<std::vector<std::uint64_t>, kRoundNetGroups>;

// A shifter as Yosys' techmap builds it (techmap.v _90_shift_ops_shr_shl_sshl_sshr): the input
// zeroed when the amount's bits above the stages are set, then one mux layer per amount bit;
// appends every layer's output (width <= 64 bits) to `out`.
void log_shifter_nets(std::uint64_t value, std::uint32_t amount, int width, bool left, std::vector<std::uint64_t>& out);

class Fp32RoundNets {
 public:
  explicit Fp32RoundNets(int width);  // the rounder's Width parameter, 2..64
  // magnitude: |sum| (width bits); exponent: the stage's 12-bit signed exponent input.
  void evaluate(std::uint64_t magnitude, int exponent, RoundNetWords& words) const;

 private:
  int width_;
  BrentKungNets wide_, wide_comparison_, n_adder_, pack_adder_, pack_comparison_;
};

}  // namespace tessera::traces::activity
