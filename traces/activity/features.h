#pragma once
// Per-operation activity features of an 8x8 multiplier's operand stream, the inputs of the fast
// data-dependent energy model (energy_model.h).
//
// Why these features: a multiplier's energy per op is nearly proportional to its gate toggles, and
// operand Hamming distance alone predicts those poorly (zeros and sign changes dominate; research
// note power.md section 4, per-op R^2 ~0.25). Toggles of the 64 partial-product AND bits plus the
// output Hamming distance predict them well (R^2 ~0.95), and both cost one 64-bit XOR-popcount.
//
// A stream is one unit's ops in cycle order: activation a on port A, weight b on port B (signed
// int8, raw two's-complement bits), p the 16-bit product the unit's table gives (what the circuit
// outputs, approximate or not). Every feature of op t compares op t with op t-1 of the same
// stream; op 0 compares with the state after reset: operands 0 and the product the circuit gives
// for them, table(0, 0), and a zero partial sum.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>

#include "golden/approx/table.h"

namespace tessera::traces::activity {

enum class Feature : std::size_t {
  hd_a,          // popcount(a ^ a_prev)
  hd_b,          // popcount(b ^ b_prev)
  pp_toggles,    // popcount(outer(a, b) ^ outer(a_prev, b_prev)), outer bit 8i+j = a_i & b_j
  out_hd,        // popcount(p ^ p_prev) over the 16 output bits
  sign_flips,    // sign-bit changes of a plus those of b (0..2)
  ones_a,        // popcount(a)
  ones_b,        // popcount(b)
  zero_operand,  // 1 when a == 0 or b == 0
  psum_in_hd,    // accumulating PE only: popcount(psum_in ^ psum_in_prev), 32 bits
  psum_out_hd,   // accumulating PE only: popcount(psum_out ^ psum_out_prev), psum_out = psum_in + p
  // Partial-product toggles by column c = i + j of the array (pp_col_0 .. pp_col_14): the bits the
  // adder tree of column c sees change, so carries into the columns above.
  pp_col_0,
  // Output bit toggles one by one (out_bit_0 .. out_bit_15): the final adder's sum bits.
  out_bit_0 = pp_col_0 + 15,
  // The adder rows of a Baugh-Wooley array multiplier (tessera_mul8s_bw.sv): p = 0x8100 + sum_j
  // (row_j << j), added row by row. row_sum_hd_j: Hamming distance of the running sum after row j
  // (16 bits); row_carry_hd_j: of that addition's carry vector. What the array's adders output.
  row_sum_hd_0 = out_bit_0 + 16,
  row_carry_hd_0 = row_sum_hd_0 + 8,
};
inline constexpr std::size_t kRowSums = 8;
inline constexpr std::size_t kPartialProductColumns = 15;
inline constexpr std::size_t kOutputBits = 16;
inline constexpr std::size_t kFeatureCount = static_cast<std::size_t>(Feature::row_carry_hd_0) + kRowSums;
inline Feature pp_col(std::size_t column) {
  return static_cast<Feature>(static_cast<std::size_t>(Feature::pp_col_0) + column);
}
inline Feature out_bit(std::size_t bit) { return static_cast<Feature>(static_cast<std::size_t>(Feature::out_bit_0) + bit); }
inline Feature row_sum_hd(std::size_t row) {
  return static_cast<Feature>(static_cast<std::size_t>(Feature::row_sum_hd_0) + row);
}
inline Feature row_carry_hd(std::size_t row) {
  return static_cast<Feature>(static_cast<std::size_t>(Feature::row_carry_hd_0) + row);
}
// The running sums and carry vectors of a Baugh-Wooley array on raw operand bits a, b: row j holds
// a_i & b_j at column i + j, inverted where exactly one of i, j is 7; sum_j = (0x8100 + rows 0..j)
// mod 2^16; carry_j = the carries into each bit when row j is added.
struct BaughWooleyRows {
  std::array<std::uint16_t, kRowSums> sum{};
  std::array<std::uint16_t, kRowSums> carry{};
};
BaughWooleyRows baugh_wooley_rows(std::uint8_t a, std::uint8_t b);

// Every feature's name, in enum order ("hd_a", "hd_b", ...).
const std::vector<std::string>& all_feature_names();
std::string_view feature_name(Feature feature);
std::optional<Feature> find_feature(std::string_view name);
// Resolves names; throws ConfigError naming the unknown one and listing the accepted names.
std::vector<Feature> features_from_names(const std::vector<std::string>& names);

// The features the measured fits keep for a bare 8x8 multiplier (README.md: each improves
// held-out R^2 on gate-level energies of the exact Baugh-Wooley array):
// hd_a, hd_b, pp_toggles, out_hd, zero_operand.
const std::vector<std::string>& default_multiplier_features();
// The richer set for a multiplier built as an adder array (what `tessera power fit` uses): the
// operand Hamming distances and zero/sign/popcount terms, partial-product toggles per column,
// output toggles per bit and the Baugh-Wooley row sums and carries. Terms that are always 0 in an
// array (row 0 has no carries) or equal to a combination of the others are left out.
const std::vector<std::string>& array_multiplier_features();
// For an accumulating PE (multiplier + 32-bit adder): the multiplier's features plus
// psum_in_hd, psum_out_hd and sign_flips (the sign-extended adder input).
const std::vector<std::string>& default_pe_features();

struct OpFeatures {
  std::array<std::uint32_t, kFeatureCount> values{};
  std::uint32_t operator[](Feature f) const { return values[static_cast<std::size_t>(f)]; }
  std::uint32_t& operator[](Feature f) { return values[static_cast<std::size_t>(f)]; }
};

// Per-feature sums over a set of ops. A linear model prices a whole layer from these alone:
// energy = intercept * ops + sum_f coef_f * sums[f].
struct ActivityCounts {
  std::uint64_t ops = 0;
  std::array<std::uint64_t, kFeatureCount> sums{};

  std::uint64_t sum(Feature f) const { return sums[static_cast<std::size_t>(f)]; }
  void add(const OpFeatures& op);
  ActivityCounts& operator+=(const ActivityCounts& other);
  bool operator==(const ActivityCounts& other) const { return ops == other.ops && sums == other.sums; }
  bool operator!=(const ActivityCounts& other) const { return !(*this == other); }
};

// outer(a, b) as 64 bits: bit 8i+j = a_i & b_j. Rows of b gated by the bits of a.
std::uint64_t partial_products(std::uint8_t a, std::uint8_t b);
// The bits of column c (i + j = c) of that 64-bit layout, c in [0, 15).
std::uint64_t partial_product_column_mask(std::size_t column);

// What one multiplier (or PE) holds between ops. Starts in the reset state described above.
class StreamState {
 public:
  explicit StreamState(const approx::MultiplierTable& table);
  // Features of the next op. `accumulating` enables the partial-sum features (a PE whose adder
  // takes psum_in and gives psum_in + p); for a bare multiplier they stay 0.
  OpFeatures next(std::int8_t a, std::int8_t b, std::int16_t p, std::int32_t psum_in, bool accumulating);

 private:
  std::uint8_t a_ = 0, b_ = 0;
  std::uint16_t p_ = 0;
  std::uint32_t psum_in_ = 0, psum_out_ = 0;
};

// Features of every op of a bare multiplier's stream. a and b must have equal lengths.
std::vector<OpFeatures> multiplier_stream_features(const std::vector<std::int8_t>& a,
                                                   const std::vector<std::int8_t>& b,
                                                   const approx::MultiplierTable& table);
// Features of every op of an accumulating PE: psum_in[t] is the partial sum entering it at op t.
std::vector<OpFeatures> pe_stream_features(const std::vector<std::int8_t>& a, const std::vector<std::int8_t>& b,
                                           const std::vector<std::int32_t>& psum_in,
                                           const approx::MultiplierTable& table);

ActivityCounts count_activity(const std::vector<OpFeatures>& ops);

// One row per op, one column per named feature (in the order given), for fitting.
Eigen::MatrixXd feature_matrix(const std::vector<OpFeatures>& ops, const std::vector<std::string>& names);

}  // namespace tessera::traces::activity
