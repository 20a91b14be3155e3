#pragma once
// Fast approximate-multiplier GEMM and conv2d, CPU and CUDA, bit-identical to golden/approx
// (gemm.h, conv.h): out[m][n] = sum_k table(A[m][k], W[n][k]), activation on port A.
//
// Exactness: every product is an int16 table entry and the sum is integer (int32 while
// K <= kMaxInt32Depth), so any summation order gives golden's bits. The CPU twin picks a path
// when the multiplier is planned (ApproxPlan), and proves the path equal to the table first:
//   exact       table(a,b) == a*b for all 65,536 pairs: one u8 x s8 integer GEMM
//               (kernels/common/int8_gemm.h, AVX-512 VNNI) on (a + 128, b), minus 128 * sum_k b;
//               int32 lanes wrap mod 2^32 and the true result fits int32, so it is exact.
//   bit_planes  table(a,b) == a*b - sum_g f_g(a) * (uint8(b) & J_g), the Baugh-Wooley arrays of
//               golden/approx/designs.h (truncated, broken-array): f_g(a) = uint8(a) & mask_g,
//               g over the distinct masks of dropped bits (<= 7 groups). The same integer GEMM
//               over K * (1 + groups) columns. The masks are read off table(2^i, 2^j), then all
//               65,536 entries are rebuilt from the decomposition and compared; any mismatch ->
//               gather. Without VNNI both run as FP32 GEMMs in K-chunks of 512 (every partial
//               sum <= 512 * 32513 < 2^24, exact in FP32), chunks added in int32.
//   gather      any table (kernels/approx/gather_gemm.h): split row by row (row_split.h) into
//               a linear part (one integer GEMM over K * terms columns), per-row offsets and a
//               residual; per k, the residual row of an activation sits in registers as 0, 1 or
//               2 byte planes and merge-masked vpermb looks up 64 weights at once; byte sums in
//               uint16 registers for <= 128 steps, folded into int32 exactly. With few output
//               columns the transposed problem runs on the transposed table (split on its own).
//               Portable: table row in L1.
// CUDA: the table in shared memory (128 KiB dynamic, opted in with cudaFuncSetAttribute),
// int32 accumulation, one kernel for every table (kernels/approx/cuda/approx_gemm.cu).
#include <array>
#include <cstddef>
#include <memory>
#include <cstdint>
#include <string>
#include <vector>

#include "golden/approx/conv.h"
#include "golden/approx/gemm.h"
#include "golden/approx/table.h"
#include "kernels/approx/gather_gemm.h"
#include "kernels/common/backend.h"

namespace tessera::kernels {

enum class ApproxPath { exact, bit_planes, gather };
std::string_view approx_path_name(ApproxPath path);

// One masked bit-plane group of a Baugh-Wooley array: error term f(a) * (uint8(b) & weight_bits),
// f(a) = uint8(a) & activation_mask.
struct BitPlaneGroup {
  std::uint8_t activation_mask = 0;
  std::uint8_t weight_bits = 0;
};

// A multiplier prepared for the kernels: a copy of the table plus the proven fastest CPU path
// (for the gather path, the table split both ways round: ~20 ms each, shared by every plan of
// the same entries: shared_gather_table).
class ApproxPlan {
 public:
  // Plans `table`; `allow_structured = false` forces the gather path (tests, benchmarks).
  explicit ApproxPlan(const approx::MultiplierTable& table, bool allow_structured = true);

  const approx::MultiplierTable& table() const { return table_; }
  ApproxPath path() const { return path_; }
  const std::vector<BitPlaneGroup>& groups() const { return groups_; }
  // The gather path's tables (null on the other paths): indexed by the activation, and by the weight.
  const GatherTable* gather_by_activation() const { return by_activation_.get(); }
  const GatherTable* gather_by_weight() const { return by_weight_.get(); }

 private:
  approx::MultiplierTable table_;
  ApproxPath path_ = ApproxPath::gather;
  std::vector<BitPlaneGroup> groups_;
  std::shared_ptr<const GatherTable> by_activation_, by_weight_;
};

// Tries the bit-plane decomposition of `table` (empty optional-like: ok == false when none).
// On success `groups` holds the error groups (empty for an exact table).
bool decompose_bit_planes(const approx::MultiplierTable& table, std::vector<BitPlaneGroup>& groups);

SupportReport approx_gemm_supports(Backend backend, std::size_t m, std::size_t n, std::size_t k);
SupportReport approx_conv2d_supports(Backend backend, const approx::Conv2dShape& shape);

// M x N int32, as golden approx_gemm. Throws ConfigError (with the reason) when not supported.
std::vector<std::int32_t> approx_gemm(Backend backend, const ApproxPlan& plan, const std::int8_t* activations,
                                      const std::int8_t* weights, std::size_t m, std::size_t n, std::size_t k);
// [N, Cout, Ho, Wo] int32, as golden approx_conv2d (im2col + approx_gemm per group).
std::vector<std::int32_t> approx_conv2d(Backend backend, const ApproxPlan& plan, const std::int8_t* input,
                                        const std::int8_t* weight, const approx::Conv2dShape& shape);

// The CPU twin's paths, callable directly (benchmarks). `out` is M x N.
void approx_gemm_cpu(const ApproxPlan& plan, const std::int8_t* activations, const std::int8_t* weights,
                     std::size_t m, std::size_t n, std::size_t k, std::int32_t* out);

}  // namespace tessera::kernels
