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

double cost(int terms, int planes, std::size_t exception_rows) {
  double c = kGemmTermCost * (terms + 1) + kSignedPlaneCost[planes];
  // A step that holds an exception code costs about a two-plane lookup more (uniform codes).
  if (exception_rows > 0) c += kExceptionScanCost + kRowPlaneCost[2] * static_cast<double>(exception_rows) / 256.0;
  return c;
}

// A row's fit fits one plane, two, or neither (its range or its shift too wide).
int row_planes(const RowFit& fit) {
  if (fit.range <= 0xFF) return 1;  // the residual over b in 0..127 includes r(a, 0) = 0: low <= 0
  if (fit.range + 0xFF <= 0xFFFF && -fit.low <= 255 * 256) return 2;
  return 0;
}

// A candidate: the planes of every row but the exceptions'.
struct Layout {
  int planes = 0;  // 0: none fits
  std::vector<std::uint8_t> exception_rows;
};

// The cheaper of: two planes for every row (if all fit two), one plane with the rows that need
// more as exceptions (if at most kMaxExceptionRows).
Layout best_layout(const RowFits& fits, int terms) {
  Layout two{2, {}}, one{1, {}};
  for (std::size_t a = 0; a < 256; ++a) {
    const int planes = row_planes(fits[a]);
    if (planes != 1) one.exception_rows.push_back(static_cast<std::uint8_t>(a));
    if (planes == 0) two.planes = 0;
  }
  if (one.exception_rows.size() > kMaxExceptionRows) one.planes = 0;
  if (one.planes == 0) return two;
  if (two.planes == 0) return one;
  return cost(terms, 1, one.exception_rows.size()) <= cost(terms, 2, 0) ? one : two;
}

// What the kernel computes for (a, b), from the split's fields alone.
std::int64_t rebuilt(const SignedSplit& split, int a, int b) {
  const std::size_t row = static_cast<std::uint8_t>(a), column = static_cast<std::uint8_t>(b);
  std::int64_t value = split.linear.value(row, column);
  if (b == -128) {
    value += split.at_minus_128[row];
  } else {
    const std::size_t at = row * 128 + static_cast<std::size_t>(std::abs(b));
    std::int64_t bytes = split.low[at];
    if (split.planes == 2) bytes |= split.high[at] << 8;
    const bool negative_column = b < 0;
    const std::int64_t looked_up = negative_column ? bytes ^ split.not_value() : bytes;
    const std::int64_t shift = std::int64_t{split.shift_unit()} * split.row_shift[row];
    value += looked_up - shift - (negative_column ? split.not_value() - 2 * shift : 0);
  }
  const auto exception = std::find(split.exception_rows.begin(), split.exception_rows.end(), row);
  if (exception != split.exception_rows.end()) {
    const std::size_t at = static_cast<std::size_t>(exception - split.exception_rows.begin()) * 256 + column;
    value += split.exception_low[at] + 256 * split.exception_high[at] - SignedSplit::kExceptionBias;
  }
  return value;
}

SignedSplit build_split(const std::int16_t* lut, const FitBasis& basis, RowFits fits, int terms, const Layout& layout) {
  SignedSplit split;
  split.exception_rows = layout.exception_rows;
  for (const std::uint8_t row : split.exception_rows) fits[row] = RowFit{};  // zero in the passes
  split.linear = linear_part(basis, fits, terms);
  split.planes = layout.planes;
  const std::int64_t unit = split.shift_unit();
  split.low.resize(256 * 128);
  if (split.planes == 2) split.high.resize(256 * 128);
  for (int a = -128; a < 128; ++a) {
    const std::size_t row = static_cast<std::uint8_t>(a);
    if (std::find(split.exception_rows.begin(), split.exception_rows.end(), row) != split.exception_rows.end()) continue;
    const std::int64_t shift = (-fits[row].low + unit - 1) / unit;  // low <= 0
    split.row_shift[row] = static_cast<std::uint8_t>(shift);
    split.at_minus_128[row] = static_cast<std::int32_t>(entry(lut, a, -128) - split.linear.value(row, 0x80));
    for (std::size_t i = 0; i < 128; ++i) {
      const std::int64_t bytes = entry(lut, a, static_cast<int>(i)) - split.linear.value(row, i) + unit * shift;
      split.low[row * 128 + i] = static_cast<std::uint8_t>(bytes & 0xFF);
      if (split.planes == 2) split.high[row * 128 + i] = static_cast<std::uint8_t>(bytes >> 8);
    }
  }
  for (const std::uint8_t row : split.exception_rows) {
    for (std::size_t b = 0; b < 256; ++b) {
      const std::int32_t biased = lut[(std::size_t{row} << 8) | b] + SignedSplit::kExceptionBias;
      split.exception_low.push_back(static_cast<std::uint8_t>(biased & 0xFF));
      split.exception_high.push_back(static_cast<std::uint8_t>(biased >> 8));
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
  int best_terms = -1;
  Layout best_layout_found;
  RowFits best_fits{};
  double best_cost = std::numeric_limits<double>::infinity();
  for (int terms = 0; terms <= kMaxLinearTerms; ++terms) {
    const RowFits fits = fit_rows(lut, basis, terms, 128);
    const Layout layout = best_layout(fits, terms);
    if (layout.planes == 0) continue;
    const double c = cost(terms, layout.planes, layout.exception_rows.size());
    if (c < best_cost) {
      best_cost = c;
      best_terms = terms;
      best_layout_found = layout;
      best_fits = fits;
    }
  }
  if (best_terms < 0) return std::nullopt;
  return build_split(lut, basis, best_fits, best_terms, best_layout_found);
}

double estimated_cost(const SignedSplit& split) {
  return cost(split.linear.terms, split.planes, split.exception_rows.size());
}

}  // namespace tessera::kernels
