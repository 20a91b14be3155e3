#include "traces/activity/features.h"

#include <array>

#include "golden/common/error.h"
#include "traces/activity/bit_count.h"

namespace tessera::traces::activity {
namespace {

const std::array<std::uint64_t, 256>& byte_masks() {
  // byte i of mask[a] is 0xFF when bit i of a is set: selects the rows of outer(a, .) that are live.
  static const std::array<std::uint64_t, 256> masks = [] {
    std::array<std::uint64_t, 256> m{};
    for (unsigned a = 0; a < 256; ++a)
      for (unsigned i = 0; i < 8; ++i)
        if ((a >> i) & 1u) m[a] |= std::uint64_t{0xFF} << (8 * i);
    return m;
  }();
  return masks;
}

unsigned popcount64(std::uint64_t x) { return count_ones(x); }

std::string accepted_names() {
  std::string list;
  for (const auto& name : all_feature_names()) list += (list.empty() ? "" : ", ") + name;
  return list;
}

}  // namespace

const std::vector<std::string>& all_feature_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list{"hd_a",   "hd_b",   "pp_toggles",   "out_hd",     "sign_flips",
                                  "ones_a", "ones_b", "zero_operand", "psum_in_hd", "psum_out_hd"};
    for (std::size_t c = 0; c < kPartialProductColumns; ++c) list.push_back("pp_col_" + std::to_string(c));
    for (std::size_t b = 0; b < kOutputBits; ++b) list.push_back("out_bit_" + std::to_string(b));
    for (std::size_t r = 0; r < kRowSums; ++r) list.push_back("row_sum_hd_" + std::to_string(r));
    for (std::size_t r = 0; r < kRowSums; ++r) list.push_back("row_carry_hd_" + std::to_string(r));
    return list;
  }();
  return names;
}

const std::vector<std::string>& default_multiplier_features() {
  static const std::vector<std::string> names{"hd_a", "hd_b", "pp_toggles", "out_hd", "zero_operand"};
  return names;
}

const std::vector<std::string>& array_multiplier_features() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list{"hd_a", "hd_b", "zero_operand", "sign_flips", "ones_a", "ones_b"};
    for (std::size_t c = 0; c + 1 < kPartialProductColumns; ++c) list.push_back("pp_col_" + std::to_string(c));
    for (std::size_t b = 1; b + 1 < kOutputBits; ++b) list.push_back("out_bit_" + std::to_string(b));
    for (std::size_t r = 1; r + 1 < kRowSums; ++r) list.push_back("row_sum_hd_" + std::to_string(r));
    for (std::size_t r = 1; r < kRowSums; ++r) list.push_back("row_carry_hd_" + std::to_string(r));
    return list;
  }();
  return names;
}

const std::vector<std::string>& default_pe_features() {
  static const std::vector<std::string> names{"hd_a",         "hd_b",       "pp_toggles",  "out_hd",
                                              "zero_operand", "psum_in_hd", "psum_out_hd", "sign_flips"};
  return names;
}

std::string_view feature_name(Feature feature) { return all_feature_names().at(static_cast<std::size_t>(feature)); }

std::optional<Feature> find_feature(std::string_view name) {
  const auto& names = all_feature_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<Feature>(i);
  return std::nullopt;
}

std::vector<Feature> features_from_names(const std::vector<std::string>& names) {
  std::vector<Feature> features;
  features.reserve(names.size());
  for (const auto& name : names) {
    auto feature = find_feature(name);
    if (!feature) throw ConfigError("activity feature '" + name + "' is unknown; expected one of " + accepted_names());
    features.push_back(*feature);
  }
  return features;
}

void ActivityCounts::add(const OpFeatures& op) {
  ++ops;
  for (std::size_t f = 0; f < kFeatureCount; ++f) sums[f] += op.values[f];
}

ActivityCounts& ActivityCounts::operator+=(const ActivityCounts& other) {
  ops += other.ops;
  for (std::size_t f = 0; f < kFeatureCount; ++f) sums[f] += other.sums[f];
  return *this;
}

std::uint64_t partial_products(std::uint8_t a, std::uint8_t b) {
  return byte_masks()[a] & (std::uint64_t{b} * 0x0101010101010101ULL);
}

std::uint64_t partial_product_column_mask(std::size_t column) {
  static const std::array<std::uint64_t, kPartialProductColumns> masks = [] {
    std::array<std::uint64_t, kPartialProductColumns> m{};
    for (std::size_t i = 0; i < 8; ++i)
      for (std::size_t j = 0; j < 8; ++j) m[i + j] |= std::uint64_t{1} << (8 * i + j);
    return m;
  }();
  return masks.at(column);
}

BaughWooleyRows baugh_wooley_rows(std::uint8_t a, std::uint8_t b) {
  BaughWooleyRows rows;
  std::uint32_t sum = 0x8100;
  for (std::size_t j = 0; j < kRowSums; ++j) {
    std::uint32_t row = ((b >> j) & 1u) ? a : 0u;
    row ^= (j == 7) ? 0x7Fu : 0x80u;  // the negatively weighted bits are inverted
    const std::uint32_t addend = (row << j) & 0xFFFFu;
    const std::uint32_t next = (sum + addend) & 0xFFFFu;
    rows.carry[j] = static_cast<std::uint16_t>(next ^ sum ^ addend);
    rows.sum[j] = static_cast<std::uint16_t>(next);
    sum = next;
  }
  return rows;
}

StreamState::StreamState(const approx::MultiplierTable& table)
    : p_(static_cast<std::uint16_t>(table(0, 0))) {}

OpFeatures StreamState::next(std::int8_t a_signed, std::int8_t b_signed, std::int16_t p_signed,
                             std::int32_t psum_in_signed, bool accumulating) {
  const auto a = static_cast<std::uint8_t>(a_signed);
  const auto b = static_cast<std::uint8_t>(b_signed);
  const auto p = static_cast<std::uint16_t>(p_signed);
  OpFeatures op;
  op[Feature::hd_a] = popcount64(a ^ a_);
  op[Feature::hd_b] = popcount64(b ^ b_);
  const std::uint64_t pp_change = partial_products(a, b) ^ partial_products(a_, b_);
  op[Feature::pp_toggles] = popcount64(pp_change);
  for (std::size_t c = 0; c < kPartialProductColumns; ++c)
    op[pp_col(c)] = popcount64(pp_change & partial_product_column_mask(c));
  op[Feature::out_hd] = popcount64(p ^ p_);
  for (std::size_t bit = 0; bit < kOutputBits; ++bit) op[out_bit(bit)] = ((p ^ p_) >> bit) & 1u;
  const BaughWooleyRows now = baugh_wooley_rows(a, b), before = baugh_wooley_rows(a_, b_);
  for (std::size_t row = 0; row < kRowSums; ++row) {
    op[row_sum_hd(row)] = popcount64(std::uint64_t{now.sum[row]} ^ before.sum[row]);
    op[row_carry_hd(row)] = popcount64(std::uint64_t{now.carry[row]} ^ before.carry[row]);
  }
  op[Feature::sign_flips] = ((a ^ a_) >> 7) + ((b ^ b_) >> 7);
  op[Feature::ones_a] = popcount64(a);
  op[Feature::ones_b] = popcount64(b);
  op[Feature::zero_operand] = (a == 0 || b == 0) ? 1 : 0;
  if (accumulating) {
    // Unsigned arithmetic: the hardware adder wraps at 32 bits, signed overflow would be UB.
    const auto psum_in = static_cast<std::uint32_t>(psum_in_signed);
    const auto psum_out = psum_in + static_cast<std::uint32_t>(static_cast<std::int32_t>(p_signed));
    op[Feature::psum_in_hd] = popcount64(psum_in ^ psum_in_);
    op[Feature::psum_out_hd] = popcount64(psum_out ^ psum_out_);
    psum_in_ = psum_in;
    psum_out_ = psum_out;
  }
  a_ = a;
  b_ = b;
  p_ = p;
  return op;
}

namespace {

void check_same_length(std::size_t a, std::size_t b, const char* what) {
  if (a != b)
    throw ConfigError(std::string("activity features: ") + what + " has " + std::to_string(b) +
                      " entries, expected one per op of operand a (" + std::to_string(a) + ")");
}

}  // namespace

std::vector<OpFeatures> multiplier_stream_features(const std::vector<std::int8_t>& a,
                                                   const std::vector<std::int8_t>& b,
                                                   const approx::MultiplierTable& table) {
  check_same_length(a.size(), b.size(), "operand b");
  StreamState state(table);
  std::vector<OpFeatures> ops;
  ops.reserve(a.size());
  for (std::size_t t = 0; t < a.size(); ++t) ops.push_back(state.next(a[t], b[t], table(a[t], b[t]), 0, false));
  return ops;
}

std::vector<OpFeatures> pe_stream_features(const std::vector<std::int8_t>& a, const std::vector<std::int8_t>& b,
                                           const std::vector<std::int32_t>& psum_in,
                                           const approx::MultiplierTable& table) {
  check_same_length(a.size(), b.size(), "operand b");
  check_same_length(a.size(), psum_in.size(), "psum_in");
  StreamState state(table);
  std::vector<OpFeatures> ops;
  ops.reserve(a.size());
  for (std::size_t t = 0; t < a.size(); ++t)
    ops.push_back(state.next(a[t], b[t], table(a[t], b[t]), psum_in[t], true));
  return ops;
}

ActivityCounts count_activity(const std::vector<OpFeatures>& ops) {
  ActivityCounts counts;
  for (const auto& op : ops) counts.add(op);
  return counts;
}

Eigen::MatrixXd feature_matrix(const std::vector<OpFeatures>& ops, const std::vector<std::string>& names) {
  const auto features = features_from_names(names);
  Eigen::MatrixXd x(static_cast<Eigen::Index>(ops.size()), static_cast<Eigen::Index>(features.size()));
  for (std::size_t row = 0; row < ops.size(); ++row)
    for (std::size_t col = 0; col < features.size(); ++col)
      x(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(col)) = ops[row][features[col]];
  return x;
}

}  // namespace tessera::traces::activity
