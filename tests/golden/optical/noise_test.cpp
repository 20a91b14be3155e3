#include "golden/optical/noise.h"

#include <gtest/gtest.h>

#include <cmath>

#include "golden/rng/counter_rng.h"

namespace tessera::optical {
namespace {

TEST(OpticalNoise, IrwinHallHasUnitMomentsOn100kDraws) {
  const std::size_t n = 100000;
  double sum = 0.0, sum_sq = 0.0, sum_4 = 0.0, max_abs = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double g = gaussian_irwin_hall(77, 0xABCD, i, 0);
    sum += g;
    sum_sq += g * g;
    sum_4 += g * g * g * g;
    max_abs = std::fmax(max_abs, std::fabs(g));
  }
  const double mean = sum / n;
  const double variance = sum_sq / n - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.015);      // std of the mean: 0.0032
  EXPECT_NEAR(variance, 1.0, 0.02);   // std of the variance: ~0.0044
  EXPECT_NEAR(sum_4 / n, 2.9, 0.1);   // Irwin-Hall(12) kurtosis 3 - 1/10
  EXPECT_LE(max_abs, 6.0);
  EXPECT_GT(max_abs, 3.5);
}

TEST(OpticalNoise, ReproducibleByKeyAndExactlyAsDocumented) {
  const double g = gaussian_irwin_hall(5, 9, 12345, 8);
  EXPECT_EQ(g, gaussian_irwin_hall(5, 9, 12345, 8));
  EXPECT_NE(g, gaussian_irwin_hall(6, 9, 12345, 8));
  EXPECT_NE(g, gaussian_irwin_hall(5, 10, 12345, 8));
  EXPECT_NE(g, gaussian_irwin_hall(5, 9, 12346, 8));
  EXPECT_NE(g, gaussian_irwin_hall(5, 9, 12345, 12));
  // Recompute from the Philox words the documented way (uniform midpoints, minus 6).
  long double s = 0;
  for (std::uint32_t d = 0; d < 3; ++d) {
    const rng::Words4 w = rng::philox_words(5, 9, 12345, 8 + d);
    for (std::uint32_t word : w.w) s += ((word >> 8) + 0.5L) / 16777216.0L;
  }
  EXPECT_EQ(g, static_cast<double>(s - 6.0L));
}

}  // namespace
}  // namespace tessera::optical
