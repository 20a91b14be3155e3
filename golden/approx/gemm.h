#pragma once
// The approximate GEMM reference: every product goes through the multiplier table, activation on
// port A, weight on port B, exactly as the hardware MAC array would compute it.
//
//   out[m][n] = sum_k table(A[m][k], W[n][k])      A: M x K activations, W: N x K weights (row-major)
//
// Accumulator width: table entries are int16, so |sum| <= K * 32768. An int32 accumulator cannot
// overflow while K * 32768 < 2^31, i.e. K <= 65535 (kMaxInt32Depth); approx_gemm requires that
// and returns int32. Deeper reductions use approx_gemm_i64 (int64 accumulator and output). The
// sum is exact integer arithmetic, so the order of accumulation does not matter.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "golden/approx/table.h"

namespace tessera::approx {

inline constexpr std::size_t kMaxInt32Depth = 65535;

enum class AccumulatorWidth { int32, int64 };
// int32 when k <= kMaxInt32Depth, else int64.
AccumulatorWidth accumulator_width_for(std::size_t k);

// M x N int32. k > kMaxInt32Depth: ConfigError (use approx_gemm_i64).
std::vector<std::int32_t> approx_gemm(const MultiplierTable& table, const std::int8_t* activations,
                                      const std::int8_t* weights, std::size_t m, std::size_t n, std::size_t k);
// M x N int64, any k.
std::vector<std::int64_t> approx_gemm_i64(const MultiplierTable& table, const std::int8_t* activations,
                                          const std::int8_t* weights, std::size_t m, std::size_t n, std::size_t k);

}  // namespace tessera::approx
