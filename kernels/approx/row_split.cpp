// The row split of a multiplier table (row_split.h).
#include "kernels/approx/row_split.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include <Eigen/Dense>
#include <Eigen/SVD>

namespace tessera::kernels {
namespace {

// Estimated cost per product, in units of a 2-plane lookup. The gather kernel runs every step at
// the table's widest row (gather_gemm.cpp), so a table costs its widest row: one byte plane is 4
// masked vpermb instead of 8, with half the accumulate work (measured ~25 vs ~16 G products/s on
// one core); each GEMM term is one more pass of the integer GEMM, ~14x faster than the 2-plane
// gather (0.07).
constexpr double kPlaneCost[3] = {0.0, 0.65, 1.0};
constexpr double kGemmTermCost = 0.07;
// One plane plus exception rows: a step that holds an exception code costs about a one-plane
// lookup more (measured: Mitchell at 3 terms with 86 exception rows, 14.2 G MAC/s on uniform codes
// where two planes run at 16.4); listing the steps, a scan of the activations.
constexpr double kExceptionHitCost = 0.7;
constexpr double kExceptionScanCost = 0.01;

constexpr std::int64_t kMaxResidual = 0xFFFF;

using Basis = std::array<std::array<std::int32_t, 256>, kMaxSplitTerms>;
using Coefficients = std::array<std::int32_t, kMaxSplitTerms>;

std::int32_t code_value(std::size_t code) { return static_cast<std::int8_t>(static_cast<std::uint8_t>(code)); }

struct RowFit {
  Coefficients c{};
  std::int64_t low = 0, range = 0;
};

RowFit evaluate(const std::int16_t* row, const Basis& basis, int terms, const Coefficients& c) {
  std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
  for (std::size_t b = 0; b < 256; ++b) {
    std::int64_t v = row[b];
    for (int j = 0; j < terms; ++j) v -= std::int64_t{c[static_cast<std::size_t>(j)]} * basis[static_cast<std::size_t>(j)][b];
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  return {c, lo, hi - lo};
}

// Least squares as the start, then integer descent on the range (a convex function of the
// coefficients: max minus min of affine functions), step sizes 8 .. 1 per coordinate.
RowFit fit_row(const std::int16_t* row, const Basis& basis, int terms, const Eigen::MatrixXd& pseudo_inverse) {
  Eigen::VectorXd values(256);
  for (std::size_t b = 0; b < 256; ++b) values[static_cast<Eigen::Index>(b)] = row[b];
  const Eigen::VectorXd ls = pseudo_inverse * values;  // empty for 0 terms
  Coefficients start{};
  for (int j = 0; j < terms; ++j) {
    start[static_cast<std::size_t>(j)] = static_cast<std::int32_t>(std::clamp(std::lround(ls[j]), -128L, 127L));
  }
  RowFit best = evaluate(row, basis, terms, start);
  const RowFit zero = evaluate(row, basis, terms, Coefficients{});
  if (zero.range < best.range) best = zero;
  for (int step : {8, 4, 2, 1}) {
    for (bool improved = true; improved;) {
      improved = false;
      for (int j = 0; j < terms; ++j) {
        for (int direction : {-1, 1}) {
          Coefficients c = best.c;
          std::int32_t& cj = c[static_cast<std::size_t>(j)];
          cj = std::clamp(cj + direction * step, -128, 127);
          if (cj == best.c[static_cast<std::size_t>(j)]) continue;
          const RowFit candidate = evaluate(row, basis, terms, c);
          if (candidate.range < best.range) {
            best = candidate;
            improved = true;
          }
        }
      }
    }
  }
  return best;  // range <= the slope-0 range of an int16 row <= 65535
}

int planes_for(std::int64_t range) { return range == 0 ? 0 : range <= 0xFF ? 1 : 2; }

// basis[0] = b, basis[1..] = the table's error against a * b along its leading right singular
// vectors, rounded to +-127.
Basis error_basis(const std::int16_t* lut) {
  Eigen::MatrixXd error(256, 256);
  for (std::size_t a = 0; a < 256; ++a)
    for (std::size_t b = 0; b < 256; ++b)
      error(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = lut[(a << 8) | b] - code_value(a) * code_value(b);
  const Eigen::BDCSVD<Eigen::MatrixXd> svd(error, Eigen::ComputeThinV);
  Basis basis{};
  for (std::size_t b = 0; b < 256; ++b) basis[0][b] = code_value(b);
  for (int j = 1; j < kMaxSplitTerms; ++j) {
    const Eigen::VectorXd v = svd.matrixV().col(j - 1);
    const double scale = v.cwiseAbs().maxCoeff();
    for (std::size_t b = 0; b < 256; ++b) {
      basis[static_cast<std::size_t>(j)][b] =
          scale > 0 ? static_cast<std::int32_t>(std::lround(127.0 * v[static_cast<Eigen::Index>(b)] / scale)) : 0;
    }
  }
  return basis;
}

Eigen::MatrixXd pseudo_inverse(const Basis& basis, int terms) {
  if (terms == 0) return Eigen::MatrixXd(0, 256);
  Eigen::MatrixXd design(256, terms);
  for (int j = 0; j < terms; ++j)
    for (std::size_t b = 0; b < 256; ++b) design(static_cast<Eigen::Index>(b), j) = basis[static_cast<std::size_t>(j)][b];
  return design.completeOrthogonalDecomposition().pseudoInverse();
}

}  // namespace

std::size_t RowSplit::rows_with_planes(int count) const {
  return static_cast<std::size_t>(std::count(planes.begin(), planes.end(), static_cast<std::uint8_t>(count)));
}

namespace {

// The cost model above: `widest` planes every step, or (with exception rows) one plane plus the
// steps that hold an exception code.
double cost(int terms, int widest, bool with_exceptions, double exception_hit_fraction) {
  const double gemm = kGemmTermCost * terms;
  if (with_exceptions) return gemm + kPlaneCost[1] + kExceptionScanCost + kExceptionHitCost * exception_hit_fraction;
  return gemm + kPlaneCost[widest];
}

}  // namespace

double estimated_cost(const RowSplit& split, double exception_hit_fraction) {
  const int widest = split.rows_with_planes(2) > 0 ? 2 : split.rows_with_planes(1) > 0 ? 1 : 0;
  return cost(split.terms, widest, !split.exception_rows.empty(), exception_hit_fraction);
}

namespace {

using RowFits = std::array<RowFit, 256>;

std::size_t two_plane_rows(const RowFits& fits) {
  return static_cast<std::size_t>(std::count_if(fits.begin(), fits.end(), [](const RowFit& f) { return planes_for(f.range) == 2; }));
}

// The split whose rows are `fits` at `terms` basis functions; with_exceptions lists its two-plane
// rows as exception rows. Rebuilds every entry from the stored fields (the proof).
RowSplit build_split(const std::int16_t* lut, const Basis& basis, const RowFits& fits, int terms, bool with_exceptions) {
  RowSplit split;
  split.terms = terms;
  for (int j = 0; j < terms; ++j)
    for (std::size_t b = 0; b < 256; ++b)
      split.basis[static_cast<std::size_t>(j)][b] = static_cast<std::int8_t>(basis[static_cast<std::size_t>(j)][b]);
  split.low.resize(256 * 256);
  split.high.resize(256 * 256);
  for (std::size_t a = 0; a < 256; ++a) {
    const RowFit& fit = fits[a];
    if (fit.range > kMaxResidual) throw std::logic_error("split_table_rows: residual range above 16 bits");
    split.offset[a] = static_cast<std::int32_t>(fit.low);
    split.planes[a] = static_cast<std::uint8_t>(planes_for(fit.range));
    if (with_exceptions && split.planes[a] == 2) split.exception_rows.push_back(static_cast<std::uint8_t>(a));
    for (int j = 0; j < terms; ++j) split.coefficient[static_cast<std::size_t>(j)][a] = static_cast<std::int8_t>(fit.c[static_cast<std::size_t>(j)]);
    for (std::size_t b = 0; b < 256; ++b) {
      std::int64_t v = lut[(a << 8) | b] - fit.low;
      for (int j = 0; j < terms; ++j) v -= std::int64_t{fit.c[static_cast<std::size_t>(j)]} * basis[static_cast<std::size_t>(j)][b];
      split.low[(a << 8) | b] = static_cast<std::uint8_t>(v & 0xFF);
      split.high[(a << 8) | b] = static_cast<std::uint8_t>(v >> 8);
    }
  }
  // Proof: rebuild every entry from the stored (narrowed) fields.
  for (std::size_t index = 0; index < 256 * 256; ++index) {
    const std::size_t a = index >> 8, b = index & 0xFF;
    std::int64_t v = split.offset[a] + split.residual(index);
    for (int j = 0; j < terms; ++j) v += std::int64_t{split.coefficient[static_cast<std::size_t>(j)][a]} * split.basis[static_cast<std::size_t>(j)][b];
    if (v != lut[index]) throw std::logic_error("split_table_rows: entry " + std::to_string(index) + " does not rebuild");
  }
  return split;
}

}  // namespace

TableSplits table_splits(const std::int16_t* lut) {
  const Basis basis = error_basis(lut);
  std::array<RowFits, kMaxSplitTerms + 1> fits{};
  for (int terms = 0; terms <= kMaxSplitTerms; ++terms) {
    const Eigen::MatrixXd inverse = pseudo_inverse(basis, terms);
    for (std::size_t a = 0; a < 256; ++a) fits[static_cast<std::size_t>(terms)][a] = fit_row(lut + (a << 8), basis, terms, inverse);
  }
  // The usual split: the least cost on uniform codes (exception rows hit in proportion).
  int best_terms = 0;
  bool best_with_exceptions = false;
  double best_cost = std::numeric_limits<double>::infinity();
  for (int terms = 0; terms <= kMaxSplitTerms; ++terms) {
    const RowFits& f = fits[static_cast<std::size_t>(terms)];
    const std::size_t rows2 = two_plane_rows(f);
    int widest = 0;
    for (const RowFit& fit : f) widest = std::max(widest, planes_for(fit.range));
    const bool with_exceptions = rows2 > 0 && rows2 <= kMaxExceptionRows;
    const double estimate = cost(terms, widest, with_exceptions, static_cast<double>(rows2) / 256.0);
    if (estimate < best_cost) {
      best_cost = estimate;
      best_terms = terms;
      best_with_exceptions = with_exceptions;
    }
  }
  TableSplits splits{build_split(lut, basis, fits[static_cast<std::size_t>(best_terms)], best_terms, best_with_exceptions),
                     std::nullopt};
  // For activations that avoid some rows (real data): one plane plus the fewest exception rows.
  if (splits.usual.exception_rows.empty() && splits.usual.rows_with_planes(2) > 0) {
    int fewest_terms = -1;
    std::size_t fewest = kMaxDataExceptionRows + 1;
    for (int terms = 0; terms <= kMaxSplitTerms; ++terms) {
      const std::size_t rows2 = two_plane_rows(fits[static_cast<std::size_t>(terms)]);
      if (rows2 < fewest) {
        fewest = rows2;
        fewest_terms = terms;
      }
    }
    if (fewest_terms >= 0) {
      splits.sparse = build_split(lut, basis, fits[static_cast<std::size_t>(fewest_terms)], fewest_terms, true);
    }
  }
  return splits;
}

RowSplit split_table_rows(const std::int16_t* lut) { return table_splits(lut).usual; }

}  // namespace tessera::kernels
