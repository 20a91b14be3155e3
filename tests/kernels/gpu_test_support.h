#pragma once
// Shared by the gpu tests (CUDA vs the CPU twin, bit for bit): the skip rule and input makers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/common/backend.h"

// Without a device, or in a build without CUDA, the test skips with the reason in words.
#define SKIP_WITHOUT_CUDA()                                                    \
  do {                                                                         \
    const ::tessera::kernels::SupportReport device_ = ::tessera::kernels::cuda_available(); \
    if (!device_.ok) GTEST_SKIP() << device_.reason;                           \
  } while (0)

namespace tessera::kernels::gpu_test {

inline std::vector<std::int8_t> random_codes(std::size_t count, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<std::int8_t> v(count);
  for (auto& x : v) x = static_cast<std::int8_t>(dist(gen));
  return v;
}

// rows x cols normal values times 2^(offset + uniform in [-spread, spread]).
inline std::vector<float> random_values(std::size_t rows, std::size_t cols, std::uint32_t seed, int spread = 8,
                                        int offset = 0) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> exp(-spread, spread);
  std::vector<float> v(rows * cols);
  for (auto& x : v) x = std::ldexp(normal(gen), exp(gen) + offset);
  return v;
}

// Bit patterns, so that NaNs and signed zeros compare exactly.
inline std::vector<std::uint32_t> bits_of(const std::vector<float>& v) {
  std::vector<std::uint32_t> b(v.size());
  if (!v.empty()) std::memcpy(b.data(), v.data(), v.size() * sizeof(float));
  return b;
}

}  // namespace tessera::kernels::gpu_test
