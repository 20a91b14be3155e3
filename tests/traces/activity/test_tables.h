#pragma once
// Multiplier tables the activity tests run on: exact, an approximate array, and a deliberately
// odd one (not commutative, non-zero product for 0 x 0) that catches port swaps and a wrong reset.
#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "golden/approx/designs.h"
#include "golden/approx/table.h"

namespace tessera::traces::activity::test {

inline const approx::MultiplierTable& exact_table() {
  static const auto table = approx::MultiplierTable::from_function(
      "exact", [](std::int8_t a, std::int8_t b) { return std::int32_t{a} * b; });
  return table;
}
inline const approx::MultiplierTable& truncated_table() {
  static const auto table = approx::MultiplierTable::from_function(
      "trunc4", [](std::int8_t a, std::int8_t b) { return approx::baugh_wooley_product(approx::truncated_array(4), a, b); });
  return table;
}
inline const approx::MultiplierTable& odd_table() {
  static const auto table = approx::MultiplierTable::from_function(
      "odd", [](std::int8_t a, std::int8_t b) { return std::int32_t{a} * b + 3 * a - b + 77; });
  return table;
}

inline std::vector<std::int8_t> random_bytes(std::size_t n, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> byte(-128, 127);
  std::vector<std::int8_t> v(n);
  for (auto& x : v) x = static_cast<std::int8_t>(byte(rng));
  return v;
}

// DNN-like bytes: about half zeros (ReLU), the rest small magnitudes.
inline std::vector<std::int8_t> sparse_small_bytes(std::size_t n, std::mt19937_64& rng, bool non_negative) {
  std::bernoulli_distribution zero(0.5);
  std::geometric_distribution<int> magnitude(0.08);
  std::bernoulli_distribution negative(0.5);
  std::vector<std::int8_t> v(n);
  for (auto& x : v) {
    if (zero(rng)) { x = 0; continue; }
    int m = std::min(127, 1 + magnitude(rng));
    x = static_cast<std::int8_t>(!non_negative && negative(rng) ? -m : m);
  }
  return v;
}

}  // namespace tessera::traces::activity::test
