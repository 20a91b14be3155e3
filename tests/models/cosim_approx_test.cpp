// Lock-step co-simulation of the approximate-multiplier array: the verilated RTL
// (hw/approx/tessera_approx_array.sv) and the TLM model run the same seeded tiles in the model's
// tile order; a Scoreboard compares every output and the cycle counts.
//
// RTL driver protocol (the one the model's timing assumes, models/README.md):
//   per weight tile (k0, n0) and m-tile (m0, m_t):
//     Rows edges with w_load_i = 1, w_row_i = r, w_i = W[n0 + c][k0 + r] (0 outside the tile);
//     m_t edges with valid_i = 1, act_i = A[m0 + i][k0 + r] (0 outside), acc_i = the partial sums
//       so far (0 for k0 = 0);
//     edges with valid_i = 0 until the last valid_o; the next tile starts on the next edge.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <type_traits>

#include "Vmodels_array_4x6_trunc3.h"
#include "Vmodels_array_8x8_exact.h"
#include "golden/approx/catalog.h"
#include "models/cosim/scoreboard.h"
#include "models/tlm/tlm_system.h"
#include "verilated.h"

namespace tessera::models {
namespace {

template <typename T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
void put(T& port, int lsb, int width, std::uint32_t value) {
  const std::uint64_t mask = ((width >= 64) ? ~0ull : ((1ull << width) - 1)) << lsb;
  port = static_cast<T>((static_cast<std::uint64_t>(port) & ~mask) | ((static_cast<std::uint64_t>(value) << lsb) & mask));
}
template <std::size_t N>
void put(VlWide<N>& port, int lsb, int width, std::uint32_t value) {
  for (int i = 0; i < width; ++i) {
    const int bit = lsb + i;
    if ((value >> i) & 1u) port[bit / 32] |= (1u << (bit % 32));
    else port[bit / 32] &= ~(1u << (bit % 32));
  }
}
template <typename T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
std::uint32_t get(const T& port, int lsb, int width) {
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(port) >> lsb) & ((1ull << width) - 1));
}
template <std::size_t N>
std::uint32_t get(const VlWide<N>& port, int lsb, int width) {
  std::uint32_t v = 0;
  for (int i = 0; i < width; ++i) v |= ((port[(lsb + i) / 32] >> ((lsb + i) % 32)) & 1u) << i;
  return v;
}

template <typename Model>
struct RtlArray {
  std::unique_ptr<VerilatedContext> context = std::make_unique<VerilatedContext>();
  std::unique_ptr<Model> model = std::make_unique<Model>(context.get());
  std::uint64_t edges = 0;
  RtlArray() {
    model->clk_i = 0;
    model->rst_ni = 0;
    model->w_load_i = 0;
    model->valid_i = 0;
    model->eval();
    edge();
    model->rst_ni = 1;
    model->eval();
    edges = 0;
  }
  ~RtlArray() { model->final(); }
  void edge() {
    model->clk_i = 1;
    model->eval();
    model->clk_i = 0;
    model->eval();
    ++edges;
  }
};

// Runs the GEMM on the RTL in the model's tile order; returns outputs, fills per-tile cycles.
template <typename Model>
std::vector<std::int32_t> run_rtl(const ApproxArrayConfig& c, const std::vector<std::int8_t>& a,
                                  const std::vector<std::int8_t>& w, const GemmShape& s,
                                  std::uint64_t m_tile, std::vector<std::uint64_t>& tile_edges) {
  RtlArray<Model> rtl;
  Model& m = *rtl.model;
  std::vector<std::int32_t> out(s.m * s.n, 0);
  for (const ApproxTile& t : approx_tiles(c, s, m_tile)) {
    const std::uint64_t start = rtl.edges;
    m.w_load_i = 1;
    for (std::uint64_t r = 0; r < c.rows; ++r) {
      m.w_row_i = static_cast<std::uint8_t>(r);
      for (std::uint64_t col = 0; col < c.cols; ++col) {
        const bool in = r < t.k && col < t.n;
        put(m.w_i, static_cast<int>(8 * col), 8, in ? static_cast<std::uint8_t>(w[(t.n0 + col) * s.k + t.k0 + r]) : 0u);
      }
      rtl.edge();
    }
    m.w_load_i = 0;
    std::uint64_t sent = 0, received = 0;
    while (received < t.m) {
      if (sent < t.m) {
        const std::uint64_t row = t.m0 + sent;
        for (std::uint64_t r = 0; r < c.rows; ++r) {
          put(m.act_i, static_cast<int>(8 * r), 8, r < t.k ? static_cast<std::uint8_t>(a[row * s.k + t.k0 + r]) : 0u);
        }
        for (std::uint64_t col = 0; col < c.cols; ++col) {
          put(m.acc_i, static_cast<int>(32 * col), 32,
              col < t.n ? static_cast<std::uint32_t>(out[row * s.n + t.n0 + col]) : 0u);
        }
        m.valid_i = 1;
        ++sent;
      } else {
        m.valid_i = 0;
      }
      rtl.edge();
      if (m.valid_o) {
        const std::uint64_t row = t.m0 + received;
        for (std::uint64_t col = 0; col < t.n; ++col) {
          out[row * s.n + t.n0 + col] = static_cast<std::int32_t>(get(m.acc_o, static_cast<int>(32 * col), 32));
        }
        ++received;
      }
    }
    m.valid_i = 0;
    tile_edges.push_back(rtl.edges - start);
  }
  return out;
}

template <typename Model>
Json cosim(const ApproxArrayConfig& c, const GemmShape& s, std::uint64_t m_tile, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<std::int8_t> a(s.m * s.k), w(s.n * s.k);
  for (auto& v : a) v = static_cast<std::int8_t>(d(rng));
  for (auto& v : w) v = static_cast<std::int8_t>(d(rng));
  const approx::MultiplierTable table = approx::load_multiplier(c.multiplier);

  Scoreboard board;
  std::vector<std::uint64_t> tile_edges;
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<std::int32_t> rtl = run_rtl<Model>(c, a, w, s, m_tile, tile_edges);
  const double rtl_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const ApproxTlmResult model = run_approx_tlm(c, table, a.data(), w.data(), s, m_tile);
  const auto tiles = approx_tiles(c, s, m_tile);
  board.add_tiles(tiles.size());
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    EXPECT_EQ(tile_edges[i], approx_tile_cycles(c, tiles[i].m).total()) << "tile " << i;
  }
  for (std::size_t i = 0; i < rtl.size(); ++i) board.compare<std::int64_t>(i / (s.n), i, model.out[i], rtl[i]);
  std::uint64_t rtl_cycles = 0;
  for (auto e : tile_edges) rtl_cycles += e;
  board.add_cycles(rtl_cycles, model.run.simulated_cycles);
  board.add_seconds(rtl_s, model.run.wall_seconds);
  const Json report = board.report();
  std::printf("%s\n", report.dump().c_str());
  for (const auto& mm : board.kept()) ADD_FAILURE() << "tile " << mm.tile << " index " << mm.index << ": model " << mm.expected << " rtl " << mm.actual;
  return report;
}

TEST(Cosim, Approx8x8ExactLayerSized) {
  // A layer-sized GEMM (M = 512, K = 64, N = 32; 32 tiles of 512 vectors).
  ApproxArrayConfig c;
  c.rows = c.cols = 8;
  c.multiplier = "exact";
  const Json r = cosim<Vmodels_array_8x8_exact>(c, {512, 64, 32}, 0, 11);
  EXPECT_EQ(r["mismatches"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(r["cycles_rtl"], r["cycles_model"]);
  EXPECT_LE(r["cycle_error_percent"].get<double>(), 1.0);
}

TEST(Cosim, Approx4x6Trunc3RaggedTiles) {
  // Ragged K, N and m-tiles: every edge case of the padding protocol.
  ApproxArrayConfig c;
  c.rows = 4;
  c.cols = 6;
  c.multiplier = "trunc3";
  const Json r = cosim<Vmodels_array_4x6_trunc3>(c, {37, 29, 19}, 10, 12);
  EXPECT_EQ(r["mismatches"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(r["cycles_rtl"], r["cycles_model"]);
}

}  // namespace
}  // namespace tessera::models
