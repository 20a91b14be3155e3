// The row split of a multiplier table (row_split.h).
#include "kernels/approx/row_split.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "kernels/approx/split_cost.h"

namespace tessera::kernels {
namespace {

constexpr std::int64_t kMaxResidual = 0xFFFF;

int planes_for(std::int64_t range) { return range == 0 ? 0 : range <= 0xFF ? 1 : 2; }

// The cost model (split_cost.h): `widest` planes every step, or (with exception rows) one plane plus the
// steps that hold an exception code.
double cost(int terms, int widest, bool with_exceptions, double exception_hit_fraction) {
  const double gemm = kGemmTermCost * terms;
  if (with_exceptions) return gemm + kRowPlaneCost[1] + kExceptionScanCost + kExceptionHitCost * exception_hit_fraction;
  return gemm + kRowPlaneCost[widest];
}

}  // namespace

std::size_t RowSplit::rows_with_planes(int count) const {
  return static_cast<std::size_t>(std::count(planes.begin(), planes.end(), static_cast<std::uint8_t>(count)));
}

double estimated_cost(const RowSplit& split, double exception_hit_fraction) {
  const int widest = split.rows_with_planes(2) > 0 ? 2 : split.rows_with_planes(1) > 0 ? 1 : 0;
  return cost(split.linear.terms, widest, !split.exception_rows.empty(), exception_hit_fraction);
}

namespace {

std::size_t two_plane_rows(const RowFits& fits) {
  return static_cast<std::size_t>(std::count_if(fits.begin(), fits.end(), [](const RowFit& f) { return planes_for(f.range) == 2; }));
}

// The split whose rows are `fits` at `terms` basis functions; with_exceptions lists its two-plane
// rows as exception rows. Rebuilds every entry from the stored fields (the proof).
RowSplit build_split(const std::int16_t* lut, const FitBasis& basis, const RowFits& fits, int terms, bool with_exceptions) {
  RowSplit split;
  split.linear = linear_part(basis, fits, terms);
  split.low.resize(256 * 256);
  split.high.resize(256 * 256);
  for (std::size_t a = 0; a < 256; ++a) {
    const RowFit& fit = fits[a];
    if (fit.range > kMaxResidual) throw std::logic_error("split_table_rows: residual range above 16 bits");
    split.offset[a] = static_cast<std::int32_t>(fit.low);
    split.planes[a] = static_cast<std::uint8_t>(planes_for(fit.range));
    if (with_exceptions && split.planes[a] == 2) split.exception_rows.push_back(static_cast<std::uint8_t>(a));
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
    const std::int64_t v = split.offset[a] + split.residual(index) + split.linear.value(a, b);
    if (v != lut[index]) throw std::logic_error("split_table_rows: entry " + std::to_string(index) + " does not rebuild");
  }
  return split;
}

}  // namespace

TableSplits table_splits(const std::int16_t* lut) {
  const FitBasis basis = error_basis(lut, BasisSymmetry::none);
  std::array<RowFits, kMaxSplitTerms + 1> fits{};
  for (int terms = 0; terms <= kMaxSplitTerms; ++terms) fits[static_cast<std::size_t>(terms)] = fit_rows(lut, basis, terms, 256);
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
