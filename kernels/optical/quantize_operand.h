#pragma once
// CPU twin of golden optical::quantize_operand (golden/optical/matmul.h): the deterministic
// DAC/modulator codes of a matrix and each code's lut_min floor sign, bit-identical. A matrix
// holding a NaN goes to golden itself (its InputError names `what`).
#include <string>

#include "golden/optical/matmul.h"
#include "golden/optical/matrix.h"

namespace tessera::kernels {

optical::OperandCodes optical_quantize_operand(const optical::Matrix& mat, const optical::QuantizerParams& params,
                                               const std::string& what);

}  // namespace tessera::kernels
