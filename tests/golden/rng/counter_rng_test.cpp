#include "golden/rng/counter_rng.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>
#include <thread>
#include <vector>

namespace tessera::rng {
namespace {

// Known-answer test from Random123's kat_vectors: philox4x32 with 10 rounds,
// counter = {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, key = {0xa4093822, 0x299f31d0}
// gives {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}.
TEST(CounterRng, MatchesRandom123KnownAnswer) {
  const std::uint64_t seed = (std::uint64_t{0x299f31d0} << 32) | 0xa4093822u;
  const std::uint64_t index = (std::uint64_t{0x85a308d3} << 32) | 0x243f6a88u;
  const Words4 words = philox_words(seed, 0x13198a2eu, index, 0x03707344u);
  EXPECT_EQ(words.w[0], 0xd16cfe09u);
  EXPECT_EQ(words.w[1], 0x94fdccebu);
  EXPECT_EQ(words.w[2], 0x5001e420u);
  EXPECT_EQ(words.w[3], 0x24126ea1u);
}

TEST(CounterRng, SameKeyGivesSameWordsInAnyOrderAndThreadCount) {
  constexpr std::size_t kCount = 4096;
  std::vector<std::uint32_t> sequential(kCount);
  for (std::size_t i = 0; i < kCount; ++i) sequential[i] = philox_words(42, 7, i).w[0];

  std::vector<std::size_t> order(kCount);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(3));
  for (const unsigned threads : {1u, 2u, 4u}) {
    std::vector<std::uint32_t> parallel(kCount);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (std::size_t j = t; j < kCount; j += threads) {
          parallel[order[j]] = philox_words(42, 7, order[j]).w[0];
        }
      });
    }
    for (auto& thread : pool) thread.join();
    EXPECT_EQ(parallel, sequential) << threads << " threads";
  }
}

TEST(CounterRng, SeedStreamIndexAndDrawEachChangeTheWords) {
  const std::uint32_t base = philox_words(1, 2, 3, 0).w[0];
  EXPECT_NE(philox_words(2, 2, 3, 0).w[0], base);
  EXPECT_NE(philox_words(1, 3, 3, 0).w[0], base);
  EXPECT_NE(philox_words(1, 2, 4, 0).w[0], base);
  EXPECT_NE(philox_words(1, 2, 3, 1).w[0], base);
  // The high halves of seed and index matter too.
  EXPECT_NE(philox_words(1 + (std::uint64_t{1} << 32), 2, 3).w[0], base);
  EXPECT_NE(philox_words(1, 2, 3 + (std::uint64_t{1} << 32)).w[0], base);
}

TEST(CounterRng, UniformFloatIsOnTheGridAndInRange) {
  EXPECT_EQ(uniform_float(0u), 0.0f);
  EXPECT_EQ(uniform_float(0xFFFFFFFFu), 1.0f - std::ldexp(1.0f, -24));
  EXPECT_EQ(uniform_float(0x00000100u), std::ldexp(1.0f, -24));
  EXPECT_EQ(uniform_double(0u, 0u), 0.0);
  EXPECT_LT(uniform_double(0xFFFFFFFFu, 0xFFFFFFFFu), 1.0);
  EXPECT_EQ(uniform_double(0xFFFFFFFFu, 0xFFFFFFFFu), 1.0 - std::ldexp(1.0, -53));
}

TEST(CounterRng, UniformFloatHasTheMomentsOfUniform) {
  constexpr int kCount = 200000;
  double sum = 0.0;
  double sum_sq = 0.0;
  for (int i = 0; i < kCount; ++i) {
    const double u = uniform_float_at(9, make_stream(1, Purpose::test), i);
    sum += u;
    sum_sq += u * u;
  }
  const double mean = sum / kCount;
  const double variance = sum_sq / kCount - mean * mean;
  // Standard error of the mean is sqrt(1/12/n) ~ 0.00065; allow 5 sigma.
  EXPECT_NEAR(mean, 0.5, 0.0033);
  EXPECT_NEAR(variance, 1.0 / 12.0, 0.002);
}

TEST(CounterRng, StreamsSeparateLayersAndPurposes) {
  std::set<std::uint32_t> streams;
  for (std::uint32_t layer = 0; layer < 64; ++layer) {
    for (const Purpose purpose : {Purpose::mx_stochastic_rounding, Purpose::optical_output_rounding,
                                  Purpose::optical_shot_noise, Purpose::optical_detector_noise}) {
      streams.insert(make_stream(layer, purpose));
    }
  }
  EXPECT_EQ(streams.size(), 64u * 4u);
}

}  // namespace
}  // namespace tessera::rng
