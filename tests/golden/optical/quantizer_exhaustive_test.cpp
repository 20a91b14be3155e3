// Exhaustive checks of the deterministic quantizer against the independent reference: every code
// boundary (the float neighbourhood of each tie k + 0.5) for many (L, range) pairs, and every
// float32 of whole binades.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "golden/mx/fp32_bits.h"
#include "golden/optical/quantizer.h"
#include "tests/golden/optical/reference_quantizer.h"

namespace tessera::optical {
namespace {

using mx::float_bits;

void expect_same(float x, const QuantizerParams& p) {
  const auto ref = test::reference_quantize(x, p.min, p.max, p.levels, p.lut_min);
  ASSERT_EQ(code_deterministic(x, p), ref.code) << "x=" << x << " L=" << p.levels;
  ASSERT_EQ(float_bits(quantize_deterministic(x, p)), float_bits(ref.value)) << "x=" << x;
}

TEST(OpticalQuantizerExhaustive, EveryCodeBoundaryAndTie) {
  const float ranges[][2] = {{-1.0f, 1.0f}, {0.0f, 1.0f}, {-0.37f, 2.9f}, {-3e-3f, 5e-4f},
                             {0.0f, 255.0f}, {-128.0f, 127.0f}, {1.0f, 2.0f}, {-6.5f, -0.25f}};
  const std::int64_t levels_list[] = {2, 3, 4, 5, 16, 17, 64, 255, 256, 1023, 1024};
  std::size_t checked = 0, ties_seen = 0;
  for (const auto& range : ranges) {
    for (std::int64_t levels : levels_list) {
      for (float lut : {0.0f, 0.02004f}) {
        const QuantizerParams p = make_quantizer(levels, range[0], range[1], lut, "t");
        const double step = (static_cast<double>(range[1]) - range[0]) / (levels - 1);
        for (std::int64_t k = 0; k + 1 < levels; ++k) {
          // Approximate tie point, then the 16 floats either side of it.
          float x = static_cast<float>(range[0] + (k + 0.5) * step);
          for (int s = 0; s < 16; ++s) x = std::nextafter(x, -INFINITY);
          for (int s = 0; s < 33; ++s) {
            expect_same(x, p);
            if (grid_position(x, p) == static_cast<float>(k) + 0.5f) ++ties_seen;
            ++checked;
            x = std::nextafter(x, INFINITY);
          }
        }
        // The ends and beyond.
        for (float x : {range[0], range[1], std::nextafter(range[0], -INFINITY),
                        std::nextafter(range[1], INFINITY), -INFINITY, INFINITY, 0.0f, -0.0f}) {
          expect_same(x, p);
        }
      }
    }
  }
  EXPECT_GT(checked, 100000u);
  EXPECT_GT(ties_seen, 1000u);  // exact ties were really exercised
}

TEST(OpticalQuantizerExhaustive, EveryFloatOfTheUnitBinades) {
  // All floats in [0.5, 1) and (-1, -0.5] on [-1, 1], L = 256, with the floor; and all of
  // [1, 2] on [1, 2], L = 256.
  const QuantizerParams sym = make_quantizer(256, -1.0f, 1.0f, 0.02004f, "t");
  for (float x = 0.5f; x < 1.0f; x = std::nextafter(x, 2.0f)) {
    expect_same(x, sym);
    expect_same(-x, sym);
  }
  const QuantizerParams unit = make_quantizer(256, 1.0f, 2.0f, 0.0f, "t");
  for (float x = 1.0f; x <= 2.0f; x = std::nextafter(x, 3.0f)) expect_same(x, unit);
  // Small magnitudes near the floor: all floats in [2^-8, 2^-5) of both signs.
  for (float x = 0.00390625f; x < 0.03125f; x = std::nextafter(x, 1.0f)) {
    expect_same(x, sym);
    expect_same(-x, sym);
  }
}

}  // namespace
}  // namespace tessera::optical
