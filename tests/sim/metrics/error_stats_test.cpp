#include "sim/metrics/error_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "golden/common/error.h"

namespace tessera::metrics {
namespace {

TEST(ErrorStats, IdenticalVectorsHaveInfiniteSnrAndUnitCosine) {
  const std::vector<float> x = {1.0f, -2.0f, 3.5f};
  const ErrorStats s = compare(x.data(), x.data(), x.size());
  EXPECT_TRUE(std::isinf(s.snr_db));
  EXPECT_DOUBLE_EQ(s.cosine, 1.0);
  EXPECT_EQ(s.rms_error, 0.0);
  EXPECT_EQ(s.max_abs_error, 0.0);
}

TEST(ErrorStats, HandComputedCase) {
  // reference (3, 4), test (3, 5): error (0, 1); signal power 25, noise power 1 -> 13.979 dB.
  const std::vector<float> reference = {3.0f, 4.0f};
  const std::vector<float> test = {3.0f, 5.0f};
  const ErrorStats s = compare(reference.data(), test.data(), 2);
  EXPECT_NEAR(s.snr_db, 10.0 * std::log10(25.0), 1e-12);
  EXPECT_NEAR(s.rms_error, std::sqrt(0.5), 1e-12);
  EXPECT_NEAR(s.mean_error, 0.5, 1e-12);
  EXPECT_NEAR(s.max_abs_error, 1.0, 1e-12);
  EXPECT_NEAR(s.cosine, (9.0 + 20.0) / (5.0 * std::sqrt(34.0)), 1e-12);
}

TEST(ErrorStats, NegatedSignalHasCosineMinusOne) {
  const std::vector<float> reference = {1.0f, 2.0f};
  const std::vector<float> test = {-1.0f, -2.0f};
  EXPECT_NEAR(compare(reference.data(), test.data(), 2).cosine, -1.0, 1e-12);
}

TEST(ErrorStats, NonFiniteOutputsAreCountedNotSummed) {
  const std::vector<float> reference = {1.0f, 2.0f, 3.0f};
  const std::vector<float> test = {1.0f, std::numeric_limits<float>::quiet_NaN(),
                                   std::numeric_limits<float>::infinity()};
  const ErrorStats s = compare(reference.data(), test.data(), 3);
  EXPECT_EQ(s.non_finite, 2u);
  EXPECT_EQ(s.max_abs_error, 0.0);
}

TEST(ErrorStats, AccumulatingBatchesEqualsComparingTheConcatenation) {
  const std::vector<float> reference = {1.0f, -2.0f, 3.0f, 0.5f, 4.0f};
  const std::vector<float> test = {1.5f, -2.0f, 2.0f, 0.25f, 4.5f};
  ErrorAccumulator accumulator;
  accumulator.add(reference.data(), test.data(), 2);
  accumulator.add(reference.data() + 2, test.data() + 2, 3);
  const ErrorStats whole = compare(reference.data(), test.data(), reference.size());
  const ErrorStats batched = accumulator.result();
  EXPECT_EQ(batched.count, 5u);
  EXPECT_DOUBLE_EQ(batched.snr_db, whole.snr_db);
  EXPECT_DOUBLE_EQ(batched.cosine, whole.cosine);
  EXPECT_DOUBLE_EQ(batched.rms_error, whole.rms_error);
  EXPECT_DOUBLE_EQ(batched.max_abs_error, 1.0);
  EXPECT_THROW(ErrorAccumulator().result(), ConfigError);
}

TEST(ErrorStats, EmptyInputIsAnError) {
  EXPECT_THROW(compare(nullptr, nullptr, 0), ConfigError);
}

}  // namespace
}  // namespace tessera::metrics
