#include "sim/units/fast_paths.h"

#include "golden/approx/conv.h"
#include "golden/approx/gemm.h"
#include "golden/mx/gemm.h"
#include "kernels/approx/approx_gemm.h"
#include "kernels/common/backend.h"
#include "kernels/mx/mx_ops.h"

namespace tessera::units {
namespace {

// CUDA when a device answers, else the CPU twin.
kernels::Backend preferred_backend() {
  static const kernels::Backend backend =
      kernels::cuda_available().ok ? kernels::Backend::cuda : kernels::Backend::cpu;
  return backend;
}

// The first backend, preferred then CPU, whose supports() says yes; none means golden.
template <class Supports>
bool pick_backend(Supports supports, kernels::Backend& chosen) {
  for (const kernels::Backend backend : {preferred_backend(), kernels::Backend::cpu}) {
    if (supports(backend).ok) {
      chosen = backend;
      return true;
    }
  }
  return false;
}

}  // namespace

approx::IntegerKernels approx_integer_kernels(const approx::MultiplierTable& table) {
  auto plan = std::make_shared<const kernels::ApproxPlan>(table);
  approx::IntegerKernels integer;
  integer.gemm = [plan](const std::int8_t* a, const std::int8_t* w, std::size_t m, std::size_t n,
                        std::size_t k) {
    kernels::Backend backend;
    if (pick_backend([&](kernels::Backend b) { return kernels::approx_gemm_supports(b, m, n, k); }, backend)) {
      return kernels::approx_gemm(backend, *plan, a, w, m, n, k);
    }
    return approx::approx_gemm(plan->table(), a, w, m, n, k);
  };
  integer.conv2d = [plan](const std::int8_t* input, const std::int8_t* w, const approx::Conv2dShape& shape) {
    kernels::Backend backend;
    if (pick_backend([&](kernels::Backend b) { return kernels::approx_conv2d_supports(b, shape); }, backend)) {
      return kernels::approx_conv2d(backend, *plan, input, w, shape);
    }
    return approx::approx_conv2d(plan->table(), input, w, shape);
  };
  return integer;
}

mx::QuantizedRows mx_quantize_fast(const float* values, std::size_t rows, std::size_t columns,
                                   mx::ElementFormat format, std::size_t block,
                                   const mx::QuantizePolicy& policy) {
  kernels::Backend backend;
  if (pick_backend([&](kernels::Backend b) { return kernels::mx_quantize_supports(b, format, block, policy); },
                   backend)) {
    return kernels::mx_quantize(backend, values, rows, columns, format, block, policy);
  }
  return mx::quantize_rows(values, rows, columns, format, block, policy);
}

std::vector<float> mx_gemm_fast(const mx::QuantizedRows& a, const mx::QuantizedRows& b_nk,
                                mx::Accumulation accumulation) {
  kernels::Backend backend;
  if (pick_backend([&](kernels::Backend b) { return kernels::mx_gemm_supports(b, a, b_nk, accumulation); },
                   backend)) {
    return kernels::mx_gemm(backend, a, b_nk, accumulation);
  }
  return mx::mx_gemm(a, b_nk, accumulation);
}

}  // namespace tessera::units
