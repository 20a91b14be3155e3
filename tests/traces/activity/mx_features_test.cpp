// MX dot-unit features (traces/activity/mx_features.h): every feature but nonzero_products is a
// toggle count of something a pair determines, so a repeated pair toggles nothing, alternating
// pairs toggle the same both ways, and a nonzero pair toggles the adders' prefix trees and the
// rounder's sub-blocks coming from reset. Checked for every format pair the shipped models use, one
// with integer elements and E5M2 x E5M2, whose exact sum is wider than 64 bits.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "traces/activity/mx_features.h"

namespace tessera {
namespace {

using traces::activity::MxBlockPairs;
using traces::activity::MxFeature;

constexpr std::size_t kBlock = 8;

// `count` pairs of random finite-ish codes (NaN/Inf codes too: the unit prices them like any other).
MxBlockPairs random_pairs(mx::ElementFormat a, mx::ElementFormat b, std::size_t count, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  MxBlockPairs pairs;
  pairs.format_a = a;
  pairs.format_b = b;
  pairs.block_size = kBlock;
  for (std::size_t p = 0; p < count; ++p) {
    std::uint8_t codes_a[kBlock], codes_b[kBlock];
    for (std::size_t i = 0; i < kBlock; ++i) {
      codes_a[i] = static_cast<std::uint8_t>(random() % mx::code_count(a));
      codes_b[i] = static_cast<std::uint8_t>(random() % mx::code_count(b));
    }
    pairs.append(static_cast<std::uint8_t>(120 + random() % 10), codes_a, static_cast<std::uint8_t>(120 + random() % 10),
                 codes_b, kBlock);
  }
  return pairs;
}

MxBlockPairs repeated(const MxBlockPairs& source, const std::vector<std::size_t>& order) {
  MxBlockPairs out;
  out.format_a = source.format_a;
  out.format_b = source.format_b;
  out.block_size = source.block_size;
  for (const std::size_t p : order) {
    out.append(source.scale_a[p], source.codes_a.data() + p * kBlock, source.scale_b[p],
               source.codes_b.data() + p * kBlock, kBlock);
  }
  return out;
}

class MxFeatures : public ::testing::TestWithParam<std::pair<mx::ElementFormat, mx::ElementFormat>> {};

TEST_P(MxFeatures, RepeatedPairsToggleNothingAndAlternatingPairsToggleAlike) {
  const auto [format_a, format_b] = GetParam();
  const MxBlockPairs source = random_pairs(format_a, format_b, 2, 5);
  const std::size_t nonzero = static_cast<std::size_t>(MxFeature::nonzero_products);
  const auto base = [](std::size_t column) { return column % traces::activity::kMxBaseFeatures; };

  const auto same = traces::activity::mx_stream_features(repeated(source, {0, 0, 0, 0, 0, 0}));
  for (std::size_t column = 0; column < traces::activity::kMxFeatureColumns; ++column) {
    if (base(column) == nonzero) continue;
    // Pair 4's lags reach pairs 1..4, all equal to their predecessors.
    EXPECT_EQ(same[4][column], 0.0) << traces::activity::mx_feature_names()[column];
  }

  const auto alternating = traces::activity::mx_stream_features(repeated(source, {0, 1, 0, 1, 0}));
  for (std::size_t column = 0; column < traces::activity::kMxBaseFeatures; ++column) {
    if (column == nonzero) continue;  // a level, not a toggle
    // Hamming distances are symmetric: 0 -> 1 toggles what 1 -> 0 does.
    EXPECT_EQ(alternating[1][column], alternating[2][column]) << traces::activity::mx_feature_names()[column];
    EXPECT_EQ(alternating[2][column], alternating[3][column]) << traces::activity::mx_feature_names()[column];
  }
  // Lag 1 of pair 2 is pair 1's lag 0.
  EXPECT_EQ(alternating[2][traces::activity::kMxBaseFeatures], alternating[1][0]);

  // From reset (everything 0) a nonzero block toggles the new structural features.
  const auto first = traces::activity::mx_stream_features(repeated(source, {0}));
  for (const char* name : {"adder_tree_hd", "subtractor_tree_hd", "round_exponent_hd", "round_pack_hd"}) {
    EXPECT_GT(first[0][traces::activity::mx_feature_column(name)], 0.0) << name;
  }
  // The sum is shifted right (more than 24 bits long) or left (24 or fewer); the other shifter's
  // amount is then negative, out of range, so its input is zeroed as from reset.
  EXPECT_GT(first[0][traces::activity::mx_feature_column("round_right_shifter_hd")] +
                first[0][traces::activity::mx_feature_column("round_left_shifter_hd")],
            0.0);
}

INSTANTIATE_TEST_SUITE_P(FormatPairs, MxFeatures,
                         ::testing::Values(std::pair{mx::ElementFormat::fp8_e4m3, mx::ElementFormat::fp6_e2m3},
                                           std::pair{mx::ElementFormat::fp8_e4m3, mx::ElementFormat::fp8_e4m3},
                                           std::pair{mx::ElementFormat::int8, mx::ElementFormat::fp4_e2m1},
                                           // a sum wider than 64 bits
                                           std::pair{mx::ElementFormat::fp8_e5m2, mx::ElementFormat::fp8_e5m2}),
                         [](const auto& info) {
                           return std::string(mx::element_format_name(info.param.first)) + "_x_" +
                                  std::string(mx::element_format_name(info.param.second));
                         });

TEST(MxFeatureNames, E5m2SumIsWiderThan64Bits) {
  EXPECT_GT(traces::activity::mx_sum_width(mx::ElementFormat::fp8_e5m2, mx::ElementFormat::fp8_e5m2, kBlock), 64);
}

TEST(MxFeatureNames, EveryBaseFeatureHasFourLags) {
  const auto& names = traces::activity::mx_feature_names();
  ASSERT_EQ(names.size(), traces::activity::kMxFeatureColumns);
  EXPECT_EQ(names[static_cast<std::size_t>(MxFeature::round_pack_hd)], "round_pack_hd");
  EXPECT_EQ(traces::activity::mx_feature_column("round_pack_hd_prev2"),
            2 * traces::activity::kMxBaseFeatures + static_cast<std::size_t>(MxFeature::round_pack_hd));
}

}  // namespace
}  // namespace tessera
