#pragma once
// Fast optical GEMM (CPU twin), bit-identical to golden/optical/matmul.h optical_gemm:
//   y = ADC(DAC(x) . MOD(w)^T) + bias, noise from Philox keyed by element index.
//
// Exactness: golden reduces each output to integer code sums (counts, sum qa, sum qa*qw over the
// unfloored / floored-positive / floored-negative weights of each pass) and combines them once.
// Here those sums come from ONE double GEMM of the activation codes against 4 indicator /
// code rows per weight row and pass: every product and partial sum is an integer below
// K * (L_in - 1) * (L_w - 1) < 2^53 (checked by supports), hence exact in double in any order.
// The combination, noise and ADC are golden's own functions per element (keyed by the element
// index, so any parallel order gives the same numbers). The attention matmuls (Q.K^T with K as
// the weight, A.V with V^T as the weight) are optical_gemm calls with the attention's specs.
#include "golden/optical/matmul.h"
#include "golden/optical/matrix.h"
#include "kernels/common/backend.h"

namespace tessera::kernels {

SupportReport optical_gemm_supports(Backend backend, const optical::Matrix& x, const optical::Matrix& w,
                                    const optical::OpticalGemmSpec& spec);

// As golden optical::optical_gemm (same errors for bad shapes and specs).
optical::Matrix optical_gemm(Backend backend, const optical::Matrix& x, const optical::Matrix& w,
                             const std::vector<float>& bias, const optical::OpticalGemmSpec& spec,
                             const optical::CallKey& key);

}  // namespace tessera::kernels
