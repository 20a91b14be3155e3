#include "traces/activity/mx_features.h"

#include <algorithm>
#include <cstring>

#include "golden/common/error.h"
#include "golden/mx/dot.h"
#include "traces/activity/bit_count.h"
#include "traces/activity/brent_kung_nets.h"
#include "traces/activity/fp32_round_nets.h"

namespace tessera::traces::activity {

void MxBlockPairs::append(std::uint8_t scale_a_byte, const std::uint8_t* a, std::uint8_t scale_b_byte,
                          const std::uint8_t* b, std::size_t count) {
  if (count > block_size) throw Error("MxBlockPairs::append: more codes than the block size");
  scale_a.push_back(scale_a_byte);
  scale_b.push_back(scale_b_byte);
  codes_a.insert(codes_a.end(), a, a + count);
  codes_a.insert(codes_a.end(), block_size - count, 0);
  codes_b.insert(codes_b.end(), b, b + count);
  codes_b.insert(codes_b.end(), block_size - count, 0);
}

const std::vector<std::string>& mx_feature_names() {
  static const std::vector<std::string> names = [] {
    const char* base[kMxBaseFeatures] = {"code_hd_a",  "code_hd_b",          "scale_hd_a", "scale_hd_b",
                                         "significand_pp_hd", "product_hd", "product_sign_flips", "sum_hd",
                                         "result_hd",  "nonzero_products",
                                         "decoded_hd", "raw_product_hd", "multiplier_rows_hd", "shift_amount_hd",
                                         "shifter_stages_hd", "prefix_sum_hd", "adder_sum_hd", "adder_carry_hd",
                                         "subtractor_sum_hd", "subtractor_carry_hd", "merged_carry_hd",
                                         "exponent_hd", "magnitude_hd", "negated_sum_hd", "normalised_hd",
                                         "sum_length_hd", "length_chain_hd", "rounded_off_hd",
                                         "adder_tree_hd", "subtractor_tree_hd", "round_exponent_hd",
                                         "round_right_shifter_hd", "round_back_shifter_hd", "round_rest_hd",
                                         "round_half_compare_hd", "round_left_shifter_hd", "round_increment_hd",
                                         "round_pack_hd"};
    std::vector<std::string> all;
    for (const char* suffix : {"", "_prev", "_prev2", "_prev3"}) {
      for (const char* name : base) all.push_back(std::string(name) + suffix);
    }
    return all;
  }();
  return names;
}

std::size_t mx_feature_column(const std::string& name) {
  const std::vector<std::string>& names = mx_feature_names();
  const auto found = std::find(names.begin(), names.end(), name);
  if (found != names.end()) return static_cast<std::size_t>(found - names.begin());
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
  throw ConfigError("unknown MX activity feature '" + name + "' (accepted: " + list + ")");
}

namespace {

// Largest (exponent - lsb) of a finite element: how far the unit shifts a significand left.
int max_shift(mx::ElementFormat format) {
  const mx::ElementSpec spec = mx::element_spec(format);
  int shift = 0;
  for (unsigned code = 0; code < mx::code_count(format); ++code) {
    const mx::ElementValue v = mx::decode_element(static_cast<std::uint8_t>(code), format);
    if (v.kind == mx::ElementClass::finite) shift = std::max(shift, v.exponent - spec.lsb_exponent);
  }
  return shift;
}

int significand_bits(mx::ElementFormat format) {
  const mx::ElementSpec spec = mx::element_spec(format);
  return spec.is_integer ? 8 : spec.mantissa_bits + 1;
}

int ceil_log2(std::size_t x) {
  int bits = 0;
  while ((std::size_t{1} << bits) < x) ++bits;
  return bits;
}

struct Lane {
  std::uint32_t significand = 0;
  int shift = 0;
  bool negative = false;
  bool special = false;  // NaN or Inf: the unit's product is 0
};

Lane decode(std::uint8_t code, mx::ElementFormat format) {
  const mx::ElementValue v = mx::decode_element(code, format);
  Lane lane;
  lane.negative = v.negative;
  if (v.kind != mx::ElementClass::finite) {
    lane.special = true;
    return lane;
  }
  lane.significand = v.significand;
  lane.shift = v.exponent - mx::element_spec(format).lsb_exponent;
  return lane;
}

std::uint64_t outer_product_bits(std::uint32_t a, std::uint32_t b) {
  std::uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) {
    if ((a >> i) & 1u) bits |= static_cast<std::uint64_t>(b & 0xFFu) << (8 * i);
  }
  return bits;
}

std::uint32_t float_bits(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// Everything one lane's nets hold for a pair, the previous pair's kept to count toggles.
struct LaneNets {
  std::uint64_t code_a = 0, code_b = 0, decoded = 0, outer = 0, raw_product = 0, rows = 0, shift_amount = 0,
                stages = 0, product = 0, prefix = 0, add_sum = 0, add_carry = 0, sub_sum = 0, sub_carry = 0,
                merged_carry = 0;
  bool negative = false;
};

// Decoder outputs packed: sign, 8-bit significand, 5-bit shift per side.
std::uint64_t decoded_bits(const Lane& a, const Lane& b) {
  const auto side = [](const Lane& l) {
    return static_cast<std::uint64_t>(l.negative) | static_cast<std::uint64_t>(l.significand & 0xFFu) << 1 |
           static_cast<std::uint64_t>(l.shift & 0x1F) << 9;
  };
  return side(a) | side(b) << 14;
}

// Toggles summed over the nets of a sequence of intermediate values.
unsigned toggles_of(const std::uint64_t* now, const std::uint64_t* before, int count) {
  unsigned total = 0;
  for (int i = 0; i < count; ++i) total += count_ones(now[i] ^ before[i]);
  return total;
}

int bit_length(std::uint64_t x) {
  int length = 0;
  while (x != 0) {
    ++length;
    x >>= 1;
  }
  return length;
}

}  // namespace

int mx_sum_width(mx::ElementFormat format_a, mx::ElementFormat format_b, std::size_t block_size) {
  const int product_width =
      significand_bits(format_a) + significand_bits(format_b) + max_shift(format_a) + max_shift(format_b);
  return product_width + ceil_log2(block_size + 1) + 1;
}

std::vector<MxCycleFeatures> mx_stream_features(const MxBlockPairs& pairs) {
  const std::size_t bs = pairs.block_size;
  if (pairs.scale_b.size() != pairs.size() || pairs.codes_a.size() != pairs.size() * bs ||
      pairs.codes_b.size() != pairs.size() * bs) {
    throw Error("mx_stream_features: scales and codes disagree on the number of pairs");
  }
  const int sum_width = mx_sum_width(pairs.format_a, pairs.format_b, bs);
  const std::uint64_t sum_mask = sum_width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << sum_width) - 1;
  // Previous pair's state, starting from reset (every register and net 0).
  std::vector<LaneNets> lanes(bs);
  // The array multiplier's 8 row sums and the shifter's 6 stages of every lane, previous pair.
  std::vector<std::array<std::uint64_t, 8>> rows(bs, std::array<std::uint64_t, 8>{});
  std::vector<std::array<std::uint64_t, 6>> stages(bs, std::array<std::uint64_t, 6>{});
  std::uint8_t scale_a = 0, scale_b = 0;
  std::uint64_t sum = 0, magnitude = 0, negated = 0, normalised = 0, exponent = 0, length = 0, rounded_off = 0;
  std::uint32_t result = 0;
  std::vector<int> length_chain(static_cast<std::size_t>(sum_width), 0);
  // Sums wider than 64 bits (E5M2 x E5M2) are followed in their low 64 bits, like the values above.
  const int net_width = std::min(sum_width, 64);
  const BrentKungNets prefix_tree(net_width);
  const std::size_t tree_words = prefix_tree.word_count();
  // Per lane, the adder's then the subtractor's prefix-tree nets of the previous pair.
  std::vector<std::uint64_t> trees(bs * 2 * tree_words, 0), tree_now(2 * tree_words);
  const Fp32RoundNets rounder(net_width);
  // The stage-2 exponent register: scale_a + scale_b - 254 + lsb_a + lsb_b (tessera_mx_dot.sv).
  const int exponent_offset =
      -254 + mx::element_spec(pairs.format_a).lsb_exponent + mx::element_spec(pairs.format_b).lsb_exponent;
  RoundNetWords round_before, round_now;
  rounder.evaluate(0, 0, round_before);  // reset: sum and exponent registers 0
  std::vector<std::array<double, kMxBaseFeatures>> base(pairs.size());
  for (std::size_t p = 0; p < pairs.size(); ++p) {
    std::array<double, kMxBaseFeatures>& f = base[p];
    f.fill(0.0);
    const std::uint8_t* a = pairs.codes_a.data() + p * bs;
    const std::uint8_t* b = pairs.codes_b.data() + p * bs;
    std::uint64_t running = 0;  // the chain's sum so far, two's complement over sum_width bits
    for (std::size_t i = 0; i < bs; ++i) {
      const Lane la = decode(a[i], pairs.format_a), lb = decode(b[i], pairs.format_b);
      LaneNets now;
      now.code_a = a[i];
      now.code_b = b[i];
      now.decoded = decoded_bits(la, lb);
      now.outer = outer_product_bits(la.significand, lb.significand);
      now.raw_product = static_cast<std::uint64_t>(la.significand) * lb.significand;
      std::array<std::uint64_t, 8> row_now{};
      std::uint64_t row_sum = 0;
      for (int r = 0; r < 8; ++r) {
        if ((lb.significand >> r) & 1u) row_sum += static_cast<std::uint64_t>(la.significand) << r;
        row_now[static_cast<std::size_t>(r)] = row_sum;
      }
      now.shift_amount = static_cast<std::uint64_t>(la.shift + lb.shift);
      std::array<std::uint64_t, 6> stage_now{};
      std::uint64_t shifted = now.raw_product;
      for (int s = 0; s < 6; ++s) {
        if ((now.shift_amount >> s) & 1u) shifted = (shifted << (1 << s)) & sum_mask;
        stage_now[static_cast<std::size_t>(s)] = shifted;
      }
      now.product = (la.special || lb.special) ? 0 : now.raw_product << (la.shift + lb.shift);
      now.negative = la.negative != lb.negative;
      const std::uint64_t add = (running + now.product) & sum_mask;
      const std::uint64_t sub = (running - now.product) & sum_mask;
      const std::uint64_t inverted = ~now.product & sum_mask;
      now.add_sum = add;
      now.add_carry = add ^ running ^ now.product;
      now.sub_sum = sub;
      now.sub_carry = sub ^ running ^ inverted;
      now.merged_carry = now.negative ? now.sub_carry : now.add_carry;
      prefix_tree.evaluate(running, now.product, false, tree_now.data());
      prefix_tree.evaluate(running, inverted, true, tree_now.data() + tree_words);
      std::uint64_t* tree_before = trees.data() + i * 2 * tree_words;
      f[28] += toggles_of(tree_now.data(), tree_before, static_cast<int>(tree_words));
      f[29] += toggles_of(tree_now.data() + tree_words, tree_before + tree_words, static_cast<int>(tree_words));
      std::copy(tree_now.begin(), tree_now.end(), tree_before);
      running = now.negative ? sub : add;
      now.prefix = running;

      const LaneNets& before = lanes[i];
      f[0] += count_ones(now.code_a ^ before.code_a);
      f[1] += count_ones(now.code_b ^ before.code_b);
      f[4] += count_ones(now.outer ^ before.outer);
      f[5] += count_ones(now.product ^ before.product);
      f[6] += now.negative != before.negative ? 1.0 : 0.0;
      f[9] += now.product != 0 ? 1.0 : 0.0;
      f[10] += count_ones(now.decoded ^ before.decoded);
      f[11] += count_ones(now.raw_product ^ before.raw_product);
      f[12] += toggles_of(row_now.data(), rows[i].data(), 8);
      f[13] += count_ones(now.shift_amount ^ before.shift_amount);
      f[14] += toggles_of(stage_now.data(), stages[i].data(), 6);
      f[15] += count_ones(now.prefix ^ before.prefix);
      f[16] += count_ones(now.add_sum ^ before.add_sum);
      f[17] += count_ones(now.add_carry ^ before.add_carry);
      f[18] += count_ones(now.sub_sum ^ before.sub_sum);
      f[19] += count_ones(now.sub_carry ^ before.sub_carry);
      f[20] += count_ones(now.merged_carry ^ before.merged_carry);
      lanes[i] = now;
      rows[i] = row_now;
      stages[i] = stage_now;
    }
    f[2] = count_ones(static_cast<std::uint64_t>(pairs.scale_a[p] ^ scale_a));
    f[3] = count_ones(static_cast<std::uint64_t>(pairs.scale_b[p] ^ scale_b));
    const std::uint64_t exponent_now = static_cast<std::uint64_t>(pairs.scale_a[p]) + pairs.scale_b[p];
    f[21] = count_ones(exponent_now ^ exponent);
    exponent = exponent_now;
    scale_a = pairs.scale_a[p];
    scale_b = pairs.scale_b[p];
    f[7] = count_ones(running ^ sum);
    sum = running;
    const bool sum_negative = sum_width < 64 ? ((running >> (sum_width - 1)) & 1u) != 0 : (running >> 63) != 0;
    const std::uint64_t negated_now = (~running + 1) & sum_mask;
    const std::uint64_t magnitude_now = sum_negative ? negated_now : running;
    const int length_now = bit_length(magnitude_now);
    const std::uint64_t normalised_now = length_now == 0 ? 0 : magnitude_now << (64 - length_now);
    f[22] = count_ones(magnitude_now ^ magnitude);
    f[23] = count_ones(negated_now ^ negated);
    f[24] = count_ones(normalised_now ^ normalised);
    f[25] = count_ones(static_cast<std::uint64_t>(length_now) ^ length);
    int prefix_length = 0;
    for (int bit = 0; bit < sum_width; ++bit) {
      if ((magnitude_now >> bit) & 1u) prefix_length = bit + 1;
      f[26] += count_ones(static_cast<std::uint64_t>(prefix_length ^ length_chain[static_cast<std::size_t>(bit)]));
      length_chain[static_cast<std::size_t>(bit)] = prefix_length;
    }
    const std::uint64_t rounded_off_now =
        length_now > 24 ? magnitude_now & ((std::uint64_t{1} << (length_now - 24)) - 1) : 0;
    f[27] = count_ones(rounded_off_now ^ rounded_off);
    rounder.evaluate(magnitude_now, static_cast<int>(exponent_now) + exponent_offset, round_now);
    for (std::size_t g = 0; g < kRoundNetGroups; ++g) {
      f[30 + g] = toggles_of(round_now[g].data(), round_before[g].data(), static_cast<int>(round_now[g].size()));
    }
    std::swap(round_before, round_now);
    rounded_off = rounded_off_now;
    magnitude = magnitude_now;
    negated = negated_now;
    normalised = normalised_now;
    length = static_cast<std::uint64_t>(length_now);
    const mx::MxVectorView va{pairs.format_a, bs, bs, a, &pairs.scale_a[p]};
    const mx::MxVectorView vb{pairs.format_b, bs, bs, b, &pairs.scale_b[p]};
    const std::uint32_t bits = float_bits(mx::mx_dot(va, vb, mx::Accumulation::fused_exact));
    f[8] = count_ones(static_cast<std::uint64_t>(bits ^ result));
    result = bits;
  }
  std::vector<MxCycleFeatures> features(pairs.size());
  for (std::size_t p = 0; p < pairs.size(); ++p) {
    features[p].fill(0.0);
    for (std::size_t lag = 0; lag < kMxLags && lag <= p; ++lag) {
      std::copy(base[p - lag].begin(), base[p - lag].end(), features[p].begin() + static_cast<std::ptrdiff_t>(lag * kMxBaseFeatures));
    }
  }
  return features;
}

void MxActivityCounts::add(const MxCycleFeatures& pair) {
  ++pairs;
  for (std::size_t i = 0; i < kMxFeatureColumns; ++i) sums[i] += pair[i];
}

MxActivityCounts count_mx_activity(const std::vector<MxCycleFeatures>& pairs) {
  MxActivityCounts counts;
  for (const MxCycleFeatures& pair : pairs) counts.add(pair);
  return counts;
}

}  // namespace tessera::traces::activity
