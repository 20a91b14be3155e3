#include "golden/ref/activation.h"

#include <cmath>

#include "golden/common/error.h"

namespace tessera::ref {
namespace {

template <class Function>
Tensor map_elements(const Tensor& x, Function function) {
  Tensor y = x;
  for (std::size_t i = 0; i < y.size(); ++i) y.data()[i] = function(y.data()[i]);
  return y;
}

}  // namespace

float relu(float x) { return x < 0.0f ? 0.0f : x; }

float sigmoid(float x) {
  return static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(x))));
}

float gelu(float x, GeluApproximation approximation) {
  const double v = x;
  switch (approximation) {
    case GeluApproximation::none:
      // erfc rather than 1 + erf: for very negative x, 1 + erf cancels to 0 long before the
      // true value underflows.
      return static_cast<float>(0.5 * v * std::erfc(-v / std::sqrt(2.0)));
    case GeluApproximation::tanh: {
      const double sqrt_2_over_pi = 0.79788456080286535588;  // √(2/π)
      return static_cast<float>(0.5 * v * (1.0 + std::tanh(sqrt_2_over_pi * (v + 0.044715 * v * v * v))));
    }
  }
  throw ConfigError("gelu: approximation must be GeluApproximation::none or ::tanh, got " +
                    std::to_string(static_cast<int>(approximation)));
}

Tensor relu(const Tensor& x) { return map_elements(x, [](float v) { return relu(v); }); }

Tensor sigmoid(const Tensor& x) { return map_elements(x, [](float v) { return sigmoid(v); }); }

Tensor tanh(const Tensor& x) {
  return map_elements(x, [](float v) { return static_cast<float>(std::tanh(double{v})); });
}

Tensor erf(const Tensor& x) {
  return map_elements(x, [](float v) { return static_cast<float>(std::erf(double{v})); });
}

Tensor gelu(const Tensor& x, GeluApproximation approximation) {
  return map_elements(x, [approximation](float v) { return gelu(v, approximation); });
}

}  // namespace tessera::ref
