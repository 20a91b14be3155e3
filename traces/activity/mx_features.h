#pragma once
// Per-cycle activity features of an MX dot-product unit (hw/mx/tessera_mx_dot.sv): one block pair
// (scale + block_size element codes of each operand) per cycle, in the order the unit consumes
// them. The inputs of the fitted MX energy model (mx_energy_model.h).
//
// Why these: the unit is input registers, per-lane decoders and significand multipliers with a
// shifter, an exact adder tree, a register for the block sum and an FP32 normalise/round stage.
// Each feature is the Hamming distance of what one of those stages holds, pair t against pair t-1
// (pair -1 is the reset state: every code, scale, product and sum 0). The unit is pipelined
// (3 register stages: pair t's result leaves at cycle t + 3), so cycle t holds the input-register
// loads of pair t, the decode/multiply/adder tree of pair t-1, the rounding of pair t-2 and the
// output register of pair t-3: the model takes each feature at lags 0 to 3.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "golden/mx/element_format.h"

namespace tessera::traces::activity {

// The block pairs one dot unit consumes, in cycle order. Pair p's codes are
// codes_x[p * block_size, (p + 1) * block_size); a short block is padded with zero codes.
struct MxBlockPairs {
  mx::ElementFormat format_a = mx::ElementFormat::fp8_e4m3;  // activations (port A)
  mx::ElementFormat format_b = mx::ElementFormat::fp8_e4m3;  // weights (port B)
  std::size_t block_size = 32;
  std::vector<std::uint8_t> scale_a, scale_b;
  std::vector<std::uint8_t> codes_a, codes_b;
  std::size_t size() const { return scale_a.size(); }
  // Appends one pair; `count` <= block_size codes of each side (the rest are zero).
  void append(std::uint8_t scale_a_byte, const std::uint8_t* a, std::uint8_t scale_b_byte, const std::uint8_t* b,
              std::size_t count);
};

enum class MxFeature : std::size_t {
  code_hd_a,         // element code bits of A that changed (all lanes)
  code_hd_b,
  scale_hd_a,        // E8M0 scale bits that changed
  scale_hd_b,
  significand_pp_hd, // per lane, the AND array of the two decoded significands (outer product bits)
  product_hd,        // per lane, the shifted exact product's magnitude bits
  product_sign_flips,// lanes whose product sign changed
  sum_hd,            // the exact block sum, two's complement over the unit's sum width
  result_hd,         // the FP32 result bits
  nonzero_products,  // lanes with a nonzero product (level, not a toggle)
  // The nets inside each stage, as the unsynthesised structure lays them out (Yosys keeps it:
  // one cell per gate, zero-delay replay, so a net toggles when its settled value changes).
  decoded_hd,           // per lane, the decoders' sign, significand and shift outputs of both sides
  raw_product_hd,       // per lane, the unshifted significand product
  multiplier_rows_hd,   // per lane, the array multiplier's running row sums (one per bit of B)
  shift_amount_hd,      // per lane, shift_a + shift_b
  shifter_stages_hd,    // per lane, the log shifter's stage outputs (one per shift-amount bit)
  prefix_sum_hd,        // the adder chain's running sums, lane after lane (the RTL's sum_d loop)
  adder_sum_hd,         // per lane, running sum + product (computed whatever the sign)
  adder_carry_hd,       // its carries
  subtractor_sum_hd,    // per lane, running sum - product
  subtractor_carry_hd,  // its carries
  merged_carry_hd,      // carries of running sum + (sign ? ~product : product) + sign (a shared add/sub)
  exponent_hd,          // scale_a + scale_b (the stage-2 exponent register)
  magnitude_hd,         // |sum| into the rounder
  negated_sum_hd,       // -sum (the rounder's negation)
  normalised_hd,        // |sum| shifted so its leading one is the top bit
  sum_length_hd,        // the position of |sum|'s leading one
  length_chain_hd,      // the rounder's leading-one search, bit after bit (a chain of muxes)
  rounded_off_hd,       // the bits of |sum| below the 24 kept (what rounding compares with half)
  // Yosys builds each lane's running sum + product and running sum - product as a Brent-Kung adder
  // (techmap $alu -> $lcu): besides the sum and carries above, its generate/propagate prefix tree
  // holds group generates and propagates of every span, most of the adders' nets.
  adder_tree_hd,        // per lane, the prefix tree's nets of running sum + product
  subtractor_tree_hd,   // per lane, those of running sum + ~product + 1
  // The rounder's sub-blocks as Yosys builds them (fp32_round_nets.h): most of the stage's nets,
  // which the stage-level features above (magnitude, normalised, rounded-off bits) do not follow.
  round_exponent_hd,        // lead, quantum, shift
  round_right_shifter_hd,   // magnitude >> shift, stage by stage
  round_back_shifter_hd,    // kept << shift, stage by stage
  round_rest_hd,            // magnitude - (kept << shift)
  round_half_compare_hd,    // 1 << (shift - 1) and its comparisons with the rest
  round_left_shifter_hd,    // magnitude << -shift, stage by stage
  round_increment_hd,       // kept + round bit
  round_pack_hd,            // ((quantum + 149) << 23) + n and the overflow comparison
};
inline constexpr std::size_t kMxBaseFeatures = 38;
inline constexpr std::size_t kMxLags = 4;
inline constexpr std::size_t kMxFeatureColumns = kMxBaseFeatures * kMxLags;

// "code_hd_a", ... for lag 0; "code_hd_a_prev" (lag 1), "code_hd_a_prev2", "code_hd_a_prev3".
const std::vector<std::string>& mx_feature_names();
// Column index of a name; ConfigError naming it and listing the accepted names when unknown.
std::size_t mx_feature_column(const std::string& name);

using MxCycleFeatures = std::array<double, kMxFeatureColumns>;

// Features of every pair of a stream (lags reach back to the reset state before pair 0).
std::vector<MxCycleFeatures> mx_stream_features(const MxBlockPairs& pairs);

// The exact block sum width of tessera_mx_dot for these formats and block size (signed bits).
int mx_sum_width(mx::ElementFormat format_a, mx::ElementFormat format_b, std::size_t block_size);

// Feature sums over a set of pairs (what a linear model prices a whole layer from).
struct MxActivityCounts {
  std::uint64_t pairs = 0;
  std::array<double, kMxFeatureColumns> sums{};
  void add(const MxCycleFeatures& pair);
};
MxActivityCounts count_mx_activity(const std::vector<MxCycleFeatures>& pairs);

}  // namespace tessera::traces::activity
