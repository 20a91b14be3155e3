#pragma once
// Shared by the gpu tests (CUDA vs the CPU twin, bit for bit): the skip rule; the inputs are the
// CPU-twin tests' own (kernel_test_inputs.h).
#include <gtest/gtest.h>

#include "kernels/common/backend.h"
#include "tests/kernels/kernel_test_inputs.h"

// Without a device, or in a build without CUDA, the test skips with the reason in words.
#define SKIP_WITHOUT_CUDA()                                                    \
  do {                                                                         \
    const ::tessera::kernels::SupportReport device_ = ::tessera::kernels::cuda_available(); \
    if (!device_.ok) GTEST_SKIP() << device_.reason;                           \
  } while (0)

namespace tessera::kernels {
namespace gpu_test = test_inputs;
}  // namespace tessera::kernels
