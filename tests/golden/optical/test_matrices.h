#pragma once
// Seeded operands and bit-level comparisons shared by the optical tests.
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "golden/mx/fp32_bits.h"
#include "golden/optical/matrix.h"

namespace tessera::optical::test {

using mx::float_bits;

// rows x cols of N(0, sigma^2), reproducible from `seed`.
inline Matrix random_matrix(std::size_t rows, std::size_t cols, float sigma, std::uint32_t seed) {
  std::mt19937 generator(seed);
  std::normal_distribution<float> normal(0.0f, sigma);
  Matrix m{rows, cols, std::vector<float>(rows * cols)};
  for (float& v : m.data) v = normal(generator);
  return m;
}

inline bool same_bits(const Matrix& a, const Matrix& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (float_bits(a.data[i]) != float_bits(b.data[i])) return false;
  }
  return true;
}

inline double max_abs_diff(const Matrix& a, const Matrix& b) {
  double m = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::fmax(m, std::fabs(a.data[i] - b.data[i]));
  return m;
}

}  // namespace tessera::optical::test
