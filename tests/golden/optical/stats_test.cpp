#include "golden/optical/stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "golden/common/error.h"

namespace tessera::optical {
namespace {

TEST(OpticalStats, UncalibratedReadIsAStateErrorNotNan) {
  RunningRange r("layer fc1 input", 0.9);
  EXPECT_FALSE(r.calibrated());
  try {
    (void)r.range();
    FAIL() << "expected StateError";
  } catch (const StateError& e) {
    EXPECT_EQ(std::string(e.what()),
              "layer fc1 input: optical input range not calibrated; run calibration first");
  }
}

TEST(OpticalStats, FirstObservationIsTakenDirectly) {
  RunningRange r("x", 0.9);
  r.set_calibrating(true);
  const std::vector<float> x = {0.5f, -3.25f, 7.0f, 1.0f};
  r.observe(x.data(), x.size());
  EXPECT_EQ(r.range().min, -3.25f);
  EXPECT_EQ(r.range().max, 7.0f);
}

TEST(OpticalStats, LaterObservationsAreSmoothedWithWeightOnOld) {
  RunningRange r("x", 0.9);
  r.set_calibrating(true);
  const std::vector<float> first = {0.0f, 1.0f};
  const std::vector<float> second = {-2.0f, 3.0f};
  r.observe(first.data(), first.size());
  r.observe(second.data(), second.size());
  // new = float(0.9)*old + float(1 - 0.9)*observed, in float32.
  const float keep = 0.9f, take = static_cast<float>(1.0 - 0.9);
  EXPECT_EQ(r.range().min, keep * 0.0f + take * -2.0f);
  EXPECT_EQ(r.range().max, keep * 1.0f + take * 3.0f);
  EXPECT_NEAR(r.range().min, -0.2f, 1e-6f);
  EXPECT_NEAR(r.range().max, 1.2f, 1e-6f);
  // s = 0.1 adapts fast (the MASE tests' setting).
  RunningRange fast("y", 0.1);
  fast.set_calibrating(true);
  fast.observe(first.data(), first.size());
  fast.observe(second.data(), second.size());
  EXPECT_NEAR(fast.range().min, -1.8f, 1e-6f);
  EXPECT_NEAR(fast.range().max, 2.8f, 1e-6f);
}

TEST(OpticalStats, FrozenOutsideCalibration) {
  RunningRange r("x", 0.9);
  const std::vector<float> x = {0.0f, 1.0f};
  EXPECT_THROW(r.observe(x.data(), x.size()), StateError);
  r.set_calibrating(true);
  r.observe(x.data(), x.size());
  r.set_calibrating(false);
  const std::vector<float> y = {-100.0f, 100.0f};
  EXPECT_THROW(r.observe(y.data(), y.size()), StateError);
  EXPECT_EQ(r.range().min, 0.0f);
  EXPECT_EQ(r.range().max, 1.0f);
}

TEST(OpticalStats, QuantilesUseLinearInterpolation) {
  std::vector<float> x(101);
  for (int i = 0; i <= 100; ++i) x[i] = static_cast<float>(100 - i);  // unsorted
  const Range r = observe_range(x.data(), x.size(), std::make_pair(0.1, 0.9), "x");
  EXPECT_EQ(r.min, 10.0f);
  EXPECT_EQ(r.max, 90.0f);
  const std::vector<float> small = {3.0f, 0.0f, 2.0f, 1.0f};
  const Range m = observe_range(small.data(), small.size(), std::make_pair(0.5, 1.0), "x");
  EXPECT_EQ(m.min, 1.5f);
  EXPECT_EQ(m.max, 3.0f);
  // Quantiles ignore an outlier that min/max would take.
  std::vector<float> outlier(10000, 1.0f);
  for (int i = 0; i < 10000; ++i) outlier[i] = static_cast<float>(i % 10);
  outlier[5] = 1e6f;
  EXPECT_EQ(observe_range(outlier.data(), outlier.size(), std::nullopt, "x").max, 1e6f);
  EXPECT_LT(observe_range(outlier.data(), outlier.size(), std::make_pair(0.001, 0.999), "x").max,
            10.0f);
}

TEST(OpticalStats, BadObservationsAndConfig) {
  RunningRange r("x", 0.9);
  r.set_calibrating(true);
  const std::vector<float> nan = {0.0f, std::nanf("")};
  EXPECT_THROW(r.observe(nan.data(), nan.size()), InputError);
  EXPECT_THROW(r.observe(nullptr, 0), InputError);
  EXPECT_FALSE(r.calibrated());
  EXPECT_THROW(RunningRange("x", 1.5), ConfigError);
  EXPECT_THROW(RunningRange("x", 0.9, std::make_pair(0.9, 0.1)), ConfigError);
}

}  // namespace
}  // namespace tessera::optical
