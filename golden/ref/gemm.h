#pragma once
// Matrix products: the fully connected layer (ONNX Gemm with transB=1, PyTorch Linear) and
// NumPy-style batched matmul (ONNX MatMul, torch.matmul). Products are Eigen float GEMMs, so
// results agree with a double-precision dot product to within float accumulation error.
#include "golden/ref/tensor.h"

namespace tessera::ref {

// Y = X · Wᵀ + bias. X is [..., K] (leading axes are rows, as in PyTorch Linear; ONNX Gemm's
// [M, K] is the rank-2 case), W is [N, K] — the stored layout of Linear weights and of Gemm's B
// with transB=1 — and bias, when given, is [N]. Returns [..., N].
Tensor gemm(const Tensor& x, const Tensor& weight, const Tensor* bias = nullptr);

// torch.matmul / numpy.matmul: a [..., M, K] · b [..., K, N] → [..., M, N], the leading (batch)
// axes broadcast. A rank-1 a is a row vector and a rank-1 b a column vector; their unit axis is
// dropped from the result, as NumPy does.
Tensor matmul(const Tensor& a, const Tensor& b);

}  // namespace tessera::ref
