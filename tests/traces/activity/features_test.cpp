// Features against a bit-by-bit brute force on random and adversarial streams.
#include "traces/activity/features.h"

#include <gtest/gtest.h>

#include <random>

#include "golden/common/error.h"
#include "tests/traces/activity/test_tables.h"

namespace tessera::traces::activity {
namespace {

using test::exact_table;
using test::odd_table;
using test::random_bytes;
using test::truncated_table;

unsigned bit(std::uint64_t x, unsigned i) { return static_cast<unsigned>((x >> i) & 1u); }

// Independent reference: every feature from its definition, one bit at a time.
std::vector<OpFeatures> brute_force(const std::vector<std::int8_t>& a, const std::vector<std::int8_t>& b,
                                    const std::vector<std::int32_t>* psum_in, const approx::MultiplierTable& table) {
  std::vector<OpFeatures> out;
  std::uint64_t a_prev = 0, b_prev = 0, p_prev = static_cast<std::uint16_t>(table(0, 0));
  std::uint64_t in_prev = 0, out_prev = 0;
  for (std::size_t t = 0; t < a.size(); ++t) {
    const std::uint64_t av = static_cast<std::uint8_t>(a[t]), bv = static_cast<std::uint8_t>(b[t]);
    const std::uint64_t p = static_cast<std::uint16_t>(table(a[t], b[t]));
    OpFeatures f;
    for (unsigned i = 0; i < 8; ++i) {
      f[Feature::hd_a] += bit(av, i) != bit(a_prev, i);
      f[Feature::hd_b] += bit(bv, i) != bit(b_prev, i);
      f[Feature::ones_a] += bit(av, i);
      f[Feature::ones_b] += bit(bv, i);
      for (unsigned j = 0; j < 8; ++j) {
        const bool toggled = (bit(av, i) & bit(bv, j)) != (bit(a_prev, i) & bit(b_prev, j));
        f[Feature::pp_toggles] += toggled;
        f[pp_col(i + j)] += toggled;
      }
    }
    for (unsigned i = 0; i < 16; ++i) {
      f[Feature::out_hd] += bit(p, i) != bit(p_prev, i);
      f[out_bit(i)] = bit(p, i) != bit(p_prev, i);
    }
    // The Baugh-Wooley rows from their definition: a ripple of full adders, bit by bit.
    auto rows = [](std::uint64_t x, std::uint64_t y) {
      std::vector<std::pair<std::uint64_t, std::uint64_t>> out;  // (sum, carries) per row
      std::uint64_t sum = 0x8100;
      for (unsigned j = 0; j < 8; ++j) {
        std::uint64_t addend = 0;
        for (unsigned i = 0; i < 8; ++i) {
          const unsigned p_ij = bit(x, i) & bit(y, j);
          const unsigned inverted = (i == 7) != (j == 7);
          if (i + j < 16) addend |= std::uint64_t{p_ij ^ inverted} << (i + j);
        }
        std::uint64_t next = 0, carries = 0;
        unsigned carry = 0;
        for (unsigned k = 0; k < 16; ++k) {
          carries |= std::uint64_t{carry} << k;
          const unsigned total = bit(sum, k) + bit(addend, k) + carry;
          next |= std::uint64_t{total & 1u} << k;
          carry = total >> 1;
        }
        out.emplace_back(next, carries);
        sum = next;
      }
      return out;
    };
    const auto now_rows = rows(av, bv), before_rows = rows(a_prev, b_prev);
    for (unsigned row = 0; row < 8; ++row)
      for (unsigned k = 0; k < 16; ++k) {
        f[row_sum_hd(row)] += bit(now_rows[row].first, k) != bit(before_rows[row].first, k);
        f[row_carry_hd(row)] += bit(now_rows[row].second, k) != bit(before_rows[row].second, k);
      }
    f[Feature::sign_flips] = (bit(av, 7) != bit(a_prev, 7)) + (bit(bv, 7) != bit(b_prev, 7));
    f[Feature::zero_operand] = (av == 0 || bv == 0);
    if (psum_in) {
      const std::int64_t in = (*psum_in)[t];
      const std::uint64_t in_bits = static_cast<std::uint32_t>(in);
      const std::uint64_t out_bits = static_cast<std::uint32_t>(in + table(a[t], b[t]));  // no wrap in tests
      for (unsigned i = 0; i < 32; ++i) {
        f[Feature::psum_in_hd] += bit(in_bits, i) != bit(in_prev, i);
        f[Feature::psum_out_hd] += bit(out_bits, i) != bit(out_prev, i);
      }
      in_prev = in_bits;
      out_prev = out_bits;
    }
    a_prev = av;
    b_prev = bv;
    p_prev = p;
    out.push_back(f);
  }
  return out;
}

void expect_equal(const std::vector<OpFeatures>& got, const std::vector<OpFeatures>& want, const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t t = 0; t < got.size(); ++t)
    for (std::size_t f = 0; f < kFeatureCount; ++f)
      ASSERT_EQ(got[t].values[f], want[t].values[f])
          << what << ": op " << t << " feature " << all_feature_names()[f];
}

void check_stream(const std::vector<std::int8_t>& a, const std::vector<std::int8_t>& b, const char* what) {
  for (const auto* table : {&exact_table(), &truncated_table(), &odd_table()}) {
    expect_equal(multiplier_stream_features(a, b, *table), brute_force(a, b, nullptr, *table), what);
    std::vector<std::int32_t> psum(a.size());
    std::mt19937 rng(7);
    std::uniform_int_distribution<std::int32_t> value(-(1 << 20), 1 << 20);
    for (auto& s : psum) s = value(rng);
    expect_equal(pe_stream_features(a, b, psum, *table), brute_force(a, b, &psum, *table), what);
  }
}

TEST(Features, EqualBruteForceOnRandomStreams) {
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 5; ++trial) check_stream(random_bytes(2000, rng), random_bytes(2000, rng), "random");
  check_stream(test::sparse_small_bytes(2000, rng, true), test::sparse_small_bytes(2000, rng, false), "sparse");
}

TEST(Features, EqualBruteForceOnAdversarialStreams) {
  const std::size_t n = 300;
  check_stream(std::vector<std::int8_t>(n, 0), std::vector<std::int8_t>(n, 0), "all zeros");
  std::vector<std::int8_t> alternating(n);
  for (std::size_t t = 0; t < n; ++t) alternating[t] = static_cast<std::int8_t>(t % 2 ? 127 : -128);
  check_stream(alternating, alternating, "alternating -128/127 on both ports");
  std::vector<std::int8_t> alternating_minus(n);
  for (std::size_t t = 0; t < n; ++t) alternating_minus[t] = static_cast<std::int8_t>(t % 2 ? -127 : -128);
  check_stream(alternating, alternating_minus, "alternating on A, -128/-127 on B");
  std::mt19937_64 rng(2);
  check_stream(random_bytes(n, rng), std::vector<std::int8_t>(n, -128), "weight constant -128");
  check_stream(std::vector<std::int8_t>(n, 127), random_bytes(n, rng), "activation constant 127");
}

TEST(Features, KnownValuesOfAlternatingExtremes) {
  // -128 = 0x80, 127 = 0x7F: every bit flips between them, so hd = 8 on both ports each op after
  // the first; outer(0x80,0x80) has one bit, outer(0x7F,0x7F) 49, disjoint: pp_toggles = 50.
  std::vector<std::int8_t> a{-128, 127, -128}, b{-128, 127, -128};
  const auto ops = multiplier_stream_features(a, b, exact_table());
  EXPECT_EQ(ops[0][Feature::hd_a], 1u);  // from reset 0 to 0x80
  EXPECT_EQ(ops[0][Feature::pp_toggles], 1u);
  EXPECT_EQ(ops[0][Feature::out_hd], 1u);  // 16384 = 0x4000
  EXPECT_EQ(ops[1][Feature::hd_a], 8u);
  EXPECT_EQ(ops[1][Feature::pp_toggles], 50u);
  EXPECT_EQ(ops[1][Feature::sign_flips], 2u);
  EXPECT_EQ(ops[1][Feature::out_hd], 8u);  // 0x4000 ^ 0x3F01 (16129) = 0x7F01
  EXPECT_EQ(ops[1][Feature::psum_in_hd], 0u);  // bare multiplier: no partial-sum features
}

TEST(Features, FirstOpComparesWithResetProductOfTheTable) {
  // odd_table(0, 0) = 77: an op 0 x 0 right after reset toggles nothing.
  const auto ops = multiplier_stream_features({0}, {0}, odd_table());
  EXPECT_EQ(ops[0][Feature::out_hd], 0u);
  EXPECT_EQ(ops[0][Feature::zero_operand], 1u);
}

TEST(Features, PartialProductsMatchDefinition) {
  for (unsigned a = 0; a < 256; a += 7)
    for (unsigned b = 0; b < 256; b += 5) {
      std::uint64_t want = 0;
      for (unsigned i = 0; i < 8; ++i)
        for (unsigned j = 0; j < 8; ++j) want |= std::uint64_t{bit(a, i) & bit(b, j)} << (8 * i + j);
      ASSERT_EQ(partial_products(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)), want) << a << " " << b;
    }
}

TEST(Features, NamesRoundTripAndUnknownNameIsRejected) {
  ASSERT_EQ(all_feature_names().size(), kFeatureCount);
  for (std::size_t f = 0; f < kFeatureCount; ++f) {
    auto found = find_feature(all_feature_names()[f]);
    ASSERT_TRUE(found);
    EXPECT_EQ(static_cast<std::size_t>(*found), f);
  }
  try {
    features_from_names({"hd_a", "hamming"});
    FAIL() << "unknown feature accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'hamming'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("pp_toggles"), std::string::npos) << e.what();
  }
}

TEST(Features, MatrixColumnsFollowRequestedNamesAndCountsSum) {
  std::mt19937_64 rng(3);
  const auto a = random_bytes(100, rng), b = random_bytes(100, rng);
  const auto ops = multiplier_stream_features(a, b, exact_table());
  const auto x = feature_matrix(ops, {"out_hd", "hd_a"});
  ASSERT_EQ(x.rows(), 100);
  ASSERT_EQ(x.cols(), 2);
  ActivityCounts first = count_activity({ops.begin(), ops.begin() + 40});
  const ActivityCounts rest = count_activity({ops.begin() + 40, ops.end()});
  first += rest;
  EXPECT_EQ(first, count_activity(ops));
  EXPECT_EQ(first.ops, 100u);
  EXPECT_EQ(static_cast<double>(first.sum(Feature::out_hd)), x.col(0).sum());
  EXPECT_EQ(static_cast<double>(first.sum(Feature::hd_a)), x.col(1).sum());
}

TEST(Features, MismatchedStreamLengthsAreRejected) {
  EXPECT_THROW(multiplier_stream_features({1, 2}, {1}, exact_table()), ConfigError);
  EXPECT_THROW(pe_stream_features({1, 2}, {1, 2}, {0}, exact_table()), ConfigError);
}

}  // namespace
}  // namespace tessera::traces::activity
