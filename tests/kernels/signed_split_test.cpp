// The signed split of a multiplier table (kernels/approx/signed_split.h): which tables have one,
// every entry rebuilt from its fields, and the gather path on it (vector and AMX tile sums)
// against golden.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "golden/approx/catalog.h"
#include "golden/approx/gemm.h"
#include "golden/common/error.h"
#include "kernels/approx/gather_gemm.h"
#include "kernels/approx/signed_split.h"
#include "tests/kernels/kernel_test_inputs.h"

namespace tessera::kernels {
namespace {

using test_inputs::normal_codes;
using test_inputs::random_codes;

struct Shape {
  std::size_t m, n, k;
};

// A table odd in b (b in -127..127), each row of sign `row_sign(a)` and magnitude `magnitude(a,
// b)` for b in 1..127; table(a, -128) = at_minus_128(a).
std::vector<std::int16_t> odd_table(const std::function<int(int)>& row_sign, const std::function<int(int, int)>& magnitude,
                                    const std::function<int(int)>& at_minus_128) {
  std::vector<std::int16_t> t(approx::kTableEntries);
  for (std::size_t i = 0; i < t.size(); ++i) {
    const int a = approx::port_a_of(i), b = approx::port_b_of(i);
    if (b == -128) t[i] = static_cast<std::int16_t>(at_minus_128(a));
    else if (b == 0) t[i] = 0;
    else t[i] = static_cast<std::int16_t>(row_sign(a) * (b < 0 ? -1 : 1) * magnitude(a, b < 0 ? -b : b));
  }
  return t;
}

std::vector<std::int16_t> random_odd_table(std::uint32_t seed, int widest) {
  std::mt19937 gen(seed);
  std::vector<int> sign(256), magnitude(256 * 128), minus_128(256);
  for (auto& s : sign) s = gen() % 2 ? 1 : -1;
  for (auto& v : magnitude) v = static_cast<int>(gen() % (static_cast<unsigned>(widest) + 1));
  for (auto& v : minus_128) v = static_cast<int>(gen() % 65536) - 32768;
  return odd_table([sign](int a) { return sign[static_cast<std::uint8_t>(a)]; },
                   [magnitude](int a, int b) { return magnitude[static_cast<std::uint8_t>(a) * 128u + static_cast<unsigned>(b)]; },
                   [minus_128](int a) { return minus_128[static_cast<std::uint8_t>(a)]; });
}

// A random odd table whose rows take both signs: entries for b in 1..127 uniform in -spread..spread.
std::vector<std::int16_t> random_mixed_odd_table(std::uint32_t seed, int spread) {
  std::mt19937 gen(seed);
  std::vector<int> values(256 * 128);
  for (auto& v : values) v = static_cast<int>(gen() % (2u * static_cast<unsigned>(spread) + 1)) - spread;
  return odd_table([](int) { return 1; },
                   [values](int a, int b) { return values[static_cast<std::uint8_t>(a) * 128u + static_cast<unsigned>(b)]; },
                   [](int a) { return a; });
}

// random_mixed_odd_table(75, 120) with `wide` rows (codes 3, 80, 133, ...) spanning +-30000.
std::vector<std::int16_t> mixed_odd_table_with_wide_rows(std::size_t wide) {
  std::vector<std::int16_t> t = random_mixed_odd_table(75, 120);
  std::mt19937 gen(76);
  for (std::size_t i = 0; i < wide; ++i) {
    const std::size_t row = (3 + 77 * i) % 256;
    for (int b = 1; b < 128; ++b) {
      const int v = static_cast<int>(gen() % 60001) - 30000;
      t[(row << 8) | static_cast<std::size_t>(b)] = static_cast<std::int16_t>(v);
      t[(row << 8) | static_cast<std::uint8_t>(-b)] = static_cast<std::int16_t>(-v);
    }
  }
  return t;
}

// Rebuilds table(a, b) from the split's fields by the formula of signed_split.h, independently of
// the library: bytes by |b|, NOTed where b < 0, the row's shift and the NOTs' correction taken off,
// the linear part added; b = -128 from at_minus_128; an exception row's biased entry added.
std::int64_t rebuilt_entry(const SignedSplit& split, int a, int b) {
  const std::size_t row = static_cast<std::uint8_t>(a), column = static_cast<std::uint8_t>(b);
  std::int64_t linear = 0;
  for (int j = 0; j < split.linear.terms; ++j) {
    linear += std::int64_t{split.linear.coefficient[static_cast<std::size_t>(j)][row]} * split.linear.basis[static_cast<std::size_t>(j)][column];
  }
  std::int64_t exception = 0;
  for (std::size_t i = 0; i < split.exception_rows.size(); ++i) {
    if (split.exception_rows[i] != row) continue;
    exception = split.exception_low[256 * i + column] + 256 * split.exception_high[256 * i + column] - 32768;
  }
  if (b == -128) return linear + split.at_minus_128[row] + exception;
  const std::size_t at = row * 128 + static_cast<std::size_t>(b < 0 ? -b : b);
  const std::int64_t bytes = split.low[at] + (split.planes == 2 ? 256 * split.high[at] : 0);
  const std::int64_t not_value = split.planes == 1 ? 255 : 65535, unit = split.planes == 1 ? 1 : 256;
  const std::int64_t shift = unit * split.row_shift[row];
  if (b >= 0) return linear + bytes - shift + exception;
  return linear + (not_value - bytes) - shift - (not_value - 2 * shift) + exception;
}

void expect_rebuilds(const SignedSplit& split, const std::int16_t* table, const std::string& name) {
  ASSERT_TRUE(split.planes == 1 || split.planes == 2) << name;
  ASSERT_EQ(split.low.size(), 256u * 128) << name;
  ASSERT_EQ(split.high.size(), split.planes == 2 ? 256u * 128 : 0u) << name;
  ASSERT_LE(split.exception_rows.size(), kMaxExceptionRows) << name;
  ASSERT_EQ(split.exception_low.size(), 256 * split.exception_rows.size()) << name;
  ASSERT_EQ(split.exception_high.size(), 256 * split.exception_rows.size()) << name;
  for (const std::uint8_t row : split.exception_rows) {
    // Zero in the passes: no coefficients, bytes, shift or -128 entry of their own.
    for (int j = 0; j < split.linear.terms; ++j) ASSERT_EQ(split.linear.coefficient[static_cast<std::size_t>(j)][row], 0) << name;
    for (std::size_t i = 0; i < 128; ++i) ASSERT_EQ(split.low[row * 128u + i], 0) << name;
    ASSERT_EQ(split.row_shift[row], 0) << name;
    ASSERT_EQ(split.at_minus_128[row], 0) << name;
  }
  for (int j = 0; j < split.linear.terms; ++j) {
    const auto& basis = split.linear.basis[static_cast<std::size_t>(j)];
    ASSERT_EQ(basis[0], 0) << name << " basis " << j;
    for (int b = 1; b < 128; ++b) {
      ASSERT_EQ(basis[static_cast<std::uint8_t>(-b)], -basis[static_cast<std::size_t>(b)]) << name << " basis " << j << " is odd";
    }
    if (j == 0) {
      for (int b = -128; b < 128; ++b) ASSERT_EQ(basis[static_cast<std::uint8_t>(b)], b) << name << ": basis 0 is b itself";
    }
  }
  for (std::size_t i = 0; i < approx::kTableEntries; ++i) {
    ASSERT_EQ(rebuilt_entry(split, approx::port_a_of(i), approx::port_b_of(i)), table[i]) << name << " entry " << i;
  }
}

TEST(SignedSplit, FoundOnOddTablesOnly) {
  // Mitchell needs 4 odd terms for one plane everywhere; DRUM4 and DRUM6 one plane at 2 terms,
  // with row -128 (DRUM4: magnitude 144 x |b|, a coefficient beyond int8) an exception.
  struct Expected {
    const char* name;
    int planes, terms;
    std::vector<std::uint8_t> exception_rows;
  };
  const Expected catalog[] = {{"mitchell", 1, 4, {}}, {"drum4", 1, 2, {0x80}}, {"drum6", 1, 2, {0x80}}, {"exact", 1, 1, {}}};
  for (const Expected& e : catalog) {
    const approx::MultiplierTable table = approx::load_multiplier(e.name);
    const auto split = split_signed(table.data());
    ASSERT_TRUE(split.has_value()) << e.name;
    EXPECT_EQ(split->planes, e.planes) << e.name;
    EXPECT_EQ(split->linear.terms, e.terms) << e.name;
    EXPECT_EQ(split->exception_rows, e.exception_rows) << e.name;
    expect_rebuilds(*split, table.data(), e.name);
  }
  // A few rows too wide for one plane become exceptions; more than kMaxExceptionRows, two planes.
  for (const std::size_t wide : {std::size_t{3}, kMaxExceptionRows + 1}) {
    const auto table = mixed_odd_table_with_wide_rows(wide);
    const auto split = split_signed(table.data());
    ASSERT_TRUE(split.has_value()) << wide;
    EXPECT_EQ(split->planes, wide <= kMaxExceptionRows ? 1 : 2) << wide;
    EXPECT_EQ(split->exception_rows.size(), wide <= kMaxExceptionRows ? wide : 0u) << wide;
    expect_rebuilds(*split, table.data(), "wide rows " + std::to_string(wide));
  }
  for (const char* name : {"mul8s_1L2H", "mul8s_1KR6", "trunc4"}) {
    EXPECT_FALSE(split_signed(approx::load_multiplier(name).data()).has_value()) << name;
  }
  const auto one = [](int) { return 1; };
  const auto zero = [](int) { return 0; };
  const auto small = [](int a, int b) { return (a * 7 + b * 3) & 0xFF; };
  const auto small_table = odd_table(one, small, zero);
  const auto small_split = split_signed(small_table.data());
  ASSERT_TRUE(small_split.has_value());
  EXPECT_EQ(small_split->planes, 1);
  expect_rebuilds(*small_split, small_table.data(), "small");
  // One entry of 256 per row, at a column of its own (no 4 linear terms fit them all).
  const auto spike = odd_table(one, [](int a, int b) { return 256 * (b == static_cast<std::uint8_t>(a) % 127 + 1); }, zero);
  ASSERT_TRUE(split_signed(spike.data()).has_value());
  EXPECT_EQ(split_signed(spike.data())->planes, 2);
  // Rows of both signs: one plane where they span 255 values at most, else two; none where a
  // row spans more than 65280 (its shift would leave 16 bits).
  for (const auto& [spread, planes] : {std::pair{120, 1}, std::pair{127, 1}, std::pair{200, 2}, std::pair{32000, 2}}) {
    const auto mixed = random_mixed_odd_table(static_cast<std::uint32_t>(spread), spread);
    const auto split = split_signed(mixed.data());
    ASSERT_TRUE(split.has_value()) << spread;
    EXPECT_EQ(split->planes, planes) << spread;
    expect_rebuilds(*split, mixed.data(), "mixed " + std::to_string(spread));
  }
  // Entries +-32767 with random signs: every row spans 65534 values, which no linear part of 4
  // terms narrows by 255 (it would have to agree in sign with all 127 entries).
  std::mt19937 gen(5);
  std::vector<int> signs(256 * 128);
  for (auto& v : signs) v = gen() % 2 ? 32767 : -32767;
  const auto widest = odd_table(one, [&signs](int a, int b) { return signs[static_cast<std::uint8_t>(a) * 128u + static_cast<unsigned>(b)]; }, zero);
  EXPECT_FALSE(split_signed(widest.data()).has_value());
  // An even entry, table(a, 0) != 0.
  auto even = odd_table(one, [](int, int b) { return b; }, zero);
  even[(9 << 8) | static_cast<std::uint8_t>(-20)] = 20;
  EXPECT_FALSE(split_signed(even.data()).has_value());
  auto offset = odd_table(one, [](int, int b) { return b; }, zero);
  offset[11 << 8] = 1;
  EXPECT_FALSE(split_signed(offset.data()).has_value());
  // table(a, b) = -32768 has no odd partner in int16.
  auto lowest = odd_table(one, [](int, int b) { return b; }, zero);
  lowest[(12 << 8) | 100] = -32768;
  EXPECT_FALSE(split_signed(lowest.data()).has_value());
}

// The gather path on the signed split against golden, on both entry points: Mitchell (4 linear
// terms, one plane), DRUM4 and DRUM6 (2, one, row -128 an exception), random odd tables of two
// planes and of one, rows of both signs, three exception rows among them, magnitudes all 32767 with
// table(a, -128) at the int16 extremes (with Mitchell also at the deepest K: sums, linear part and
// corrections that wrap int32); weights with code -128 at random, a column of -128 only, none at
// all, and every third code (the row split's fallback); activations at random and all -128; steps
// that end inside a group of 4 and a block (K = 1, 3, 37, 257, 300, 1000), 1 to 4 chunks, columns
// that end inside a chunk, odd rows, rows enough to share the lookups.
void expect_signed_gather_equals_golden(LookupSums sums) {
  const approx::MultiplierTable tables[] = {
      approx::load_multiplier("mitchell"), approx::load_multiplier("drum4"), approx::load_multiplier("drum6"),
      approx::MultiplierTable("odd two planes", random_odd_table(71, 32767)),
      approx::MultiplierTable("odd one plane", random_odd_table(72, 255)),
      approx::MultiplierTable("odd mixed one plane", random_mixed_odd_table(73, 127)),
      approx::MultiplierTable("odd mixed two planes", random_mixed_odd_table(74, 30000)),
      approx::MultiplierTable("odd with exception rows", mixed_odd_table_with_wide_rows(3)),
      approx::MultiplierTable("odd extremes", odd_table([](int a) { return a % 2 ? -1 : 1; }, [](int, int) { return 32767; },
                                                        [](int a) { return a % 3 ? 32767 : -32768; }))};
  for (const auto& table : tables) {
    GatherTable prepared(table.data());
    ASSERT_TRUE(prepared.signed_split.has_value()) << table.name();
    prepared.sparse_split.reset();  // one plane, chosen for activations that seldom hit its exceptions
    // The last two share their lookups (kSharedLookupRows rows; with tile sums below 256 columns),
    // over 1 and 2 ranges of steps.
    std::vector<Shape> shapes = {{1, 1, 1}, {7, 65, 3}, {33, 130, 257}, {9, 200, 1000}, {4, 256, 64},
                                 {kSharedLookupRows, 70, 37}, {kSharedLookupRows + 3, 130, 300}};
    if (table.name() == "odd extremes" || table.name() == "mitchell") shapes.push_back({2, 3, approx::kMaxInt32Depth});
    for (const Shape& s : shapes) {
      for (int pattern = 0; pattern < 4; ++pattern) {
        auto a = random_codes(s.m * s.k, 81);
        auto w = random_codes(s.n * s.k, 82);
        if (pattern == 1) {
          for (std::size_t kk = 0; kk < s.k; ++kk) w[(s.n - 1) * s.k + kk] = -128;  // the last column
          std::fill(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(s.k), std::int8_t{-128});  // row 0
        } else if (pattern == 2) {
          for (auto& v : w) v = v == -128 ? std::int8_t{-127} : v;
        } else if (pattern == 3) {
          for (std::size_t i = 0; i < w.size(); i += 3) w[i] = -128;  // too many: the row split runs instead
        }
        ASSERT_TRUE(gather_uses_signed_split(prepared, a.data(), s.m, s.k)) << table.name();
        const std::string what = table.name() + " " + std::to_string(s.m) + "x" + std::to_string(s.n) + "x" +
                                 std::to_string(s.k) + " pattern " + std::to_string(pattern);
        const auto expected = approx::approx_gemm(table, a.data(), w.data(), s.m, s.n, s.k);
        std::vector<std::int32_t> got(s.m * s.n);
        gather_gemm(prepared, a.data(), w.data(), s.m, s.n, s.k, got.data(), sums);
        ASSERT_EQ(got, expected) << what;
        const std::size_t stride = (s.n + 63) / 64 * 64 + 64;
        std::vector<std::uint8_t> w_t(s.k * stride, 0x80);  // padding columns hold -128: never read into the result
        for (std::size_t c = 0; c < s.n; ++c)
          for (std::size_t kk = 0; kk < s.k; ++kk) w_t[kk * stride + c] = static_cast<std::uint8_t>(w[c * s.k + kk]);
        std::fill(got.begin(), got.end(), 0);
        gather_gemm_k_major(prepared, a.data(), w_t.data(), stride, s.m, s.n, s.k, got.data(), sums);
        ASSERT_EQ(got, expected) << what << " k-major";
      }
    }
  }
}

TEST(SignedSplit, GatherOnVectorSumsEqualsGolden) {
  if (!signed_lookups_built()) GTEST_SKIP() << "built without AVX-512 VBMI: the signed split's passes need vpermb";
  expect_signed_gather_equals_golden(LookupSums::vector);
}

TEST(SignedSplit, GatherOnTileSumsEqualsGolden) {
  if (!signed_lookups_built() || !lookup_sums_available(LookupSums::amx_tiles)) {
    GTEST_SKIP() << "AMX tiles unavailable here (build without AVX-512 VBMI and AMX, or tile state not granted)";
  }
  expect_signed_gather_equals_golden(LookupSums::amx_tiles);
}

// Which split a call runs (the estimated costs, split_cost.h): the signed splits of Mitchell (one
// plane at 4 terms) on uniform and on normal codes, also with rows enough to share lookups, and of
// DRUM4 and DRUM6 (one plane at 2 terms and an exception row; their row splits: one plane at 2
// terms and an exception row, at twice the lookups); never without the build's VBMI passes.
TEST(SignedSplit, ChosenWhereEstimatedCheaper) {
  const auto mitchell = shared_gather_table(approx::load_multiplier("mitchell").data());
  const std::size_t m = 40, k = 600;
  const auto uniform = random_codes(m * k, 91);
  const auto normal = normal_codes(m * k, 92);
  EXPECT_EQ(gather_uses_signed_split(*mitchell, uniform.data(), m, k), signed_lookups_built());
  EXPECT_EQ(gather_uses_signed_split(*mitchell, normal.data(), m, k), signed_lookups_built());
  for (const char* name : {"drum4", "drum6"}) {
    const auto drum = shared_gather_table(approx::load_multiplier(name).data());
    EXPECT_EQ(gather_uses_signed_split(*drum, uniform.data(), m, k), signed_lookups_built()) << name;
    EXPECT_LT(estimated_cost(*drum->signed_split), estimated_cost(drum->split, 0.0)) << name;
  }
  const auto many_rows = random_codes(kSharedLookupRows * 8, 93);
  EXPECT_EQ(gather_uses_signed_split(*mitchell, many_rows.data(), kSharedLookupRows, 8), signed_lookups_built());
  // A table whose signed split costs more than its row split: the exact product (0 planes there).
  const auto exact = shared_gather_table(approx::load_multiplier("exact").data());
  EXPECT_FALSE(gather_uses_signed_split(*exact, uniform.data(), m, k));
}

}  // namespace
}  // namespace tessera::kernels
