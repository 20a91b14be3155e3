#pragma once
// The linear part of a split multiplier table (row_split.h, signed_split.h):
//   linear(a, b) = sum_j coefficient[j][a] * basis[j][b]
// basis[0] is b itself; basis[1..] are int8 shapes of the table's error against a * b (its leading
// right singular vectors, scaled to +-127), shared by every row; the int8 coefficients are chosen
// row by row so that what remains (the residual, looked up) spans the fewest values. The gather
// path runs it as one u8 x s8 integer GEMM over K * terms columns (expanded_gemm.h).
#include <array>
#include <cstddef>
#include <cstdint>

namespace tessera::kernels {

inline constexpr int kMaxLinearTerms = 4;

struct LinearPart {
  int terms = 0;  // basis functions in use, 0 .. kMaxLinearTerms
  std::array<std::array<std::int8_t, 256>, kMaxLinearTerms> basis{};        // [j][uint8(b)]
  std::array<std::array<std::int8_t, 256>, kMaxLinearTerms> coefficient{};  // [j][uint8(a)]
  std::int64_t value(std::size_t a_code, std::size_t b_code) const;         // codes as uint8
};

// Fitting a linear part to a table (entry (uint8(a) << 8) | uint8(b)).
using FitBasis = std::array<std::array<std::int32_t, 256>, kMaxLinearTerms>;  // [j][uint8(b)], int8 values

// none: the SVD of the error over every entry. odd (for a table odd in b): over b in 1..127 only,
// mirrored, so that every basis function is odd on -127..127 (0 at b = 0; basis[j >= 1] is 0 at
// -128, which has no partner).
enum class BasisSymmetry { none, odd };
FitBasis error_basis(const std::int16_t* lut, BasisSymmetry symmetry);

// A row's coefficients and its residual's least value and range (max - min) over the fitted codes.
struct RowFit {
  std::array<std::int32_t, kMaxLinearTerms> c{};
  std::int64_t low = 0, range = 0;
};
using RowFits = std::array<RowFit, 256>;  // by uint8(a)

// Every row's fit at `terms` basis functions over the codes b = uint8 0 .. columns - 1 (256: all;
// 128: b in 0..127): least squares as the start, then integer descent on the range.
RowFits fit_rows(const std::int16_t* lut, const FitBasis& basis, int terms, std::size_t columns);

// The fitted rows' linear part (basis and coefficients narrowed to int8).
LinearPart linear_part(const FitBasis& basis, const RowFits& fits, int terms);

}  // namespace tessera::kernels
