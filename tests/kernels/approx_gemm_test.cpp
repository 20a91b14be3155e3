// CPU twin of the approximate GEMM/conv vs golden/approx, bit for bit: every bundled table, the
// parametric designs, shapes that are no multiple of any tile, K up to 4096, extreme operands.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "golden/approx/catalog.h"
#include "golden/approx/conv.h"
#include "golden/approx/gemm.h"
#include "golden/common/error.h"
#include "kernels/approx/approx_gemm.h"
#include "kernels/approx/gather_gemm.h"
#include "kernels/common/int8_gemm.h"
#include "tests/kernels/kernel_test_inputs.h"

namespace tessera::kernels {
namespace {

using test_inputs::normal_codes;
using test_inputs::random_codes;

std::int64_t l1(const std::vector<std::int32_t>& v) {
  std::int64_t s = 0;
  for (auto x : v) s += x < 0 ? -static_cast<std::int64_t>(x) : x;
  return s;
}

using test_inputs::all_multiplier_names;

struct Shape {
  std::size_t m, n, k;
};

class ApproxGemmAllTables : public ::testing::TestWithParam<std::string> {};

TEST_P(ApproxGemmAllTables, CpuTwinEqualsGoldenOnOddShapes) {
  const approx::MultiplierTable table = approx::load_multiplier(GetParam());
  const ApproxPlan plan(table);
  const ApproxPlan gather(table, /*allow_structured=*/false);
  ASSERT_EQ(gather.path(), ApproxPath::gather);
  const Shape shapes[] = {{1, 1, 1}, {7, 33, 257}, {33, 7, 1000}, {3, 5, 4096}, {257, 9, 33}, {2, 513, 70}};
  std::uint32_t seed = 1;
  for (const Shape& s : shapes) {
    const auto a = random_codes(s.m * s.k, seed++);
    const auto w = random_codes(s.n * s.k, seed++);
    const auto expected = approx::approx_gemm(table, a.data(), w.data(), s.m, s.n, s.k);
    const auto got = approx_gemm(Backend::cpu, plan, a.data(), w.data(), s.m, s.n, s.k);
    const auto got_gather = approx_gemm(Backend::cpu, gather, a.data(), w.data(), s.m, s.n, s.k);
    ASSERT_EQ(got, expected) << GetParam() << " path " << approx_path_name(plan.path()) << " shape " << s.m << "x"
                             << s.n << "x" << s.k;
    ASSERT_EQ(got_gather, expected) << GetParam() << " gather, shape " << s.m << "x" << s.n << "x" << s.k;
    if (s.k > 1) {
      EXPECT_GT(l1(expected), 0);
    }
  }
}

TEST_P(ApproxGemmAllTables, ExtremeOperands) {
  const approx::MultiplierTable table = approx::load_multiplier(GetParam());
  const ApproxPlan plan(table);
  const ApproxPlan gather(table, /*allow_structured=*/false);
  // Rows of constant -128, 127, -127, 0, 1 (the largest |sums| the table allows), then the first
  // and last codes of the gather path's table quarters (unsigned 0x3F, 0x40, 0xC0, 0xFF), then
  // alternating -128 / 127.
  const std::int8_t values[] = {-128, 127, -127, 0, 1, 63, 64, -64, -1};
  constexpr std::size_t kValues = sizeof(values);
  const std::size_t m = kValues, n = kValues + 1, k = 4093;
  std::vector<std::int8_t> a(m * k), w(n * k);
  for (std::size_t r = 0; r < m; ++r)
    for (std::size_t i = 0; i < k; ++i) a[r * k + i] = values[r];
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t i = 0; i < k; ++i) {
      w[r * k + i] = r < kValues ? values[r] : static_cast<std::int8_t>(i % 2 ? -128 : 127);
    }
  const auto expected = approx::approx_gemm(table, a.data(), w.data(), m, n, k);
  EXPECT_EQ(approx_gemm(Backend::cpu, plan, a.data(), w.data(), m, n, k), expected);
  EXPECT_EQ(approx_gemm(Backend::cpu, gather, a.data(), w.data(), m, n, k), expected);
  EXPECT_GT(l1(expected), 0);
}

INSTANTIATE_TEST_SUITE_P(Tables, ApproxGemmAllTables, ::testing::ValuesIn(all_multiplier_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(ApproxPlan, PicksAndProvesTheStructuredPaths) {
  EXPECT_EQ(ApproxPlan(approx::exact_multiplier()).path(), ApproxPath::exact);
  EXPECT_EQ(ApproxPlan(approx::load_multiplier("mul8s_1KV8")).path(), ApproxPath::exact);
  for (int k = 1; k <= 7; ++k) {
    const ApproxPlan plan(approx::truncated_multiplier(k));
    EXPECT_EQ(plan.path(), ApproxPath::bit_planes) << k;
    EXPECT_EQ(plan.groups().size(), static_cast<std::size_t>(k)) << k;
  }
  const ApproxPlan bam(approx::broken_array_multiplier(3, 0));
  EXPECT_EQ(bam.path(), ApproxPath::bit_planes);
  EXPECT_EQ(bam.groups().size(), 1u);  // error = (a mod 128) * (b mod 8): rank one
  EXPECT_EQ(ApproxPlan(approx::drum_multiplier(4)).path(), ApproxPath::gather);
  EXPECT_EQ(ApproxPlan(approx::mitchell_multiplier()).path(), ApproxPath::gather);
  // A table that agrees with an array on the powers of two but not elsewhere must not pass.
  std::vector<std::int16_t> products = approx::truncated_multiplier(3).products();
  products[approx::table_index(-77, 93)] += 1;
  EXPECT_EQ(ApproxPlan(approx::MultiplierTable("tampered", products)).path(), ApproxPath::gather);
}

TEST(ApproxGemm, PortOrderOfNonSymmetricTables) {
  int non_symmetric = 0;
  for (const auto& b : approx::bundled_multipliers()) {
    const approx::MultiplierTable table = approx::load_multiplier(b.name);
    if (table.is_symmetric()) continue;
    ++non_symmetric;
    const ApproxPlan plan(table);
    const std::size_t m = 9, n = 11, k = 131;
    const auto a = random_codes(m * k, 77), w = random_codes(n * k, 78);
    const auto expected = approx::approx_gemm(table, a.data(), w.data(), m, n, k);
    EXPECT_EQ(approx_gemm(Backend::cpu, plan, a.data(), w.data(), m, n, k), expected) << b.name;
    // Swapping the ports (TransAxx's conv does) gives other numbers, so the order is really tested.
    std::vector<std::int32_t> swapped(m * n);
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t c = 0; c < n; ++c) {
        std::int32_t s = 0;
        for (std::size_t i = 0; i < k; ++i) s += table(w[c * k + i], a[r * k + i]);
        swapped[r * n + c] = s;
      }
    EXPECT_NE(swapped, expected) << b.name;
  }
  EXPECT_GT(non_symmetric, 0);
}

// Splitting a table takes ~20 ms: plans of the same entries (another name included) share one.
TEST(ApproxPlan, GatherPlansShareTheSplitOfEqualTables) {
  const approx::MultiplierTable mitchell = approx::load_multiplier("mitchell");
  const ApproxPlan first(mitchell, /*allow_structured=*/false), second(mitchell, /*allow_structured=*/false);
  const ApproxPlan renamed(approx::MultiplierTable("renamed", std::vector<std::int16_t>(
                                                                   mitchell.data(), mitchell.data() + approx::kTableEntries)),
                           /*allow_structured=*/false);
  ASSERT_NE(first.gather_by_activation(), nullptr);
  EXPECT_EQ(first.gather_by_activation(), second.gather_by_activation());
  EXPECT_EQ(first.gather_by_weight(), renamed.gather_by_weight());
  const ApproxPlan other(approx::load_multiplier("drum6"), /*allow_structured=*/false);
  EXPECT_NE(other.gather_by_activation(), first.gather_by_activation());
  EXPECT_EQ(ApproxPlan(approx::exact_multiplier()).gather_by_activation(), nullptr);  // structured: no split
}

// At the deepest K the gather path's parts (linear GEMM, offsets, residual planes) wrap modulo
// 2^32 although the result fits int32: tables whose entries are all +-2^15 (residual range 65535,
// two planes) and one that is exact but for a constant bias (no planes at all).
TEST(ApproxGemm, GatherAtDeepestKWrapsExactly) {
  std::vector<std::int16_t> extremes(approx::kTableEntries), biased(approx::kTableEntries);
  for (std::size_t i = 0; i < extremes.size(); ++i) {
    extremes[i] = (i * 2654435761u >> 7) % 2 ? 32767 : -32768;
    biased[i] = static_cast<std::int16_t>(approx::port_a_of(i) * approx::port_b_of(i) + 16000);
  }
  const std::size_t m = 2, n = 3, k = approx::kMaxInt32Depth;
  for (const auto& products : {extremes, biased}) {
    const approx::MultiplierTable table("adversarial", products);
    const ApproxPlan gather(table, /*allow_structured=*/false);
    for (std::uint32_t seed : {1u, 2u}) {
      auto a = random_codes(m * k, seed), w = random_codes(n * k, seed + 10);
      if (seed == 2) {  // every product the same entry: the largest sums the result type holds
        std::fill(a.begin(), a.end(), std::int8_t{0});
        std::fill(w.begin(), w.end(), std::int8_t{0});
      }
      const auto expected = approx::approx_gemm(table, a.data(), w.data(), m, n, k);
      ASSERT_EQ(approx_gemm(Backend::cpu, gather, a.data(), w.data(), m, n, k), expected) << "seed " << seed;
    }
  }
}

// The lookup passes' bytes summed by AMX tiles or by vector sums, each against golden, on tables
// whose residual rows need one byte plane (mul8s_1L2H), one plus an exception row (DRUM4, code
// -128 present), or two (Mitchell on uniform codes, random entries, entries of -32768 and 32767
// only, the latter also at the deepest K: sums that wrap int32). Steps that end inside a group of
// 4 and inside a step block (K = 1, 3, 131: the vector passes' 128 and 3 more, 257: the tile
// passes' 256 and 1 more, 1000); 1 to 4 chunks in a column group (N = 1, 65, 130, 200), columns
// that end inside a chunk, and odd rows (one-plane passes pair the rows).
void expect_lookup_sums_equal_golden(LookupSums sums) {
  std::vector<std::int16_t> noise(approx::kTableEntries), extremes(approx::kTableEntries);
  std::mt19937 gen(61);
  std::uniform_int_distribution<int> any(-32768, 32767);
  for (auto& v : noise) v = static_cast<std::int16_t>(any(gen));
  for (std::size_t i = 0; i < extremes.size(); ++i) extremes[i] = (i * 2654435761u >> 7) % 2 ? 32767 : -32768;
  const approx::MultiplierTable tables[] = {approx::load_multiplier("mul8s_1L2H"), approx::load_multiplier("drum4"),
                                            approx::load_multiplier("mitchell"), approx::MultiplierTable("noise", noise),
                                            approx::MultiplierTable("extremes", extremes)};
  for (const auto& table : tables) {
    GatherTable prepared(table.data());
    prepared.signed_split.reset();  // the row split's passes (signed_split_test.cpp tests the other)
    const bool one_plane = table.name() == "mul8s_1L2H" || table.name() == "drum4";
    ASSERT_EQ(prepared.split.rows_with_planes(2) > prepared.split.exception_rows.size(), !one_plane) << table.name();
    ASSERT_EQ(prepared.split.exception_rows.size(), table.name() == "drum4" ? 1u : 0u) << table.name();
    std::vector<Shape> shapes = {{1, 1, 1}, {7, 65, 3}, {33, 130, 131}, {9, 200, 257}, {3, 33, 1000}};
    if (table.name() == "extremes") shapes.push_back({2, 3, approx::kMaxInt32Depth});
    for (const Shape& s : shapes) {
      auto a = random_codes(s.m * s.k, 62);
      a[s.k / 2] = -128;  // an exception code (DRUM4) in row 0
      const auto w = random_codes(s.n * s.k, 63);
      std::vector<std::int32_t> got(s.m * s.n);
      gather_gemm(prepared, a.data(), w.data(), s.m, s.n, s.k, got.data(), sums);
      ASSERT_EQ(got, approx::approx_gemm(table, a.data(), w.data(), s.m, s.n, s.k))
          << table.name() << " " << s.m << "x" << s.n << "x" << s.k;
    }
  }
}

TEST(ApproxGemm, GatherVectorSumsEqualGolden) { expect_lookup_sums_equal_golden(LookupSums::vector); }

TEST(ApproxGemm, GatherTileSumsEqualGolden) {
  if (!lookup_sums_available(LookupSums::amx_tiles)) {
    const approx::MultiplierTable table = approx::load_multiplier("mitchell");
    const std::int8_t code = 1;
    std::int32_t out = 0;
    EXPECT_THROW(gather_gemm(GatherTable(table.data()), &code, &code, 1, 1, 1, &out, LookupSums::amx_tiles), ConfigError);
    GTEST_SKIP() << "AMX tiles unavailable here (build without AVX-512 VBMI and AMX, or tile state not granted)";
  }
  EXPECT_EQ(lookup_sums(), LookupSums::amx_tiles);
  expect_lookup_sums_equal_golden(LookupSums::amx_tiles);
}

// A table whose rows all fit one byte plane but a few (the split's exception rows): one plane
// for every step, the exceptions' high bytes added per step that holds one of their codes. Codes
// at random (sparse hits), rows where every other step is an exception code (dense hits, several
// blocks of them), chunks that end inside 64 columns, and the transposed orientation (few columns).
TEST(ApproxGemm, GatherExceptionRowsEqualGolden) {
  const std::int8_t exceptional[] = {-128, -3, 77};
  std::mt19937 gen(5);
  std::uniform_int_distribution<int> any(-32768, 32767);
  std::vector<std::int16_t> products(approx::kTableEntries);
  for (std::size_t i = 0; i < products.size(); ++i) {
    const int a = approx::port_a_of(i), b = approx::port_b_of(i);
    const bool bumpy = std::find(std::begin(exceptional), std::end(exceptional), a) != std::end(exceptional);
    products[i] = static_cast<std::int16_t>(bumpy ? any(gen) : a * b + (b & 7));
  }
  const approx::MultiplierTable table("exception rows", products);
  const auto prepared = shared_gather_table(table.data());
  ASSERT_EQ(prepared->split.exception_rows.size(), 3u);
  const ApproxPlan gather(table, /*allow_structured=*/false);
  for (const Shape& s : {Shape{37, 130, 1000}, Shape{300, 20, 515}, Shape{1, 64, 4099}}) {
    for (const bool dense : {false, true}) {
      auto a = random_codes(s.m * s.k, 21);
      const auto w = random_codes(s.n * s.k, 22);
      if (dense) {
        for (std::size_t i = 0; i < a.size(); i += 2) a[i] = exceptional[(i / 2) % 3];
      }
      const auto expected = approx::approx_gemm(table, a.data(), w.data(), s.m, s.n, s.k);
      ASSERT_EQ(approx_gemm(Backend::cpu, gather, a.data(), w.data(), s.m, s.n, s.k), expected)
          << s.m << "x" << s.n << "x" << s.k << (dense ? " dense" : " sparse");
    }
  }
}

// Mitchell keeps a second split (one plane + its large-magnitude rows as exceptions): chosen when
// few activations hold those codes (normal codes), not for uniform codes; golden's bits either way,
// on both entry points.
TEST(ApproxGemm, GatherSplitChosenByTheActivations) {
  const approx::MultiplierTable table = approx::load_multiplier("mitchell");
  const auto prepared = shared_gather_table(table.data());
  ASSERT_TRUE(prepared->sparse_split.has_value());
  const std::size_t m = 40, n = 70, k = 600;
  const auto uniform = random_codes(m * k, 31);
  const auto normal = normal_codes(m * k, 32);
  EXPECT_EQ(&split_for(*prepared, uniform.data(), m, k), &prepared->split);
  EXPECT_EQ(&split_for(*prepared, normal.data(), m, k), &*prepared->sparse_split);
  const auto w = random_codes(n * k, 33);
  const std::size_t stride = 128;
  std::vector<std::uint8_t> w_t(k * stride, 0);
  for (std::size_t c = 0; c < n; ++c)
    for (std::size_t kk = 0; kk < k; ++kk) w_t[kk * stride + c] = static_cast<std::uint8_t>(w[c * k + kk]);
  const std::vector<std::int8_t>* activations[] = {&uniform, &normal};
  for (const auto* a : activations) {
    const auto expected = approx::approx_gemm(table, a->data(), w.data(), m, n, k);
    std::vector<std::int32_t> got(m * n), got_k_major(m * n);
    gather_gemm(*prepared, a->data(), w.data(), m, n, k, got.data());
    gather_gemm_k_major(*prepared, a->data(), w_t.data(), stride, m, n, k, got_k_major.data());
    EXPECT_EQ(got, expected) << (a == &normal ? "normal" : "uniform") << " codes";
    EXPECT_EQ(got_k_major, expected) << (a == &normal ? "normal" : "uniform") << " codes, k-major";
  }
}

// From kSharedLookupRows rows on (and fewer than 256 columns), the rows share their lookups (phase
// 1 per code, phase 2 per row), whatever the lookup sums: one plane, two planes, exception rows (-128 codes present), the sparse split (normal
// codes), a table of random entries; steps that end inside a block, columns inside a chunk, an
// odd number of chunks, one chunk with its steps split in ranges (partial outputs), and the
// transposed orientation (more columns than rows).
TEST(ApproxGemm, GatherSharedLookupsEqualGolden) {
  std::vector<std::int16_t> noise(approx::kTableEntries);
  std::mt19937 gen(41);
  std::uniform_int_distribution<int> any(-32768, 32767);
  for (auto& v : noise) v = static_cast<std::int16_t>(any(gen));
  std::vector<approx::MultiplierTable> tables = {approx::load_multiplier("mul8s_1L2H"), approx::load_multiplier("mitchell"),
                                                 approx::load_multiplier("drum4"), approx::MultiplierTable("noise", noise)};
  for (const auto& table : tables) {
    const ApproxPlan gather(table, /*allow_structured=*/false);
    for (const Shape& s : {Shape{kSharedLookupRows, 70, 131}, Shape{kSharedLookupRows + 77, 130, 40},
                            Shape{kSharedLookupRows + 6, 64, 300}, Shape{5, kSharedLookupRows + 3, 33}}) {
      ASSERT_TRUE(gather_shares_lookups(std::max(s.m, s.n), std::min(s.m, s.n), lookup_sums()));
      for (const bool normal : {false, true}) {
        const auto a = normal ? normal_codes(s.m * s.k, 45) : random_codes(s.m * s.k, 43);
        const auto w = random_codes(s.n * s.k, 44);
        const auto expected = approx::approx_gemm(table, a.data(), w.data(), s.m, s.n, s.k);
        ASSERT_EQ(approx_gemm(Backend::cpu, gather, a.data(), w.data(), s.m, s.n, s.k), expected)
            << table.name() << " " << s.m << "x" << s.n << "x" << s.k << (normal ? " normal codes" : "");
      }
    }
  }
}

// The k-major entry point (what conv2d's im2col feeds) equals the row-major one, whatever codes
// the padding columns hold, and refuses a stride the lookups cannot read.
TEST(GatherGemm, KMajorColumnsEqualRowMajor) {
  for (const std::string name : {"mul8s_1L2H", "mitchell", "mul8s_1KR3", "drum6"}) {
    const approx::MultiplierTable table = approx::load_multiplier(name);
    const auto prepared = shared_gather_table(table.data());
    for (const Shape& s : {Shape{5, 70, 131}, Shape{3, 64, 1}, Shape{9, 1, 300}}) {
      const auto a = random_codes(s.m * s.k, 7);
      const auto w = random_codes(s.n * s.k, 8);
      std::vector<std::int32_t> row_major(s.m * s.n);
      gather_gemm(*prepared, a.data(), w.data(), s.m, s.n, s.k, row_major.data());
      EXPECT_EQ(row_major, approx::approx_gemm(table, a.data(), w.data(), s.m, s.n, s.k)) << name;
      // Padding past the columns: part of a chunk, and more than a whole group of 256 columns.
      for (const std::size_t padding : {64u, 320u}) {
        const std::size_t stride = (s.n + 63) / 64 * 64 + padding;
        std::vector<std::uint8_t> w_t(s.k * stride, 0xEE);
        for (std::size_t c = 0; c < s.n; ++c)
          for (std::size_t kk = 0; kk < s.k; ++kk) w_t[kk * stride + c] = static_cast<std::uint8_t>(w[c * s.k + kk]);
        std::vector<std::int32_t> k_major(s.m * s.n);
        gather_gemm_k_major(*prepared, a.data(), w_t.data(), stride, s.m, s.n, s.k, k_major.data());
        ASSERT_EQ(k_major, row_major) << name << " " << s.m << "x" << s.n << "x" << s.k << " stride " << stride;
      }
    }
  }
  const auto prepared = shared_gather_table(approx::load_multiplier("mitchell").data());
  std::vector<std::int8_t> a(8, 1);
  std::vector<std::uint8_t> w_t(8 * 128, 1);
  std::vector<std::int32_t> out(70);
  EXPECT_THROW(gather_gemm_k_major(*prepared, a.data(), w_t.data(), 100, 1, 70, 8, out.data()), ConfigError);
  EXPECT_THROW(gather_gemm_k_major(*prepared, a.data(), w_t.data(), 64, 1, 70, 8, out.data()), ConfigError);
}

TEST(ApproxGemm, SupportsSaysWhy) {
  const SupportReport deep = approx_gemm_supports(Backend::cpu, 1, 1, approx::kMaxInt32Depth + 1);
  EXPECT_FALSE(deep.ok);
  EXPECT_NE(deep.reason.find("approx_gemm_i64"), std::string::npos) << deep.reason;
  EXPECT_TRUE(approx_gemm_supports(Backend::cpu, 3, 3, approx::kMaxInt32Depth).ok);
  const SupportReport gpu = approx_gemm_supports(Backend::cuda, 8, 8, 8);
  if (!cuda_available().ok) {
    EXPECT_FALSE(gpu.ok);
    EXPECT_FALSE(gpu.reason.empty());
    const ApproxPlan plan(approx::exact_multiplier());
    const std::int8_t one = 1;
    EXPECT_THROW(approx_gemm(Backend::cuda, plan, &one, &one, 1, 1, 1), ConfigError);
  }
  const auto zero_k = approx_gemm(Backend::cpu, ApproxPlan(approx::exact_multiplier()), nullptr, nullptr, 2, 3, 0);
  EXPECT_EQ(zero_k, std::vector<std::int32_t>(6, 0));
}

TEST(ApproxConv2d, CpuTwinEqualsGolden) {
  std::vector<approx::Conv2dShape> shapes = test_inputs::conv_shapes();
  approx::Conv2dShape many_pixels;  // 1156 output pixels: the gather path's shared lookups
  many_pixels.batch = 1; many_pixels.in_channels = 3; many_pixels.in_height = 34; many_pixels.in_width = 34;
  many_pixels.out_channels = 6; many_pixels.kernel_height = 3; many_pixels.kernel_width = 3;
  many_pixels.pad_h = 1; many_pixels.pad_w = 1;
  shapes.push_back(many_pixels);
  std::vector<std::string> names = {"exact", "trunc4", "bam_h2_v5", "mitchell"};
  for (const auto& b : approx::bundled_multipliers()) names.push_back(b.name);
  std::uint32_t seed = 100;
  for (const std::string& name : names) {
    const approx::MultiplierTable table = approx::load_multiplier(name);
    const ApproxPlan plan(table);
    for (const auto& s : shapes) {
      const auto in = random_codes(s.input_size(), seed++);
      const auto wt = random_codes(s.weight_size(), seed++);
      const auto expected = approx::approx_conv2d(table, in.data(), wt.data(), s);
      ASSERT_EQ(approx_conv2d(Backend::cpu, plan, in.data(), wt.data(), s), expected) << name;
      EXPECT_GT(l1(expected), 0);
    }
  }
}

}  // namespace
}  // namespace tessera::kernels

namespace tessera::kernels {
namespace {

// Every core this build and machine have (AMX tiles, AVX-512 VNNI, the plain loop) against the
// naive sum, modulo 2^32: shapes that are no multiple of any tile (8 / 32 rows, 32 columns, 4 / 64
// steps), A read in place and copied, and sums that pass 2^31 (extreme codes at K = 70,000).
TEST(Int8Gemm, EveryCoreEqualsNaiveOnOddShapesIncludingWraparound) {
  std::mt19937 gen(5);
  std::uniform_int_distribution<int> u(0, 255), s(-128, 127);
  int cores_run = 0;
  for (const Int8Core core : {Int8Core::amx, Int8Core::vnni, Int8Core::portable}) {
    if (!int8_core_available(core)) {
      EXPECT_THROW(gemm_u8s8_i32_on(core, nullptr, nullptr, 1, 1, 1, nullptr), ConfigError);
      continue;
    }
    ++cores_run;
    std::cout << "[ core     ] " << (core == Int8Core::amx ? "amx" : core == Int8Core::vnni ? "vnni" : "portable") << "\n";
    for (auto [m, n, k, extreme] : {std::tuple<std::size_t, std::size_t, std::size_t, bool>{1, 1, 1, false},
                                    {9, 33, 7, false}, {17, 65, 64, false}, {8, 32, 4099, false}, {32, 32, 128, false},
                                    {33, 31, 65, false}, {64, 64, 192, false}, {5, 3, 0, false}, {3, 2, 70000, true}}) {
      std::vector<std::uint8_t> a(m * k);
      std::vector<std::int8_t> b(n * k);
      for (auto& x : a) x = extreme ? std::uint8_t{255} : static_cast<std::uint8_t>(u(gen));
      for (auto& x : b) x = extreme ? std::int8_t{127} : static_cast<std::int8_t>(s(gen));
      std::vector<std::uint32_t> offset(n);
      for (auto& x : offset) x = static_cast<std::uint32_t>(gen());
      std::vector<std::int32_t> got(m * n);
      gemm_u8s8_i32_on(core, a.data(), b.data(), m, n, k, got.data(), offset.data());
      for (std::size_t r = 0; r < m; ++r)
        for (std::size_t c = 0; c < n; ++c) {
          std::int64_t sum = 0;
          for (std::size_t i = 0; i < k; ++i) sum += static_cast<std::int64_t>(a[r * k + i]) * b[c * k + i];
          if (extreme) {
            ASSERT_GT(sum, std::int64_t{1} << 31);
          }
          const auto want = static_cast<std::int32_t>(static_cast<std::uint32_t>(sum) - offset[c]);
          ASSERT_EQ(got[r * n + c], want) << "core " << static_cast<int>(core) << " " << m << "x" << n << "x" << k;
        }
    }
  }
  EXPECT_GE(cores_run, 1);
  EXPECT_TRUE(int8_core_available(int8_gemm_core()));
}

}  // namespace
}  // namespace tessera::kernels

namespace tessera::kernels {
namespace {

// The CUDA launches' grid limit is a supports() reason (the caller falls back), not a launch error.
TEST(Backend, CudaGridLimitIsAReasonToFallBack) {
  EXPECT_TRUE(cuda_grid_supports(5, 65535u * 64u, 64, 64).ok);
  const SupportReport wide = cuda_grid_supports(5, 65535u * 64u + 1u, 64, 64);
  EXPECT_FALSE(wide.ok);
  EXPECT_NE(wide.reason.find("65535"), std::string::npos) << wide.reason;
  EXPECT_NE(wide.reason.find("CPU twin"), std::string::npos) << wide.reason;
  EXPECT_TRUE(cuda_grid_supports(std::size_t{1} << 34, 16, 16, 16).ok);   // rows on x: 2^30 tiles
  EXPECT_FALSE(cuda_grid_supports(std::size_t{1} << 40, 16, 16, 16).ok);  // 2^36 tiles
}

}  // namespace
}  // namespace tessera::kernels
