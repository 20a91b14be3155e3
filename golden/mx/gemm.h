#pragma once
// MX GEMM: C[m][n] = mx_dot(row m of A, row n of B), with A (M x K) and B given as N x K (weights
// as stored by linear layers), both quantized along K (the reduction axis) with the same block
// size; their element formats may differ. K need not be a multiple of the block size.
#include <vector>

#include "golden/mx/policy.h"
#include "golden/mx/tensor.h"

namespace tessera::mx {

// Row-major M x N float32. Throws ConfigError when K or the block sizes differ.
std::vector<float> mx_gemm(const QuantizedRows& a, const QuantizedRows& b_nk,
                           Accumulation accumulation = Accumulation::fused_exact);

}  // namespace tessera::mx
