#pragma once
// Elementwise activations. Each is evaluated in double and rounded once to float, so the float
// result is the correctly rounded value up to the libm's double error (far below float's ulp).
#include "golden/ref/tensor.h"

namespace tessera::ref {

enum class GeluApproximation {
  none,  // exact: x·Φ(x) = 0.5·x·erfc(-x/√2) (ONNX Gelu approximate="none", PyTorch default)
  tanh,  // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (approximate="tanh", GPT-2 / BERT code)
};

float relu(float x);     // max(x, 0); NaN stays NaN
float sigmoid(float x);  // 1 / (1 + e^-x)
float gelu(float x, GeluApproximation approximation = GeluApproximation::none);

Tensor relu(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor erf(const Tensor& x);
Tensor gelu(const Tensor& x, GeluApproximation approximation = GeluApproximation::none);

}  // namespace tessera::ref
