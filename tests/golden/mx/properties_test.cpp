// Properties on seeded random blocks: error within half a quantum of the element grid, sign kept,
// monotonic within a block, stochastic rounding unbiased and order-independent, scale rules and
// the microxcaling float32-log2 window against the C library's log2f.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "golden/mx/convert.h"
#include "golden/mx/scale.h"
#include "golden/mx/tensor.h"
#include "tests/golden/mx/mx_test_util.h"

namespace tessera::mx {
namespace {

// Gaussian from uniform bits (Box-Muller), so the data do not depend on the library's
// std::normal_distribution.
std::vector<float> gaussian(std::size_t n, std::uint64_t seed, double sigma = 1.0) {
  std::mt19937_64 gen(seed);
  std::vector<float> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double u1 = (static_cast<double>(gen() >> 11) + 1.0) / 9007199254740993.0;
    const double u2 = static_cast<double>(gen() >> 11) / 9007199254740992.0;
    out[i] = static_cast<float>(sigma * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
  }
  return out;
}

// Quantum of the element grid at |w| (w = V / X), from the format table.
double quantum(ElementFormat f, double w) {
  const ElementSpec s = element_spec(f);
  if (s.is_integer) return std::ldexp(1.0, -6);
  int e = static_cast<int>(std::floor(std::log2(std::fabs(w))));
  if (w == 0 || e < s.emin) e = s.emin;
  return std::ldexp(1.0, e - s.mantissa_bits);
}

TEST(mxProperties, ErrorWithinHalfQuantumSignKeptAndMonotonic) {
  for (ElementFormat f : kAllElementFormats) {
    for (int trial = 0; trial < 200; ++trial) {
      const double sigma = std::ldexp(1.0, (trial % 40) - 20);
      std::vector<float> v = gaussian(32, 1000 + trial, sigma);
      const auto out = test::quantize(v, f);
      ASSERT_NE(out.scale, 0xFF);
      const double x = std::ldexp(1.0, int(out.scale) - 127);
      const double max_finite = static_cast<double>(element_max_finite(f));
      for (std::size_t i = 0; i < v.size(); ++i) {
        const double w = static_cast<double>(v[i]) / x;
        const double q = static_cast<double>(element_to_float(out.codes[i], f));
        if (std::fabs(w) <= max_finite) {
          EXPECT_LE(std::fabs(w - q), quantum(f, w) / 2) << element_format_name(f) << " w=" << w;
        } else {
          EXPECT_EQ(std::fabs(q), max_finite);
        }
        if (q != 0) {
          EXPECT_EQ(q < 0, v[i] < 0);
        }
        EXPECT_EQ(static_cast<double>(dequantize_element(out.scale, out.codes[i], f)), q * x);
      }
      std::vector<std::size_t> order(v.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
      for (std::size_t k = 1; k < order.size(); ++k) {
        EXPECT_LE(element_to_float(out.codes[order[k - 1]], f), element_to_float(out.codes[order[k]], f));
      }
    }
  }
}

TEST(mxProperties, FloorScalePutsAmaxInTopBinade) {
  for (ElementFormat f : kAllElementFormats) {
    for (int trial = 0; trial < 300; ++trial) {
      const std::vector<float> v = gaussian(32, 5000 + trial, std::ldexp(1.0, trial % 60 - 30));
      float amax = 0;
      for (float x : v) amax = std::max(amax, std::fabs(x));
      const auto out = test::quantize(v, f);
      const double w = static_cast<double>(amax) / std::ldexp(1.0, int(out.scale) - 127);
      const int emax = element_spec(f).emax;
      EXPECT_GE(w, std::ldexp(1.0, emax));
      EXPECT_LT(w, std::ldexp(1.0, emax + 1));
    }
  }
}

TEST(mxProperties, DirectedRoundingModesBracketNearest) {
  for (ElementFormat f : kAllElementFormats) {
    const std::vector<float> v = gaussian(64, 77, 3.0);
    const auto even = test::quantize(v, f);
    const auto zero = test::quantize(v, f, test::with_rounding(ElementRounding::toward_zero));
    const auto away = test::quantize(v, f, test::with_rounding(ElementRounding::nearest_away));
    for (std::size_t i = 0; i < v.size(); ++i) {
      const double w = static_cast<double>(v[i]) / std::ldexp(1.0, int(even.scale) - 127);
      const double z = element_to_float(zero.codes[i], f);
      EXPECT_LE(std::fabs(z), std::fabs(w) + 1e-300);
      EXPECT_LT(std::fabs(w) - std::fabs(z), quantum(f, w) * (std::fabs(w) > element_max_finite(f) ? 1e30 : 1.0));
      const double a = element_to_float(away.codes[i], f);
      const double e = element_to_float(even.codes[i], f);
      EXPECT_LE(std::fabs(a - e), quantum(f, w));
    }
  }
}

// E[q(w)] = w for stochastic rounding: average over 200000 element indices at a fixed scale.
TEST(mxProperties, StochasticRoundingIsUnbiasedAndReproducible) {
  QuantizePolicy p;
  p.rounding = ElementRounding::stochastic;
  p.seed = 42;
  struct Case { ElementFormat f; float w; };
  for (const Case c : {Case{ElementFormat::fp4_e2m1, 1.3f}, Case{ElementFormat::fp4_e2m1, -2.7f},
                       Case{ElementFormat::fp8_e4m3, 0.01f}, Case{ElementFormat::int8, 0.123f},
                       Case{ElementFormat::fp6_e3m2, 0.05f}}) {
    const int n = 200000;
    double sum = 0;
    for (int i = 0; i < n; ++i) {
      sum += element_to_float(quantize_element(c.w, 127, c.f, p, static_cast<std::uint64_t>(i)), c.f);
    }
    const double mean = sum / n;
    const double q = quantum(c.f, c.w);
    // The spread of one draw is at most q/2, so 6 standard errors is < 3q / sqrt(n).
    EXPECT_NEAR(mean, static_cast<double>(c.w), 3 * q / std::sqrt(double(n)) + q * 1e-6)
        << element_format_name(c.f) << " " << c.w;
  }
  // Same (seed, index) gives the same code in any order and through the tensor API.
  const std::vector<float> v = gaussian(4 * 96, 9);
  const QuantizedRows rows = quantize_rows(v.data(), 4, 96, ElementFormat::fp4_e2m1, 32, p);
  for (std::size_t i = v.size(); i-- > 0;) {
    const std::uint8_t scale = rows.scales[(i / 96) * 3 + (i % 96) / 32];
    EXPECT_EQ(quantize_element(v[i], scale, ElementFormat::fp4_e2m1, p, i), rows.codes[i]) << i;
  }
  const QuantizedRows again = quantize_rows(v.data(), 4, 96, ElementFormat::fp4_e2m1, 32, p);
  EXPECT_EQ(again.codes, rows.codes);
  QuantizePolicy other = p;
  other.seed = 43;
  EXPECT_NE(quantize_rows(v.data(), 4, 96, ElementFormat::fp4_e2m1, 32, other).codes, rows.codes);
  // Exactly representable values never move.
  for (std::uint64_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(quantize_element(1.5f, 127, ElementFormat::fp4_e2m1, p, i), 0x3);
  }
}

// The documented integer rule of floor_float32_log2 against the C library's float32 log2 on every
// float within 100 ulps below each power of two. glibc's log2f is correctly rounded in practice;
// a disagreement is reported with the value so it can be examined.
TEST(mxProperties, Float32Log2WindowMatchesLibmLog2f) {
  int disagreements = 0;
  int off_by_one_seen = 0;
  for (int k = -125; k <= 127; ++k) {
    const std::uint32_t top = power_of_two_bits(k);
    for (std::uint32_t j = 1; j <= 100; ++j) {
      const std::uint32_t bits = top - j;
      const float x = float_from_bits(bits);
      const int libm = static_cast<int>(std::floor(log2f(x)));
      const int rule = floor_float32_log2(bits);
      off_by_one_seen += rule == k;
      if (libm != rule) {
        ++disagreements;
        ADD_FAILURE() << "k=" << k << " j=" << j << " log2f -> " << libm << " rule -> " << rule;
        if (disagreements > 10) return;
      }
    }
  }
  EXPECT_GT(off_by_one_seen, 1000);
}

TEST(mxProperties, ScaleByteClampsToRange) {
  for (std::uint32_t bits = 1; bits < 0x7F800000u; bits += 0x12345u) {
    for (ElementFormat f : kAllElementFormats) {
      for (ScaleRule r : {ScaleRule::floor, ScaleRule::ceil, ScaleRule::rceil, ScaleRule::even,
                          ScaleRule::floor_float32_log2}) {
        const int e = scale_exponent(bits, f, r);
        ASSERT_GE(e, -127);
        ASSERT_LE(e, 127);
      }
      // CEIL >= FLOOR, and they differ by at most one binade.
      const int fl = scale_exponent(bits, f, ScaleRule::floor);
      const int ce = scale_exponent(bits, f, ScaleRule::ceil);
      EXPECT_TRUE(ce == fl || ce == fl + 1);
    }
  }
}

}  // namespace
}  // namespace tessera::mx
