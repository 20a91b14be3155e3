// The linear part of a split multiplier table and its fit (linear_part.h).
#include "kernels/approx/linear_part.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Dense>
#include <Eigen/SVD>

namespace tessera::kernels {
namespace {

std::int32_t code_value(std::size_t code) { return static_cast<std::int8_t>(static_cast<std::uint8_t>(code)); }

RowFit evaluate(const std::int16_t* row, const FitBasis& basis, int terms, std::size_t columns,
                const std::array<std::int32_t, kMaxLinearTerms>& c) {
  std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
  for (std::size_t b = 0; b < columns; ++b) {
    std::int64_t v = row[b];
    for (int j = 0; j < terms; ++j) v -= std::int64_t{c[static_cast<std::size_t>(j)]} * basis[static_cast<std::size_t>(j)][b];
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  return {c, lo, hi - lo};
}

// Least squares as the start, then integer descent on the range (a convex function of the
// coefficients: max minus min of affine functions), step sizes 8 .. 1 per coordinate.
RowFit fit_row(const std::int16_t* row, const FitBasis& basis, int terms, std::size_t columns,
               const Eigen::MatrixXd& pseudo_inverse) {
  Eigen::VectorXd values(static_cast<Eigen::Index>(columns));
  for (std::size_t b = 0; b < columns; ++b) values[static_cast<Eigen::Index>(b)] = row[b];
  const Eigen::VectorXd ls = pseudo_inverse * values;  // empty for 0 terms
  std::array<std::int32_t, kMaxLinearTerms> start{};
  for (int j = 0; j < terms; ++j) {
    start[static_cast<std::size_t>(j)] = static_cast<std::int32_t>(std::clamp(std::lround(ls[j]), -128L, 127L));
  }
  RowFit best = evaluate(row, basis, terms, columns, start);
  const RowFit zero = evaluate(row, basis, terms, columns, {});
  if (zero.range < best.range) best = zero;
  for (int step : {8, 4, 2, 1}) {
    for (bool improved = true; improved;) {
      improved = false;
      for (int j = 0; j < terms; ++j) {
        for (int direction : {-1, 1}) {
          std::array<std::int32_t, kMaxLinearTerms> c = best.c;
          std::int32_t& cj = c[static_cast<std::size_t>(j)];
          cj = std::clamp(cj + direction * step, -128, 127);
          if (cj == best.c[static_cast<std::size_t>(j)]) continue;
          const RowFit candidate = evaluate(row, basis, terms, columns, c);
          if (candidate.range < best.range) {
            best = candidate;
            improved = true;
          }
        }
      }
    }
  }
  return best;
}

Eigen::MatrixXd pseudo_inverse(const FitBasis& basis, int terms, std::size_t columns) {
  if (terms == 0) return Eigen::MatrixXd(0, static_cast<Eigen::Index>(columns));
  Eigen::MatrixXd design(static_cast<Eigen::Index>(columns), terms);
  for (int j = 0; j < terms; ++j)
    for (std::size_t b = 0; b < columns; ++b) design(static_cast<Eigen::Index>(b), j) = basis[static_cast<std::size_t>(j)][b];
  return design.completeOrthogonalDecomposition().pseudoInverse();
}

}  // namespace

std::int64_t LinearPart::value(std::size_t a_code, std::size_t b_code) const {
  std::int64_t v = 0;
  for (int j = 0; j < terms; ++j) {
    v += std::int64_t{coefficient[static_cast<std::size_t>(j)][a_code]} * basis[static_cast<std::size_t>(j)][b_code];
  }
  return v;
}

FitBasis error_basis(const std::int16_t* lut, BasisSymmetry symmetry) {
  // odd: columns b = 1..127 (uint8 codes 1..127); none: all 256.
  const bool odd = symmetry == BasisSymmetry::odd;
  const std::size_t first = odd ? 1 : 0, count = odd ? 127 : 256;
  Eigen::MatrixXd error(256, static_cast<Eigen::Index>(count));
  for (std::size_t a = 0; a < 256; ++a)
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t b = first + i;
      error(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(i)) = lut[(a << 8) | b] - code_value(a) * code_value(b);
    }
  const Eigen::BDCSVD<Eigen::MatrixXd> svd(error, Eigen::ComputeThinV);
  FitBasis basis{};
  for (std::size_t b = 0; b < 256; ++b) basis[0][b] = code_value(b);
  for (int j = 1; j < kMaxLinearTerms && j - 1 < svd.matrixV().cols(); ++j) {
    const Eigen::VectorXd v = svd.matrixV().col(j - 1);
    const double scale = v.cwiseAbs().maxCoeff();
    auto& out = basis[static_cast<std::size_t>(j)];
    for (std::size_t i = 0; i < count; ++i) {
      const std::int32_t value = scale > 0 ? static_cast<std::int32_t>(std::lround(127.0 * v[static_cast<Eigen::Index>(i)] / scale)) : 0;
      out[first + i] = value;
      if (odd) out[256 - (first + i)] = -value;  // the code of -b
    }
  }
  return basis;
}

RowFits fit_rows(const std::int16_t* lut, const FitBasis& basis, int terms, std::size_t columns) {
  const Eigen::MatrixXd inverse = pseudo_inverse(basis, terms, columns);
  RowFits fits{};
  for (std::size_t a = 0; a < 256; ++a) fits[a] = fit_row(lut + (a << 8), basis, terms, columns, inverse);
  return fits;
}

LinearPart linear_part(const FitBasis& basis, const RowFits& fits, int terms) {
  LinearPart part;
  part.terms = terms;
  for (int j = 0; j < terms; ++j) {
    const auto jj = static_cast<std::size_t>(j);
    for (std::size_t code = 0; code < 256; ++code) {
      part.basis[jj][code] = static_cast<std::int8_t>(basis[jj][code]);
      part.coefficient[jj][code] = static_cast<std::int8_t>(fits[code].c[jj]);
    }
  }
  return part;
}

}  // namespace tessera::kernels
