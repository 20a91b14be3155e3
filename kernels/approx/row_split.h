#pragma once
// A multiplier table split row by row for the gather path (gather_gemm.h). With a the looked-up
// operand (the table row) and b the other one:
//   table(a, b) = linear(a, b) + offset[a] + residual(a, b)
// The linear part (linear_part.h, at most kMaxSplitTerms terms; one integer GEMM) is fitted to
// make each row's residual range (max - min) small; the residual is 0 .. 65535 and only it is
// looked up: a table whose residuals are all constant needs no lookup, one whose residuals all
// fit a byte half the lookups of a general table. Every term is an integer, so the split is
// exact; it is rebuilt and compared on all 65,536 entries before use.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "kernels/approx/linear_part.h"

namespace tessera::kernels {

inline constexpr int kMaxSplitTerms = 3;  // more did not bring Mitchell to one plane (kernels/README.md)
inline constexpr std::size_t kMaxExceptionRows = 8;

struct RowSplit {
  LinearPart linear;                       // 0 .. kMaxSplitTerms terms
  std::array<std::int32_t, 256> offset{};  // [uint8(a)]
  std::array<std::uint8_t, 256> planes{};  // bytes row a's residual needs: 0 (constant), 1 or 2
  std::vector<std::uint8_t> low, high;     // the residual's bytes, entry (uint8(a) << 8) | uint8(b)
  // When only a few rows need two planes (DRUM4 and DRUM6: code -128 alone): their codes. The
  // kernel then looks up one plane for every row and adds 256 * high of these rows separately, per
  // step where an activation holds one of these codes (rare: symmetric int8 data never holds -128).
  std::vector<std::uint8_t> exception_rows;

  std::int32_t residual(std::size_t index) const { return low[index] | (high[index] << 8); }
  // Rows (of 256) whose residual needs this many byte planes.
  std::size_t rows_with_planes(int count) const;
};

// Splits the 65,536-entry table (entry (uint8(a) << 8) | uint8(b)). The number of terms is the
// one with the least estimated cost per product: the widest row's planes (the kernel runs every
// step at that width), or one plane when at most kMaxExceptionRows rows need two (exception_rows),
// plus one integer-GEMM pass per term. Throws std::logic_error if the rebuilt table differs
// (a bug, never an input problem: any int16 table splits, at worst as 2 planes and slope 0).
RowSplit split_table_rows(const std::int16_t* lut);

// Estimated cost per product of running `split` (split_cost.h) when a fraction
// `exception_hit_fraction` of the activations hold one of its exception codes.
double estimated_cost(const RowSplit& split, double exception_hit_fraction);

// At most this many exception rows in a split kept for activations that avoid them.
inline constexpr std::size_t kMaxDataExceptionRows = 128;

struct TableSplits {
  RowSplit usual;  // split_table_rows
  // When the usual split runs two planes: one plane plus the fewest exception rows (at most
  // kMaxDataExceptionRows), the cheaper one when few activations hold their codes (Mitchell at 3
  // terms: 86 rows, large magnitudes that network activations seldom reach).
  std::optional<RowSplit> sparse;
};
TableSplits table_splits(const std::int16_t* lut);

}  // namespace tessera::kernels
