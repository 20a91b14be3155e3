#pragma once
// Softmax and log-softmax along one axis (ONNX Softmax/LogSoftmax opset >= 13, torch.softmax).
// Numerically stable: the axis maximum is subtracted before exponentiating, and the exponentials
// and their sum are taken in double. An entry of -inf gets probability exactly 0; a slice that is
// entirely -inf has no defined distribution and yields NaN, as in PyTorch.
#include "golden/ref/tensor.h"

namespace tessera::ref {

Tensor softmax(const Tensor& x, int axis = -1);
Tensor log_softmax(const Tensor& x, int axis = -1);

}  // namespace tessera::ref
