// The closed-form tile activity against explicitly materialised per-PE streams.
#include "traces/activity/weight_stationary.h"

#include <gtest/gtest.h>

#include <random>

#include "golden/common/error.h"
#include "tests/traces/activity/test_tables.h"

namespace tessera::traces::activity {
namespace {

using test::random_bytes;

ActivityCounts materialised_counts(const WeightStationaryTile& tile, const approx::MultiplierTable& table) {
  ActivityCounts total;
  for (const auto& pe : weight_stationary_pe_streams(tile, table))
    total += count_activity(pe_stream_features(pe.a, pe.b, pe.psum_in, table));
  return total;
}

void expect_counts_equal(const ActivityCounts& got, const ActivityCounts& want, const std::string& what) {
  EXPECT_EQ(got.ops, want.ops) << what;
  for (std::size_t f = 0; f < kFeatureCount; ++f)
    EXPECT_EQ(got.sums[f], want.sums[f]) << what << ": feature " << all_feature_names()[f];
}

TEST(WeightStationary, CountsEqualSumOverMaterialisedPeStreams) {
  std::mt19937_64 rng(11);
  const std::vector<std::array<std::size_t, 3>> shapes{{1, 1, 1}, {1, 5, 3}, {7, 1, 1}, {9, 4, 6},
                                                      {3, 8, 2}, {33, 16, 5}, {2, 3, 17}};
  for (const auto& shape : shapes)
    for (const auto* table : {&test::exact_table(), &test::truncated_table(), &test::odd_table()})
      for (bool sparse : {false, true}) {
        const auto [m, k, n] = shape;
        const auto x = sparse ? test::sparse_small_bytes(m * k, rng, true) : random_bytes(m * k, rng);
        const auto w = sparse ? test::sparse_small_bytes(k * n, rng, false) : random_bytes(k * n, rng);
        const WeightStationaryTile tile{x.data(), w.data(), m, k, n};
        expect_counts_equal(weight_stationary_activity(tile, *table), materialised_counts(tile, *table),
                            table->name() + " " + std::to_string(m) + "x" + std::to_string(k) + "x" +
                                std::to_string(n) + (sparse ? " sparse" : " uniform"));
      }
}

TEST(WeightStationary, PeStreamsHoldTheirOperandsAndPartialSums) {
  std::mt19937_64 rng(12);
  const std::size_t m = 6, k = 5, n = 4;
  const auto x = random_bytes(m * k, rng), w = random_bytes(k * n, rng);
  const WeightStationaryTile tile{x.data(), w.data(), m, k, n};
  const auto& table = test::odd_table();
  const auto streams = weight_stationary_pe_streams(tile, table);
  ASSERT_EQ(streams.size(), k * n);
  for (std::size_t r = 0; r < k; ++r)
    for (std::size_t c = 0; c < n; ++c) {
      const PeStream& pe = streams[r * n + c];
      EXPECT_EQ(pe.row, r);
      EXPECT_EQ(pe.col, c);
      for (std::size_t t = 0; t < m; ++t) {
        EXPECT_EQ(pe.a[t], x[t * k + r]);
        EXPECT_EQ(pe.b[t], w[r * n + c]);
        std::int64_t want = 0;  // the defining sum, written out
        for (std::size_t rr = 0; rr < r; ++rr) want += table(x[t * k + rr], w[rr * n + c]);
        EXPECT_EQ(pe.psum_in[t], want);
        EXPECT_EQ(weight_stationary_psum_in(tile, table, r, c, t), want);
      }
    }
  EXPECT_THROW(weight_stationary_psum_in(tile, table, k, 0, 0), ConfigError);
}

TEST(WeightStationary, WeightsAreLoadedOnceFromReset) {
  // All-zero activations: only the weight load at t = 0 toggles b; the products stay 0.
  const std::size_t m = 10, k = 3, n = 2;
  const std::vector<std::int8_t> x(m * k, 0), w{1, -1, 3, 0, -128, 127};
  const auto counts = weight_stationary_activity({x.data(), w.data(), m, k, n}, test::exact_table());
  EXPECT_EQ(counts.ops, m * k * n);
  EXPECT_EQ(counts.sum(Feature::hd_b), 1u + 8 + 2 + 0 + 1 + 7);
  EXPECT_EQ(counts.sum(Feature::sign_flips), 2u);  // -1 and -128
  EXPECT_EQ(counts.sum(Feature::pp_toggles), 0u);
  EXPECT_EQ(counts.sum(Feature::out_hd), 0u);
  EXPECT_EQ(counts.sum(Feature::zero_operand), m * k * n);
}

TEST(WeightStationary, EmptyTileHasNoOpsAndNullDataIsRejected) {
  EXPECT_EQ(weight_stationary_activity({nullptr, nullptr, 0, 4, 4}, test::exact_table()).ops, 0u);
  const std::vector<std::int8_t> w(4, 1);
  EXPECT_THROW(weight_stationary_activity({nullptr, w.data(), 2, 2, 2}, test::exact_table()), ConfigError);
}

}  // namespace
}  // namespace tessera::traces::activity
