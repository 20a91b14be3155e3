// The signed split of a multiplier table (signed_split.h).
#include "kernels/approx/signed_split.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include "kernels/approx/split_cost.h"

namespace tessera::kernels {
namespace {

std::int32_t entry(const std::int16_t* lut, int a, int b) {
  return lut[(static_cast<std::size_t>(static_cast<std::uint8_t>(a)) << 8) | static_cast<std::uint8_t>(b)];
}

bool odd_in_b(const std::int16_t* lut) {
  for (int a = -128; a < 128; ++a) {
    if (entry(lut, a, 0) != 0) return false;
    for (int b = 1; b < 128; ++b) {
      if (entry(lut, a, -b) != -entry(lut, a, b)) return false;
    }
  }
  return true;
}

double cost(int terms, int planes) { return kGemmTermCost * (terms + 1) + kSignedPlaneCost[planes]; }

// The planes the fitted rows need (the residual over b in 0..127 includes r(a, 0) = 0, so its
// least value is <= 0), or 0 when a row does not fit two (its range or shift too wide).
int planes_for(const RowFits& fits) {
  int planes = 1;
  for (const RowFit& fit : fits) {
    if (fit.range > 0xFF) planes = 2;
    if (fit.range + 0xFF > 0xFFFF || -fit.low > 255 * 256) return 0;
  }
  return planes;
}

// What the kernel computes for (a, b), from the split's fields alone.
std::int64_t rebuilt(const SignedSplit& split, int a, int b) {
  const std::size_t row = static_cast<std::uint8_t>(a);
  const std::int64_t linear = split.linear.value(row, static_cast<std::uint8_t>(b));
  if (b == -128) return linear + split.at_minus_128[row];
  const std::size_t at = row * 128 + static_cast<std::size_t>(std::abs(b));
  std::int64_t bytes = split.low[at];
  if (split.planes == 2) bytes |= split.high[at] << 8;
  const bool negative_column = b < 0;
  const std::int64_t looked_up = negative_column ? bytes ^ split.not_value() : bytes;
  const std::int64_t shift = std::int64_t{split.shift_unit()} * split.row_shift[row];
  return linear + looked_up - shift - (negative_column ? split.not_value() - 2 * shift : 0);
}

SignedSplit build_split(const std::int16_t* lut, const FitBasis& basis, const RowFits& fits, int terms, int planes) {
  SignedSplit split;
  split.linear = linear_part(basis, fits, terms);
  split.planes = planes;
  const std::int64_t unit = split.shift_unit();
  split.low.resize(256 * 128);
  if (planes == 2) split.high.resize(256 * 128);
  for (int a = -128; a < 128; ++a) {
    const std::size_t row = static_cast<std::uint8_t>(a);
    const std::int64_t shift = (-fits[row].low + unit - 1) / unit;  // low <= 0
    split.row_shift[row] = static_cast<std::uint8_t>(shift);
    split.at_minus_128[row] = static_cast<std::int32_t>(entry(lut, a, -128) - split.linear.value(row, 0x80));
    for (std::size_t i = 0; i < 128; ++i) {
      const std::int64_t bytes = entry(lut, a, static_cast<int>(i)) - split.linear.value(row, i) + unit * shift;
      split.low[row * 128 + i] = static_cast<std::uint8_t>(bytes & 0xFF);
      if (planes == 2) split.high[row * 128 + i] = static_cast<std::uint8_t>(bytes >> 8);
    }
  }
  for (int a = -128; a < 128; ++a) {
    for (int b = -128; b < 128; ++b) {
      if (rebuilt(split, a, b) != entry(lut, a, b)) throw std::logic_error("split_signed: the rebuilt table differs");
    }
  }
  return split;
}

}  // namespace

std::optional<SignedSplit> split_signed(const std::int16_t* lut) {
  if (!odd_in_b(lut)) return std::nullopt;
  const FitBasis basis = error_basis(lut, BasisSymmetry::odd);
  int best_terms = -1, best_planes = 0;
  RowFits best_fits{};
  double best_cost = std::numeric_limits<double>::infinity();
  for (int terms = 0; terms <= kMaxLinearTerms; ++terms) {
    RowFits fits = fit_rows(lut, basis, terms, 128);
    const int planes = planes_for(fits);
    if (planes > 0 && cost(terms, planes) < best_cost) {
      best_cost = cost(terms, planes);
      best_terms = terms;
      best_planes = planes;
      best_fits = fits;
    }
  }
  if (best_terms < 0) return std::nullopt;
  return build_split(lut, basis, best_fits, best_terms, best_planes);
}

double estimated_cost(const SignedSplit& split) { return cost(split.linear.terms, split.planes); }

}  // namespace tessera::kernels
