#pragma once
// Fast MX quantization and GEMM, CPU twin and CUDA, bit-identical to golden/mx (tensor.h,
// gemm.h): same codes, same scale bytes, same FP32 results, specials included.
//
// mx_quantize: golden's per-block rule (block_scale, quantize_element) run in parallel over
//   blocks; stochastic rounding is keyed by the flat element index, so tiling cannot change it.
//
// mx_gemm, fused_exact and block_then_fp32 (fast path):
//   Every finite element is an integer number of its format's lsb (units). For FP4, FP6 and INT8
//   a block's products are integers with |S| <= block_size * max_a * max_b < 2^24 (checked when
//   planning), so an FP32 dot product of the units is exact in any order. The block value is
//   t = S * 2^E, E = x_a + x_b + lsb_a + lsb_b; while -149 <= E <= 104 for every block of a row
//   pair, t is an FP32 number, so RNE_fp32(acc + t) is ONE IEEE addition and fused_exact and
//   block_then_fp32 both reduce to acc = acc + t in block order (the fixed order CPU and CUDA
//   share). Zero terms are taken as +0 and the sign of an all-zero result is fixed afterwards
//   (-0 iff every block's products are all -0, golden's rule); a NaN scale makes the output NaN.
//   Row pairs whose exponents leave that window take golden's exact path for that output.
//   FP8 (block sums < 2^53): the same in double, each block added with add_round_once
//   (kernels/mx/exact_add.h: TwoSum + round-to-odd, rounded once to FP32, exact everywhere);
//   rows holding NaN/Inf element codes, and E5M2 x E5M2 / E5M2 x E4M3, take golden's path.
// mx_gemm, emu_dequant_fp32: dequantize, then acc = fma(x, y, acc) in element order; IEEE fma is
//   exactly golden's add_and_round(acc, x*y exact); NaNs are made canonical.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "golden/mx/gemm.h"
#include "golden/mx/policy.h"
#include "golden/mx/tensor.h"
#include "kernels/common/backend.h"

namespace tessera::kernels {

SupportReport mx_quantize_supports(Backend backend, mx::ElementFormat format, std::size_t block_size,
                                   const mx::QuantizePolicy& policy);
mx::QuantizedRows mx_quantize(Backend backend, const float* values, std::size_t rows, std::size_t columns,
                              mx::ElementFormat format, std::size_t block_size, const mx::QuantizePolicy& policy);

SupportReport mx_gemm_supports(Backend backend, const mx::QuantizedRows& a, const mx::QuantizedRows& b_nk,
                               mx::Accumulation accumulation);
// Row-major M x N float32, as golden mx::mx_gemm. ConfigError as golden, or when not supported.
std::vector<float> mx_gemm(Backend backend, const mx::QuantizedRows& a, const mx::QuantizedRows& b_nk,
                           mx::Accumulation accumulation = mx::Accumulation::fused_exact);

// Whether (a, b) run on the FP32 integer-exact core (block_size * max_a * max_b < 2^24, no special
// element codes): FP4/FP6/INT8.
bool mx_gemm_fast_formats(mx::ElementFormat a, mx::ElementFormat b, std::size_t block_size);
// Whether (a, b) run on an exact core at all (FP32 or double: bound < 2^53), e.g. FP8 E4M3 x E4M3;
// otherwise (E5M2 x E5M2, E5M2 x E4M3) the CPU twin runs golden's dot per output, in parallel.
// CUDA runs every pair with an exact core.
bool mx_gemm_exact_core(mx::ElementFormat a, mx::ElementFormat b, std::size_t block_size);

}  // namespace tessera::kernels
