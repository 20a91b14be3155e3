#include "golden/approx/designs.h"

#include <string>

#include "golden/common/error.h"

namespace tessera::approx {
namespace {

void check_range(const char* what, int value, int lo, int hi) {
  if (value < lo || value > hi) {
    throw ConfigError(std::string("multiplier parameter ") + what + ": expected an integer in [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "], got " + std::to_string(value));
  }
}

int leading_one(unsigned m) {  // m > 0
  int t = 0;
  while ((m >> (t + 1)) != 0u) ++t;
  return t;
}

unsigned magnitude(std::int8_t x) { return static_cast<unsigned>(x < 0 ? -static_cast<int>(x) : x); }

std::int32_t apply_sign(std::int8_t a, std::int8_t b, unsigned magnitude_product) {
  const bool negative = (a < 0) != (b < 0);
  const auto value = static_cast<std::int32_t>(magnitude_product);
  return negative ? -value : value;
}

}  // namespace

std::int32_t baugh_wooley_product(const PartialProductArray& array, std::int8_t a, std::int8_t b) {
  const auto ua = static_cast<std::uint8_t>(a);
  const auto ub = static_cast<std::uint8_t>(b);
  std::uint32_t sum = (1u << 8) + (1u << 15);
  for (int j = 0; j < 8; ++j) {
    for (int i = 0; i < 8; ++i) {
      if (!array.keeps(i, j)) continue;
      unsigned bit = ((ua >> i) & 1u) & ((ub >> j) & 1u);
      if ((i == 7) != (j == 7)) bit ^= 1u;  // negatively weighted bits enter inverted
      sum += bit << (i + j);
    }
  }
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(sum & 0xFFFFu));
}

PartialProductArray exact_array() { return PartialProductArray{}; }

PartialProductArray truncated_array(int k) {
  check_range("k of trunc<k>", k, 0, 7);
  PartialProductArray array;
  for (int j = 0; j < 8; ++j) {
    for (int i = 0; i < 8; ++i) {
      if (i + j < k) array.row_mask[static_cast<std::size_t>(j)] &= static_cast<std::uint8_t>(~(1u << i));
    }
  }
  return array;
}

PartialProductArray broken_array(int h, int v) {
  check_range("h (horizontal break level) of bam_h<h>_v<v>", h, 0, 7);
  check_range("v (vertical break level) of bam_h<h>_v<v>", v, 0, 7);
  PartialProductArray array;
  for (int j = 0; j < 8; ++j) {
    for (int i = 0; i < 8; ++i) {
      if (i < 7 && (j < h || i + j < v)) array.row_mask[static_cast<std::size_t>(j)] &= static_cast<std::uint8_t>(~(1u << i));
    }
  }
  return array;
}

std::int32_t drum_product(int k, std::int8_t a, std::int8_t b) {
  check_range("k of drum<k>", k, 3, 8);
  auto approximate = [k](unsigned m) -> unsigned {
    if (m < (1u << k)) return m;
    const int s = leading_one(m) - k + 1;
    return ((m >> s) | 1u) << s;
  };
  return apply_sign(a, b, approximate(magnitude(a)) * approximate(magnitude(b)));
}

std::int32_t mitchell_product(std::int8_t a, std::int8_t b) {
  const unsigned m1 = magnitude(a);
  const unsigned m2 = magnitude(b);
  if (m1 == 0 || m2 == 0) return 0;
  const int k1 = leading_one(m1);
  const int k2 = leading_one(m2);
  const unsigned f1 = m1 - (1u << k1);
  const unsigned f2 = m2 - (1u << k2);
  const unsigned s = (f1 << k2) + (f2 << k1);
  const unsigned base = 1u << (k1 + k2);
  return apply_sign(a, b, s < base ? base + s : 2u * s);
}

MultiplierTable array_multiplier(std::string name, const PartialProductArray& array) {
  return MultiplierTable::from_function(std::move(name), [&array](std::int8_t a, std::int8_t b) {
    return baugh_wooley_product(array, a, b);
  });
}

MultiplierTable exact_multiplier() { return array_multiplier("exact", exact_array()); }

MultiplierTable truncated_multiplier(int k) {
  return array_multiplier("trunc" + std::to_string(k), truncated_array(k));
}

MultiplierTable broken_array_multiplier(int h, int v) {
  return array_multiplier("bam_h" + std::to_string(h) + "_v" + std::to_string(v), broken_array(h, v));
}

MultiplierTable drum_multiplier(int k) {
  check_range("k of drum<k>", k, 3, 8);
  return MultiplierTable::from_function("drum" + std::to_string(k),
                                        [k](std::int8_t a, std::int8_t b) { return drum_product(k, a, b); });
}

MultiplierTable mitchell_multiplier() { return MultiplierTable::from_function("mitchell", mitchell_product); }

}  // namespace tessera::approx
