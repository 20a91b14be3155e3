#pragma once
// Normalisation layers. Statistics are computed in double with two passes (mean, then the mean
// squared deviation), so they are exact to double rounding whatever the data's offset; the result
// is rounded once to float. PyTorch and ONNX Runtime accumulate in float (Welford or one pass),
// so theirs should differ from these by float accumulation error only, about 1e-6 relative on
// typical activations (same formulas: biased variance, epsilon inside the square root).
#include <cstddef>

#include "golden/ref/tensor.h"

namespace tessera::ref {

// Layer normalisation over the last `normalized_rank` axes (ONNX LayerNormalization with
// axis = -normalized_rank, torch.nn.functional.layer_norm with normalized_shape = those axes):
//   y = (x - mean) / sqrt(var + epsilon) · gamma + beta,   var biased (divided by the count).
// gamma and beta, when given, have exactly the normalised axes' shape; nullptr means 1 and 0.
Tensor layer_norm(const Tensor& x, std::size_t normalized_rank, const Tensor* gamma,
                  const Tensor* beta, float epsilon = 1e-5f);

// Batch normalisation in inference mode (ONNX BatchNormalization, training_mode = 0):
//   y = (x - mean[c]) / sqrt(var[c] + epsilon) · scale[c] + bias[c]
// on x [N, C, ...]; scale, bias, mean and var are [C].
Tensor batch_norm(const Tensor& x, const Tensor& scale, const Tensor& bias, const Tensor& mean,
                  const Tensor& var, float epsilon = 1e-5f);

}  // namespace tessera::ref
