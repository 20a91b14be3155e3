// The weight-stationary approximate MAC array (hw/approx/tessera_approx_array.sv), verilated in
// three shapes and multiplier choices, on seeded random GEMM tiles against a plain int32 GEMM that
// uses golden's table semantics: C[m][n] = C_in[m][n] + sum_k table(A[m][k] on port A, W[k][n] on
// port B), products sign-extended, int32 wrap-around. K larger than the array's rows is tiled, the
// partial sums of one weight tile entering the next through acc_i.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "Vapprox_array_a.h"
#include "Vapprox_array_b.h"
#include "Vapprox_array_c.h"
#include "golden/approx/designs.h"
#include "golden/approx/table.h"
#include "tests/hw/clocked_model.h"
#include "tests/hw/verilator_fields.h"
#include "verilated.h"

namespace {

using tessera::approx::MultiplierTable;

using tessera::hw_test::get_field;
using tessera::hw_test::put_field;

struct Gemm {
  int m = 0, k = 0, n = 0;
  std::vector<std::int8_t> a;    // m x k activations
  std::vector<std::int8_t> w;    // k x n weights
  std::vector<std::int32_t> c0;  // m x n initial accumulators
};

Gemm random_gemm(std::mt19937_64& rng, int m, int k, int n) {
  Gemm g{m, k, n, {}, {}, {}};
  std::uniform_int_distribution<int> byte(-128, 127);
  std::uniform_int_distribution<std::int32_t> acc(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<int> pick(0, 9);
  auto operand = [&] {  // extremes and zero often, to hit the corners of every design
    switch (pick(rng)) {
      case 0: return -128;
      case 1: return 127;
      case 2: return 0;
      default: return byte(rng);
    }
  };
  for (int i = 0; i < m * k; ++i) g.a.push_back(static_cast<std::int8_t>(operand()));
  for (int i = 0; i < k * n; ++i) g.w.push_back(static_cast<std::int8_t>(operand()));
  for (int i = 0; i < m * n; ++i) g.c0.push_back(pick(rng) < 5 ? 0 : acc(rng));
  return g;
}

std::vector<std::int32_t> golden_gemm(const Gemm& g, const MultiplierTable& table) {
  std::vector<std::int32_t> c = g.c0;
  for (int i = 0; i < g.m; ++i) {
    for (int j = 0; j < g.n; ++j) {
      std::uint32_t acc = static_cast<std::uint32_t>(c[i * g.n + j]);
      for (int p = 0; p < g.k; ++p) {
        acc += static_cast<std::uint32_t>(static_cast<std::int32_t>(table(g.a[i * g.k + p], g.w[p * g.n + j])));
      }
      c[i * g.n + j] = static_cast<std::int32_t>(acc);
    }
  }
  return c;
}

// Drives one verilated array: clocked, with the internal skew hidden behind valid_i/valid_o.
template <typename Model, int kRows, int kCols>
class ArrayDriver {
 public:
  static constexpr int kLatency = kRows + kCols - 1;

  ArrayDriver() : model_([](Model& m) {
    m.w_load_i = 0;
    m.valid_i = 0;
  }) {}

  // C = C_in + A * W on the array, tiling K by kRows and N by kCols. Also checks the latency.
  std::vector<std::int32_t> run(const Gemm& g) {
    std::vector<std::int32_t> c = g.c0;
    for (int n0 = 0; n0 < g.n; n0 += kCols) {
      for (int k0 = 0; k0 < g.k; k0 += kRows) {
        load_weights(g, k0, n0);
        stream(g, k0, n0, c);
      }
    }
    return c;
  }

 private:
  void tick() {
    model_.tick();
    ++cycle_;
  }

  void load_weights(const Gemm& g, int k0, int n0) {
    model_->w_load_i = 1;
    for (int r = 0; r < kRows; ++r) {
      model_->w_row_i = static_cast<std::uint8_t>(r);
      for (int col = 0; col < kCols; ++col) {
        const int k = k0 + r, n = n0 + col;
        put_field(model_->w_i, 8 * col, 8, (k < g.k && n < g.n) ? static_cast<std::uint8_t>(g.w[k * g.n + n]) : 0u);
      }
      tick();
    }
    model_->w_load_i = 0;
  }

  void stream(const Gemm& g, int k0, int n0, std::vector<std::int32_t>& c) {
    int sent = 0, received = 0;
    std::vector<long> sent_cycle;
    while (received < g.m) {
      if (sent < g.m) {
        for (int r = 0; r < kRows; ++r) {
          const int k = k0 + r;
          put_field(model_->act_i, 8 * r, 8, k < g.k ? static_cast<std::uint8_t>(g.a[sent * g.k + k]) : 0u);
        }
        for (int col = 0; col < kCols; ++col) {
          const int n = n0 + col;
          put_field(model_->acc_i, 32 * col, 32, n < g.n ? static_cast<std::uint32_t>(c[sent * g.n + n]) : 0u);
        }
        model_->valid_i = 1;
        sent_cycle.push_back(cycle_);
        ++sent;
      } else {
        model_->valid_i = 0;
      }
      tick();
      if (model_->valid_o) {
        EXPECT_EQ(cycle_ - sent_cycle[received], kLatency) << "vector " << received;
        for (int col = 0; col < kCols; ++col) {
          const int n = n0 + col;
          if (n < g.n) c[received * g.n + n] = static_cast<std::int32_t>(get_field(model_->acc_o, 32 * col, 32));
        }
        ++received;
      }
      ASSERT_LT(cycle_, 1000000) << "array never produced all outputs";
    }
    model_->valid_i = 0;
  }

  tessera::hw_test::ClockedModel<Model> model_;
  long cycle_ = 0;  // edges since reset
};

// Compares; on a mismatch prints the first failing output with its whole input vector.
::testing::AssertionResult same_result(const Gemm& g, const std::vector<std::int32_t>& want,
                                       const std::vector<std::int32_t>& got, const std::string& what) {
  for (int i = 0; i < g.m; ++i) {
    for (int j = 0; j < g.n; ++j) {
      const int at = i * g.n + j;
      if (want[at] == got[at]) continue;
      std::ostringstream os;
      os << what << " (M=" << g.m << " K=" << g.k << " N=" << g.n << "): first mismatch C[" << i << "][" << j
         << "]: RTL " << got[at] << ", golden " << want[at] << "\n  C_in = " << g.c0[at] << "\n  A[" << i
         << "][:] =";
      for (int p = 0; p < g.k; ++p) os << ' ' << int{g.a[i * g.k + p]};
      os << "\n  W[:][" << j << "] =";
      for (int p = 0; p < g.k; ++p) os << ' ' << int{g.w[p * g.n + j]};
      return ::testing::AssertionFailure() << os.str();
    }
  }
  return ::testing::AssertionSuccess();
}

template <typename Model, int kRows, int kCols>
void check_random_tiles(const MultiplierTable& table, std::uint64_t seed, int tiles) {
  std::mt19937_64 rng(seed);
  ArrayDriver<Model, kRows, kCols> array;
  std::uniform_int_distribution<int> dim(1, 3);
  for (int t = 0; t < tiles; ++t) {
    // K and N up to 3 array-widths (tiling), M up to 40 vectors per weight tile.
    const Gemm g = random_gemm(rng, 1 + static_cast<int>(rng() % 40), dim(rng) * kRows - static_cast<int>(rng() % kRows),
                               dim(rng) * kCols - static_cast<int>(rng() % kCols));
    const auto want = golden_gemm(g, table);
    const auto got = array.run(g);
    ASSERT_TRUE(same_result(g, want, got, table.name() + " tile " + std::to_string(t) + " seed " + std::to_string(seed)));
  }
}

TEST(HwApproxArray, Exact4x4EqualsGoldenGemmOnRandomTiles) {
  check_random_tiles<Vapprox_array_a, 4, 4>(tessera::approx::exact_multiplier(), 0x5eed0001, 200);
}

TEST(HwApproxArray, Drum4Array3x5EqualsGoldenGemmOnRandomTiles) {
  check_random_tiles<Vapprox_array_b, 3, 5>(tessera::approx::drum_multiplier(4), 0x5eed0002, 200);
}

TEST(HwApproxArray, BrokenArray5x2EqualsGoldenGemmOnRandomTiles) {
  check_random_tiles<Vapprox_array_c, 5, 2>(tessera::approx::broken_array_multiplier(2, 5), 0x5eed0003, 200);
}

// The comparison must be able to fail: an exact-array result is not a broken-array GEMM.
TEST(HwApproxArray, ComparisonDetectsAWrongMultiplier) {
  std::mt19937_64 rng(7);
  const Gemm g = random_gemm(rng, 16, 5, 2);
  ArrayDriver<Vapprox_array_c, 5, 2> array;
  const auto got = array.run(g);
  EXPECT_FALSE(same_result(g, golden_gemm(g, tessera::approx::exact_multiplier()), got, "bam_h2_v5 vs exact"));
}

}  // namespace
