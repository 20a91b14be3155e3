#pragma once
// The one entry point of kernels/mx/cuda/mx_quantize.cu (built only with CUDA).
#include <cstddef>
#include <cstdint>

#include "golden/mx/policy.h"

namespace tessera::kernels::cuda {

// golden mx::quantize_rows on the device, host pointers in and out: values rows x columns,
// codes rows x columns, scales rows x ceil(columns / block_size). The policy is already validated.
void mx_quantize(const float* values, std::size_t rows, std::size_t columns, mx::ElementFormat format,
                 std::size_t block_size, const mx::QuantizePolicy& policy, std::uint8_t* codes,
                 std::uint8_t* scales);

}  // namespace tessera::kernels::cuda
