#pragma once
// The one entry point of kernels/optical/cuda/optical_gemm.cu (built only with CUDA).
#include <vector>

#include "golden/optical/matmul.h"
#include "golden/optical/matrix.h"

namespace tessera::kernels::cuda {

// The code-sum kernel's thread block: 16 x 16 outputs (rows on grid x, columns on grid y).
inline constexpr int kOpticalTile = 16;

// golden optical::optical_gemm on the device. The caller has made golden's shape, bias, lut_min
// and call-counter checks and checked K * (L_in - 1) * (L_w - 1) < 2^63; a NaN operand throws
// golden's own InputError (from golden's quantize_operand) before anything is launched.
optical::Matrix optical_gemm(const optical::Matrix& x, const optical::Matrix& w, const std::vector<float>& bias,
                             const optical::OpticalGemmSpec& spec, const optical::CallKey& key);

}  // namespace tessera::kernels::cuda
