// The gather path's row split (kernels/approx/row_split.h): rebuilt independently on all 65,536
// entries of every table, adversarial tables included, and the plane counts the speed relies on.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "golden/approx/catalog.h"
#include "golden/approx/table.h"
#include "kernels/approx/row_split.h"
#include "tests/kernels/kernel_test_inputs.h"

namespace tessera::kernels {
namespace {

// Rebuilds every entry from the split's fields and checks each row's plane count against its
// residual's actual range.
void expect_split_rebuilds(const std::vector<std::int16_t>& lut, const std::string& what) {
  const RowSplit split = split_table_rows(lut.data());
  ASSERT_GE(split.linear.terms, 0) << what;
  ASSERT_LE(split.linear.terms, kMaxSplitTerms) << what;
  for (std::size_t b = 0; split.linear.terms > 0 && b < 256; ++b) {
    ASSERT_EQ(split.linear.basis[0][b], static_cast<std::int8_t>(b)) << what << ": basis 0 is b itself";
  }
  for (std::size_t a = 0; a < 256; ++a) {
    std::int32_t largest = 0;
    for (std::size_t b = 0; b < 256; ++b) {
      const std::size_t index = (a << 8) | b;
      std::int64_t value = split.offset[a] + split.residual(index);
      for (int j = 0; j < split.linear.terms; ++j) {
        value += std::int64_t{split.linear.coefficient[static_cast<std::size_t>(j)][a]} * split.linear.basis[static_cast<std::size_t>(j)][b];
      }
      ASSERT_EQ(value, lut[index]) << what << ": entry a=" << a << " b=" << b;
      largest = std::max(largest, split.residual(index));
    }
    const int needed = largest == 0 ? 0 : largest <= 0xFF ? 1 : 2;
    ASSERT_EQ(split.planes[a], needed) << what << ": row " << a;
    const bool listed = std::find(split.exception_rows.begin(), split.exception_rows.end(), a) != split.exception_rows.end();
    ASSERT_EQ(listed, !split.exception_rows.empty() && needed == 2) << what << ": row " << a << " as an exception";
  }
  ASSERT_LE(split.exception_rows.size(), kMaxExceptionRows) << what;
}

class RowSplitAllTables : public ::testing::TestWithParam<std::string> {};

TEST_P(RowSplitAllTables, RebuildsEveryEntry) {
  const approx::MultiplierTable table = approx::load_multiplier(GetParam());
  expect_split_rebuilds(std::vector<std::int16_t>(table.data(), table.data() + approx::kTableEntries), GetParam());
}

// The split kept for sparse exception codes: one plane for every other row, rebuilt entry by entry,
// present only beside a usual split that runs two planes.
TEST_P(RowSplitAllTables, SparseRowSplitRebuildsEveryEntry) {
  const approx::MultiplierTable table = approx::load_multiplier(GetParam());
  const TableSplits splits = table_splits(table.data());
  const bool usual_two_planes = splits.usual.exception_rows.empty() && splits.usual.rows_with_planes(2) > 0;
  if (!splits.sparse) return;
  ASSERT_TRUE(usual_two_planes) << GetParam() << ": a sparse split beside a usual one-plane split";
  const RowSplit& sparse = *splits.sparse;
  ASSERT_FALSE(sparse.exception_rows.empty());
  ASSERT_LE(sparse.exception_rows.size(), kMaxDataExceptionRows);
  for (std::size_t index = 0; index < approx::kTableEntries; ++index) {
    const std::size_t a = index >> 8, b = index & 0xFF;
    std::int64_t value = sparse.offset[a] + sparse.residual(index);
    for (int j = 0; j < sparse.linear.terms; ++j) value += std::int64_t{sparse.linear.coefficient[static_cast<std::size_t>(j)][a]} * sparse.linear.basis[static_cast<std::size_t>(j)][b];
    ASSERT_EQ(value, table.data()[index]) << GetParam() << ": entry a=" << a << " b=" << b;
    const bool listed = std::find(sparse.exception_rows.begin(), sparse.exception_rows.end(), a) != sparse.exception_rows.end();
    if (!listed) {
      ASSERT_EQ(sparse.high[index], 0) << GetParam() << ": row " << a << " is not an exception but needs two planes";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kernels, RowSplitAllTables, ::testing::ValuesIn(test_inputs::all_multiplier_names()),
                         [](const auto& info) { return info.param; });

TEST(RowSplit, AdversarialTablesStillRebuild) {
  std::mt19937 gen(7);
  std::uniform_int_distribution<int> any(-32768, 32767);
  std::vector<std::int16_t> noise(approx::kTableEntries);
  for (auto& v : noise) v = static_cast<std::int16_t>(any(gen));
  expect_split_rebuilds(noise, "uniform int16 noise");
  // Rows spanning the whole int16 range: the residual needs all 16 bits.
  std::vector<std::int16_t> extremes(approx::kTableEntries);
  for (std::size_t i = 0; i < extremes.size(); ++i) extremes[i] = (i * 2654435761u >> 7) % 2 ? 32767 : -32768;
  expect_split_rebuilds(extremes, "+-2^15 extremes");
  expect_split_rebuilds(std::vector<std::int16_t>(approx::kTableEntries, 0), "all zero");
  expect_split_rebuilds(std::vector<std::int16_t>(approx::kTableEntries, -32768), "all -2^15");
}

// What the gather path's speed rests on (kernels/README.md): the exact product needs no lookup
// at all, and an EvoApprox multiplier at most one byte plane per row.
TEST(RowSplit, StructureItReliesOn) {
  const approx::MultiplierTable exact = approx::load_multiplier("exact");
  const RowSplit exact_split = split_table_rows(exact.data());
  EXPECT_EQ(exact_split.rows_with_planes(0), 256u);
  EXPECT_EQ(exact_split.linear.terms, 1);
  const approx::MultiplierTable evo = approx::load_multiplier("mul8s_1L2H");
  const RowSplit evo_split = split_table_rows(evo.data());
  EXPECT_EQ(evo_split.rows_with_planes(2), 0u);
  EXPECT_TRUE(evo_split.exception_rows.empty());
  // DRUM4 fits one plane at two terms but for code -128: it runs as one plane plus that exception.
  const approx::MultiplierTable drum4 = approx::load_multiplier("drum4");
  const RowSplit drum4_split = split_table_rows(drum4.data());
  EXPECT_EQ(drum4_split.exception_rows, std::vector<std::uint8_t>{0x80});
  EXPECT_EQ(drum4_split.rows_with_planes(2), 1u);
  // Mitchell's two-plane rows are too many for exceptions on uniform codes; its sparse split lists
  // fewer than 128 (86 at 3 terms).
  const TableSplits mitchell = table_splits(approx::load_multiplier("mitchell").data());
  EXPECT_TRUE(mitchell.usual.exception_rows.empty());
  EXPECT_GT(mitchell.usual.rows_with_planes(2), kMaxExceptionRows);
  ASSERT_TRUE(mitchell.sparse.has_value());
  EXPECT_LE(mitchell.sparse->exception_rows.size(), 100u);
  EXPECT_LT(estimated_cost(*mitchell.sparse, 0.0), estimated_cost(mitchell.usual, 0.0));
  EXPECT_GT(estimated_cost(*mitchell.sparse, 0.5), estimated_cost(mitchell.usual, 0.0));
}

}  // namespace
}  // namespace tessera::kernels
