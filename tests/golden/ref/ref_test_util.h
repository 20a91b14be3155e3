#pragma once
// Shared pieces of the golden/ref tests: seeded data and error measures. The expected values in
// each test come from naive double-precision loops written there, independent of golden/ref.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "golden/ref/tensor.h"

namespace tessera::ref::test {

// Uniform in [lo, hi) from the raw mt19937 stream, whose output the standard fixes, so the data
// are the same with every standard library (std::uniform_real_distribution is not).
inline Tensor random_tensor(Shape shape, std::uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 generator(seed);
  std::vector<float> values(element_count(shape));
  for (float& v : values) {
    const double unit = static_cast<double>(generator() >> 8) / 16777216.0;  // 24 bits, [0, 1)
    v = static_cast<float>(lo + (hi - lo) * unit);
  }
  return Tensor(std::move(shape), std::move(values));
}

// Flat row-major index of a multi-index.
inline std::size_t at(const Shape& shape, std::initializer_list<std::size_t> index) {
  std::size_t flat = 0, axis = 0;
  for (std::size_t i : index) flat = flat * shape[axis++] + i;
  return flat;
}

// max |actual - expected| / max |expected|: the measure for sums of products, whose float error
// scales with the magnitude of the terms rather than of each (possibly cancelling) result.
inline double error_relative_to_peak(const Tensor& actual, const std::vector<double>& expected) {
  EXPECT_EQ(actual.size(), expected.size());
  double peak = 0.0, worst = 0.0;
  for (std::size_t i = 0; i < expected.size() && i < actual.size(); ++i) {
    peak = std::max(peak, std::abs(expected[i]));
    worst = std::max(worst, std::abs(actual.data()[i] - expected[i]));
  }
  return peak > 0.0 ? worst / peak : worst;
}

// max over elements of |actual - expected| / max(|expected|, floor): the measure for elementwise
// results, each of which should be the float nearest the exact value.
inline double max_relative_error(const Tensor& actual, const std::vector<double>& expected,
                                 double floor = 1e-30) {
  EXPECT_EQ(actual.size(), expected.size());
  double worst = 0.0;
  for (std::size_t i = 0; i < expected.size() && i < actual.size(); ++i) {
    const double error = std::abs(actual.data()[i] - expected[i]);
    worst = std::max(worst, error / std::max(std::abs(expected[i]), floor));
  }
  return worst;
}

// Runs `call`, expecting an exception of type E whose message contains every one of `fragments`.
template <class E, class Call>
void expect_error(Call call, std::initializer_list<std::string> fragments) {
  try {
    call();
    ADD_FAILURE() << "expected an exception, none was thrown";
  } catch (const E& error) {
    const std::string message = error.what();
    for (const std::string& fragment : fragments) {
      EXPECT_NE(message.find(fragment), std::string::npos)
          << "message \"" << message << "\" does not mention \"" << fragment << "\"";
    }
  } catch (const std::exception& other) {
    ADD_FAILURE() << "wrong exception type, message: " << other.what();
  }
}

}  // namespace tessera::ref::test
