#include "golden/approx/gemm.h"

#include <string>

#include "golden/common/error.h"

namespace tessera::approx {
namespace {

template <typename Acc>
std::vector<Acc> gemm(const MultiplierTable& table, const std::int8_t* a, const std::int8_t* w, std::size_t m,
                      std::size_t n, std::size_t k) {
  std::vector<Acc> out(m * n, 0);
  const std::int16_t* lut = table.data();
  for (std::size_t row = 0; row < m; ++row) {
    for (std::size_t col = 0; col < n; ++col) {
      Acc sum = 0;
      const std::int8_t* x = a + row * k;
      const std::int8_t* y = w + col * k;
      for (std::size_t i = 0; i < k; ++i) sum += lut[table_index(x[i], y[i])];
      out[row * n + col] = sum;
    }
  }
  return out;
}

}  // namespace

AccumulatorWidth accumulator_width_for(std::size_t k) {
  return k <= kMaxInt32Depth ? AccumulatorWidth::int32 : AccumulatorWidth::int64;
}

std::vector<std::int32_t> approx_gemm(const MultiplierTable& table, const std::int8_t* activations,
                                      const std::int8_t* weights, std::size_t m, std::size_t n, std::size_t k) {
  if (k > kMaxInt32Depth) {
    throw ConfigError("approx_gemm: reduction depth K = " + std::to_string(k) +
                      " could overflow an int32 accumulator (K * 32768 >= 2^31); expected K <= 65535, "
                      "use approx_gemm_i64");
  }
  return gemm<std::int32_t>(table, activations, weights, m, n, k);
}

std::vector<std::int64_t> approx_gemm_i64(const MultiplierTable& table, const std::int8_t* activations,
                                          const std::int8_t* weights, std::size_t m, std::size_t n, std::size_t k) {
  return gemm<std::int64_t>(table, activations, weights, m, n, k);
}

}  // namespace tessera::approx
