#pragma once
// Where the emulated units compute: on kernels/ (CUDA when a device is there, else the CPU twin),
// which give golden's bits exactly; golden itself when a kernel says it does not support a case.
#include <cstddef>
#include <memory>
#include <vector>

#include "golden/approx/layer.h"
#include "golden/mx/policy.h"
#include "golden/mx/tensor.h"

namespace tessera::units {

// The integer core of an approx layer on the kernels, for `table` (planned once: exact,
// bit-plane or gather path).
approx::IntegerKernels approx_integer_kernels(const approx::MultiplierTable& table);

mx::QuantizedRows mx_quantize_fast(const float* values, std::size_t rows, std::size_t columns,
                                   mx::ElementFormat format, std::size_t block,
                                   const mx::QuantizePolicy& policy);
std::vector<float> mx_gemm_fast(const mx::QuantizedRows& a, const mx::QuantizedRows& b_nk,
                                mx::Accumulation accumulation);

}  // namespace tessera::units
