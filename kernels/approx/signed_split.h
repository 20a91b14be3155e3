#pragma once
// A multiplier table that is odd in its column operand b (the one the gather path looks up by):
//   table(a, -b) = -table(a, b) for b in -127..127 (so table(a, 0) = 0).
// Sign-magnitude designs (Mitchell, DRUM, most logarithmic multipliers) are. Such a table needs
// only its entries for b in 0..127 (2 vpermb per 64 lookups and plane instead of 4). With an odd
// linear part (linear_part.h: odd basis functions) the residual
//   r(a, b) = table(a, b) - linear(a, b)                               (b in -127..127)
// is odd too; per row the bytes
//   bytes(a, i) = r(a, i) + W u(a)    (i in 0..127; W = 1 for one plane, 256 for two; u(a) in
//                                      0..255 the least that makes every byte value >= 0)
// are looked up by |b|, and NOTed (2^(8 planes) - 1 - bytes = N - bytes) where b < 0. With
// s(b) = [b < 0], r(a, b) = looked up - W u(a) - s(b) (N - 2 W u(a)), so the kernel adds to the
// looked-up byte sums the correction
//   - W sum_k u(a) - N sum_k s(b) + 2 W sum_k u(a) s(b)      (the last one u8 x s8 integer GEMM)
// and the linear part. b = -128 (no partner) reads as magnitude 0, sign negative (contributing 0)
// and table(a, -128) - linear(a, -128) is added per step that holds it (symmetric int8 data never
// does). A few rows may be exceptions (DRUM4's row -128, whose coefficient would pass int8): zero
// in the passes (bytes, shift, coefficients, at_minus_128), their entries looked up apart per step
// that holds them. Every part is an integer, so it is exact; the split is rebuilt and compared on
// all 65,536 entries before use.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "kernels/approx/linear_part.h"
#include "kernels/approx/row_split.h"  // kMaxExceptionRows

namespace tessera::kernels {

struct SignedSplit {
  LinearPart linear;                              // odd basis functions (error_basis odd)
  int planes = 0;                                 // 1 when every row's bytes fit one, else 2
  std::array<std::uint8_t, 256> row_shift{};      // u(a), by uint8(a)
  std::vector<std::uint8_t> low, high;            // bytes(a, i) per plane, entry uint8(a) * 128 + i
  std::array<std::int32_t, 256> at_minus_128{};   // table(a, -128) - linear(a, -128), by uint8(a)
  // At most kMaxExceptionRows codes a whose rows need more planes than the others: their entries
  // table(a, b) + kExceptionBias as two byte planes, [index in exception_rows * 256 + uint8(b)].
  std::vector<std::uint8_t> exception_rows;
  std::vector<std::uint8_t> exception_low, exception_high;
  static constexpr std::int32_t kExceptionBias = 32768;
  std::int32_t not_value() const { return planes == 1 ? 0xFF : 0xFFFF; }  // N = 2^(8 planes) - 1
  std::int32_t shift_unit() const { return planes == 1 ? 1 : 256; }       // W
};

// The signed split of the 65,536-entry table (entry (uint8(a) << 8) | uint8(b)) at the number of
// linear terms with the least estimated cost (split_cost.h), or nothing when the table is not odd
// in b. Throws std::logic_error if the rebuilt table differs (a bug, never an input problem).
std::optional<SignedSplit> split_signed(const std::int16_t* lut);

// Its estimated cost per product (split_cost.h): the linear terms, the correction's GEMM, the
// planes' lookups, the exception rows' (on uniform codes).
double estimated_cost(const SignedSplit& split);

}  // namespace tessera::kernels
