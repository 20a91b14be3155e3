#include "traces/activity/mx_features.h"

#include <algorithm>
#include <cstring>

#include "golden/common/error.h"
#include "golden/mx/dot.h"
#include "traces/activity/bit_count.h"

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
                                         "result_hd",  "nonzero_products"};
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
  // Previous pair's state, starting from reset.
  std::vector<std::uint8_t> code_a(bs, 0), code_b(bs, 0);
  std::vector<std::uint64_t> pp(bs, 0), product(bs, 0);
  std::vector<bool> product_negative(bs, false);
  std::uint8_t scale_a = 0, scale_b = 0;
  std::uint64_t sum = 0;
  std::uint32_t result = 0;
  std::vector<std::array<double, kMxBaseFeatures>> base(pairs.size());
  for (std::size_t p = 0; p < pairs.size(); ++p) {
    std::array<double, kMxBaseFeatures>& f = base[p];
    f.fill(0.0);
    const std::uint8_t* a = pairs.codes_a.data() + p * bs;
    const std::uint8_t* b = pairs.codes_b.data() + p * bs;
    std::int64_t block_sum = 0;
    for (std::size_t i = 0; i < bs; ++i) {
      const Lane la = decode(a[i], pairs.format_a), lb = decode(b[i], pairs.format_b);
      const std::uint64_t pp_bits = outer_product_bits(la.significand, lb.significand);
      const std::uint64_t magnitude = (la.special || lb.special)
                                          ? 0
                                          : static_cast<std::uint64_t>(la.significand) * lb.significand
                                                << (la.shift + lb.shift);
      const bool negative = la.negative != lb.negative;
      f[0] += count_ones(static_cast<std::uint64_t>(a[i] ^ code_a[i]));
      f[1] += count_ones(static_cast<std::uint64_t>(b[i] ^ code_b[i]));
      f[4] += count_ones(pp_bits ^ pp[i]);
      f[5] += count_ones(magnitude ^ product[i]);
      f[6] += negative != product_negative[i] ? 1.0 : 0.0;
      f[9] += magnitude != 0 ? 1.0 : 0.0;
      block_sum += negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
      code_a[i] = a[i];
      code_b[i] = b[i];
      pp[i] = pp_bits;
      product[i] = magnitude;
      product_negative[i] = negative;
    }
    f[2] = count_ones(static_cast<std::uint64_t>(pairs.scale_a[p] ^ scale_a));
    f[3] = count_ones(static_cast<std::uint64_t>(pairs.scale_b[p] ^ scale_b));
    scale_a = pairs.scale_a[p];
    scale_b = pairs.scale_b[p];
    const std::uint64_t sum_bits = static_cast<std::uint64_t>(block_sum) & sum_mask;
    f[7] = count_ones(sum_bits ^ sum);
    sum = sum_bits;
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
