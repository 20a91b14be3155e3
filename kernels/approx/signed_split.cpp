// The signed split of a multiplier table (signed_split.h).
#include "kernels/approx/signed_split.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace tessera::kernels {
namespace {

std::int32_t entry(const std::int16_t* lut, int a, int b) {
  return lut[(static_cast<std::size_t>(static_cast<std::uint8_t>(a)) << 8) | static_cast<std::uint8_t>(b)];
}

// What the kernel computes for (a, b), from the split's fields alone.
std::int32_t rebuilt(const SignedSplit& split, int a, int b) {
  const std::size_t row = static_cast<std::uint8_t>(a);
  if (b == -128) return split.at_minus_128[row];
  const std::size_t at = row * 128 + static_cast<std::size_t>(std::abs(b));
  std::int32_t bytes = split.low[at];
  if (split.planes == 2) bytes |= split.high[at] << 8;
  const bool negative_column = b < 0;
  const std::int32_t looked_up = negative_column ? bytes ^ split.not_value() : bytes;
  return looked_up - (split.negative_row[row] != static_cast<std::uint8_t>(negative_column) ? split.not_value() : 0);
}

}  // namespace

std::optional<SignedSplit> split_signed(const std::int16_t* lut) {
  SignedSplit split;
  std::int32_t widest = 0;
  for (int a = -128; a < 128; ++a) {
    if (entry(lut, a, 0) != 0) return std::nullopt;
    bool positive = false, negative = false;
    for (int b = 1; b < 128; ++b) {
      const std::int32_t v = entry(lut, a, b);
      if (entry(lut, a, -b) != -v) return std::nullopt;
      positive = positive || v > 0;
      negative = negative || v < 0;
      widest = std::max(widest, std::abs(v));
    }
    if (positive && negative) return std::nullopt;
    split.negative_row[static_cast<std::uint8_t>(a)] = negative ? 1 : 0;
  }
  split.planes = widest <= 0xFF ? 1 : 2;
  split.low.resize(256 * 128);
  if (split.planes == 2) split.high.resize(256 * 128);
  for (int a = -128; a < 128; ++a) {
    const std::size_t row = static_cast<std::uint8_t>(a);
    split.at_minus_128[row] = entry(lut, a, -128);
    const std::int32_t flip = split.negative_row[row] ? split.not_value() : 0;
    for (int i = 0; i < 128; ++i) {
      const std::int32_t bytes = std::abs(entry(lut, a, i)) ^ flip;
      split.low[row * 128 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(bytes & 0xFF);
      if (split.planes == 2) split.high[row * 128 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(bytes >> 8);
    }
  }
  for (int a = -128; a < 128; ++a) {
    for (int b = -128; b < 128; ++b) {
      if (rebuilt(split, a, b) != entry(lut, a, b)) throw std::logic_error("split_signed: the rebuilt table differs");
    }
  }
  return split;
}

}  // namespace tessera::kernels
