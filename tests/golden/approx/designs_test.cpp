// The parametric designs against closed forms derived by hand (each derivation next to its test).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "golden/approx/catalog.h"
#include "golden/approx/designs.h"
#include "golden/approx/metrics.h"
#include "golden/common/error.h"

namespace tessera::approx {
namespace {

std::int8_t s8(int v) { return static_cast<std::int8_t>(v); }
int bit(int v, int i) { return (static_cast<unsigned>(static_cast<std::uint8_t>(v)) >> i) & 1; }

TEST(ApproxDesignsExhaustive, ExactEqualsProductEverywhere) {
  const auto t = exact_multiplier();
  for (int a = -128; a < 128; ++a)
    for (int b = -128; b < 128; ++b) ASSERT_EQ(t(s8(a), s8(b)), a * b) << a << " x " << b;
  EXPECT_EQ(t.name(), "exact");
}

// trunc<k>: the Baugh-Wooley array's bits are all >= 0 and the dropped ones are exactly the AND
// bits a_i b_j with i + j < k, so err = -sum_{i+j<k} a_i b_j 2^(i+j). Column c (< 7) holds c+1
// bits, so the worst case is sum_{c<k} (c+1) 2^c = (k-1) 2^k + 1, reached when the low k bits of
// both operands are 1 (127 x 127, -1 x -1); the best case is 0 (e.g. even x even for k = 1).
TEST(ApproxDesignsExhaustive, TruncatedErrorIsMinusTheDroppedColumns) {
  for (int k = 0; k <= 7; ++k) {
    const auto t = truncated_multiplier(k);
    const int bound = k == 0 ? 0 : (k - 1) * (1 << k) + 1;
    int min_err = 0, max_err = 0;
    for (int a = -128; a < 128; ++a) {
      for (int b = -128; b < 128; ++b) {
        int dropped = 0;
        for (int i = 0; i < 8; ++i)
          for (int j = 0; j < 8; ++j)
            if (i + j < k) dropped += bit(a, i) * bit(b, j) << (i + j);
        const int err = t(s8(a), s8(b)) - a * b;
        ASSERT_EQ(err, -dropped) << "trunc" << k << " " << a << " x " << b;
        min_err = std::min(min_err, err);
        max_err = std::max(max_err, err);
      }
    }
    EXPECT_EQ(max_err, 0) << k;
    EXPECT_EQ(min_err, -bound) << k;
    EXPECT_EQ(t(127, 127) - 127 * 127, -bound) << k;
    EXPECT_EQ(t(0, -77), 0);
  }
}

TEST(ApproxDesigns, TruncatedKnownValues) {
  // 15 x 15, k = 4: columns 0..3 hold 1 + 2 + 3 + 4 ones of weight 1, 2, 4, 8: 1 + 4 + 12 + 32 = 49.
  EXPECT_EQ(truncated_multiplier(4)(15, 15), 225 - 49);
  // -128 x b: a's low 7 bits are 0, so no AND bit in columns < 7 is set: exact.
  EXPECT_EQ(truncated_multiplier(7)(-128, 93), -128 * 93);
  // trunc1 drops only a_0 b_0: odd x odd loses 1.
  EXPECT_EQ(truncated_multiplier(1)(-3, 5), -16);
}

TEST(ApproxDesignsExhaustive, Trunc2AndTrunc3AreBundledEvoApproxCircuitsBitForBit) {
  // Independent check of the Baugh-Wooley definition: EvoApproxLib's mul8s_1KVA and mul8s_1KVB
  // (v1.x names) are, on all 65536 pairs, the truncated arrays trunc2 and trunc3.
  EXPECT_EQ(truncated_multiplier(2).products(), load_multiplier("mul8s_1KVA").products());
  EXPECT_EQ(truncated_multiplier(3).products(), load_multiplier("mul8s_1KVB").products());
  EXPECT_NE(truncated_multiplier(1).products(), load_multiplier("mul8s_1KVA").products());
}

TEST(ApproxDesignsExhaustive, Trunc4IsEvoApproxMul8s1KX2ByMetrics) {
  // EvoApproxLib's mul8s_1KX2 (not bundled) publishes MAE 12, WCE 49, EP 81.25 %, MSE 248 and an
  // exhaustive mean error of -12.25 (research/mul8s_table.md): exactly trunc4's figures.
  const auto m = characterize(truncated_multiplier(4));
  EXPECT_DOUBLE_EQ(m.mae, 12.25);
  EXPECT_DOUBLE_EQ(m.wce, 49.0);
  EXPECT_DOUBLE_EQ(m.ep_percent, 81.25);
  EXPECT_DOUBLE_EQ(m.mse, 248.25);
  EXPECT_DOUBLE_EQ(m.mean_error, -12.25);
}

// bam_h<h>_v<v>: dropped bits are a_i b_j with i < 7 and (j < h or i + j < v), all >= 0, so
// err <= 0 for every (h, v). With v = 0 the dropped bits are a_i b_j for i < 7, j < h, whose sum
// is (a mod 128) * (b mod 2^h). With h = 0 the design is trunc<v>.
TEST(ApproxDesignsExhaustive, BrokenArrayClosedForms) {
  for (int h = 0; h <= 7; ++h) {
    for (int v = 0; v <= 7; ++v) {
      const auto t = broken_array_multiplier(h, v);
      const auto trunc = truncated_multiplier(v);
      for (int a = -128; a < 128; ++a) {
        for (int b = -128; b < 128; ++b) {
          const int err = t(s8(a), s8(b)) - a * b;
          ASSERT_LE(err, 0) << t.name() << " " << a << " x " << b;
          if (v == 0) {
            ASSERT_EQ(err, -((a & 127) * (b & ((1 << h) - 1)))) << t.name() << " " << a << " x " << b;
          }
          if (h == 0) {
            ASSERT_EQ(t(s8(a), s8(b)), trunc(s8(a), s8(b)));
          }
        }
      }
    }
  }
  EXPECT_EQ(broken_array_multiplier(2, 6).name(), "bam_h2_v6");
}

// The kernel shortcut documented in designs.h: an array design is a*b minus <= 7 masked bit-plane
// products, table(a,b) = a*b - sum_{j<7} b_j 2^j (uint8(a) & 0x7F & ~row_mask[j]).
TEST(ApproxDesignsExhaustive, ArrayDesignsAreExactMinusMaskedBitPlanes) {
  std::vector<PartialProductArray> arrays;
  for (int k = 0; k <= 7; ++k) arrays.push_back(truncated_array(k));
  for (int h = 0; h <= 7; h += 1)
    for (int v = 0; v <= 7; v += 3) arrays.push_back(broken_array(h, v));
  for (const auto& array : arrays) {
    const auto t = array_multiplier("t", array);
    for (int a = -128; a < 128; ++a) {
      for (int b = -128; b < 128; ++b) {
        int dropped = 0;
        for (int j = 0; j < 7; ++j) {
          const unsigned masked = static_cast<std::uint8_t>(a) & 0x7Fu & ~static_cast<unsigned>(array.row_mask[static_cast<std::size_t>(j)]);
          dropped += bit(b, j) * static_cast<int>(masked) << j;
        }
        ASSERT_EQ(t(s8(a), s8(b)), a * b - dropped) << a << " x " << b;
      }
    }
  }
}

TEST(ApproxDesigns, BrokenArrayDependsOnPortOrder) {
  // Rows follow b's bits: dropping b_0 changes 5 x 1 (1 row set) but not 1 x 4 (b_0 = 0).
  const auto t = broken_array_multiplier(1, 0);
  EXPECT_EQ(t(5, 1), 0);
  EXPECT_EQ(t(1, 4), 4);
  EXPECT_EQ(t(1, 5), 4);  // loses a_0 b_0 only
  EXPECT_FALSE(t.is_symmetric());
}

// drum<k>: each magnitude m >= 2^k becomes m' = ((m >> s) | 1) << s, s = lead - k + 1, so
// |m' - m| <= 2^s <= m * 2^-(k-1) (equality at m = 2^lead: 64 -> 80 for k = 3), so the
// product's relative error is at most (1 + 2^(1-k))^2 - 1, reached at 64 x 64 for k = 3.
// Operands with |x| < 2^k pass unchanged, so products of such operands are exact.
TEST(ApproxDesignsExhaustive, DrumExactForSmallOperandsAndBoundedElsewhere) {
  for (int k = 3; k <= 8; ++k) {
    const auto t = drum_multiplier(k);
    const double bound = (1.0 + std::ldexp(1.0, 1 - k)) * (1.0 + std::ldexp(1.0, 1 - k)) - 1.0;
    for (int a = -128; a < 128; ++a) {
      for (int b = -128; b < 128; ++b) {
        const int exact = a * b;
        const int got = t(s8(a), s8(b));
        if (std::abs(a) < (1 << k) && std::abs(b) < (1 << k)) {
          ASSERT_EQ(got, exact) << k << ": " << a << " x " << b;
        }
        if (exact == 0) {
          ASSERT_EQ(got, 0);
        } else {
          ASSERT_LE(std::abs(got - exact), bound * std::abs(exact) + 1e-9) << k << ": " << a << " x " << b;
          ASSERT_EQ(got < 0, exact < 0) << "sign " << a << " x " << b;
        }
      }
    }
  }
  EXPECT_TRUE(drum_multiplier(8).is_exact());
  EXPECT_EQ(drum_product(3, 64, 64), 6400);  // the bound: 80 x 80 = 4096 * 1.25^2
}

TEST(ApproxDesigns, DrumKnownValues) {
  // k = 3: 100 = 0b1100100, lead 6, s = 4: (0b110 | 1) << 4 = 112; 9 = 0b1001, s = 1: (0b100|1)<<1 = 10.
  EXPECT_EQ(drum_product(3, 100, 9), 1120);
  EXPECT_EQ(drum_product(3, -100, 9), -1120);
  EXPECT_EQ(drum_product(3, 7, -7), -49);  // both fit in 3 bits
  // -128: magnitude 128 = 2^7, s = 5 for k = 3: (0b100 | 1) << 5 = 160.
  EXPECT_EQ(drum_product(3, -128, -128), 25600);
  EXPECT_THROW(drum_multiplier(2), ConfigError);
}

// mitchell: with m = 2^k (1 + x), log2 m ~ k + x; the approximate product 2^(k1+k2) (1 + x1 + x2)
// (or 2^(k1+k2+1) (x1 + x2) on a carry) never exceeds the true 2^(k1+k2) (1+x1)(1+x2), equals it
// when x1 = 0 or x2 = 0 (a power of two), and its relative error (x1 x2 / ((1+x1)(1+x2)) without a
// carry) peaks at x1 = x2 = 1/2: 1/9 = 11.1 %, which 3 x 3 (approx 8) reaches exactly.
TEST(ApproxDesignsExhaustive, MitchellBoundsAndPowersOfTwo) {
  const auto t = mitchell_multiplier();
  double worst = 0.0;
  for (int a = -128; a < 128; ++a) {
    for (int b = -128; b < 128; ++b) {
      const int exact = a * b;
      const int got = t(s8(a), s8(b));
      if (exact == 0) {
        ASSERT_EQ(got, 0);
        continue;
      }
      ASSERT_LE(std::abs(got), std::abs(exact)) << a << " x " << b;
      ASSERT_EQ(got < 0, exact < 0) << a << " x " << b;
      const double relative = static_cast<double>(std::abs(exact) - std::abs(got)) / std::abs(exact);
      ASSERT_LE(relative, 1.0 / 9.0 + 1e-12) << a << " x " << b;
      worst = std::max(worst, relative);
      const int ma = std::abs(a), mb = std::abs(b);
      if ((ma & (ma - 1)) == 0 || (mb & (mb - 1)) == 0) {
        ASSERT_EQ(got, exact) << a << " x " << b;
      }
    }
  }
  EXPECT_DOUBLE_EQ(worst, 1.0 / 9.0);
  EXPECT_EQ(t(3, 3), 8);
  EXPECT_EQ(t(-3, 3), -8);
  // 5 x 6: k = 2, 2; f = 1, 2; S = 1*4 + 2*4 = 12 < 16: 16 + 12 = 28 (true 30).
  EXPECT_EQ(mitchell_product(5, 6), 28);
  // The magnitude is under-estimated symmetrically in sign, so the signed mean error is 0.
  EXPECT_DOUBLE_EQ(characterize(t).mean_error, 0.0);
}

TEST(ApproxDesigns, ParametersOutOfRangeAreConfigErrors) {
  EXPECT_THROW(truncated_multiplier(8), ConfigError);
  EXPECT_THROW(truncated_multiplier(-1), ConfigError);
  EXPECT_THROW(broken_array_multiplier(8, 0), ConfigError);
  EXPECT_THROW(broken_array_multiplier(0, 8), ConfigError);
  EXPECT_THROW(drum_multiplier(9), ConfigError);
}

TEST(ApproxDesigns, RowMasksExposeTheKeptBitPlanes) {
  const auto array = truncated_array(3);
  EXPECT_EQ(array.row_mask[0], 0xF8);  // a_0..a_2 dropped in row 0 (columns 0..2)
  EXPECT_EQ(array.row_mask[1], 0xFC);
  EXPECT_EQ(array.row_mask[2], 0xFE);
  EXPECT_EQ(array.row_mask[3], 0xFF);
  EXPECT_EQ(broken_array(2, 0).row_mask[1], 0x80);  // sign column kept
  EXPECT_EQ(baugh_wooley_product(exact_array(), -128, -128), 16384);
}

}  // namespace
}  // namespace tessera::approx
