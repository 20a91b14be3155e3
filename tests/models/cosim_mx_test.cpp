// Lock-step co-simulation of the MX unit: the verilated quantizer -> dot chain
// (tests/models/rtl/tessera_models_mx_chain.sv over hw/mx) against the TLM MX model on the same
// seeded tiles. The RTL produces one FP32 block dot product per block pair; the driver sums them in
// FP32 (Accumulation::block_then_fp32, which is exactly "round each block, then add in FP32"), as
// the FP32 accumulator the RTL does not have yet would.
//
// Driver protocol per m-tile (the model's tile): for each row i, column j, block b: one edge with
// valid_i = 1, values_a_i = A[i][32b .. 32b+31] (FP32, zero padded), scale_b_i/codes_b_i = the
// quantized block of B row j; then idle edges until the last valid_o; the next tile starts on the
// next edge. Model: cycles = d + (Lq + Ld - 1) per tile with d = m_t * N * kb.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <random>

#include "Vmodels_mx_chain.h"
#include "golden/mx/gemm.h"
#include "models/cosim/scoreboard.h"
#include "models/tlm/tlm_system.h"
#include "verilated.h"

namespace tessera::models {
namespace {

Json cosim_mx(const GemmShape& s, std::uint64_t tile_m, unsigned seed) {
  MxUnitConfig c;
  c.format_a = mx::ElementFormat::fp8_e4m3;
  c.format_b = mx::ElementFormat::fp4_e2m1;
  c.accumulation = mx::Accumulation::block_then_fp32;
  c.tile_m = tile_m;
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, 3.0f);
  std::vector<float> a(s.m * s.k), b(s.n * s.k);
  for (auto& v : a) v = d(rng);
  for (auto& v : b) v = d(rng);
  const mx::QuantizedRows bq = mx::quantize_rows(b.data(), s.n, s.k, c.format_b, c.block_size, mx::QuantizePolicy{});
  const std::uint64_t kb = (s.k + c.block_size - 1) / c.block_size;

  auto context = std::make_unique<VerilatedContext>();
  auto rtl = std::make_unique<Vmodels_mx_chain>(context.get());
  std::uint64_t edges = 0;
  auto edge = [&] {
    rtl->clk_i = 1;
    rtl->eval();
    rtl->clk_i = 0;
    rtl->eval();
    ++edges;
  };
  rtl->clk_i = 0;
  rtl->rst_ni = 0;
  rtl->valid_i = 0;
  rtl->eval();
  edge();
  rtl->rst_ni = 1;
  rtl->eval();
  edges = 0;

  Scoreboard board;
  std::vector<float> out(s.m * s.n, -0.0f);
  const std::uint64_t mt = (tile_m == 0 || tile_m > s.m) ? s.m : tile_m;
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t tile = 0;
  for (std::uint64_t m0 = 0; m0 < s.m; m0 += mt, ++tile) {
    const std::uint64_t rows = std::min(mt, s.m - m0);
    const std::uint64_t start = edges;
    std::deque<std::uint64_t> in_flight;  // output index of each pair in flight (blocks in order)
    const std::uint64_t pairs = rows * s.n * kb;
    std::uint64_t sent = 0, received = 0;
    while (received < pairs) {
      if (sent < pairs) {
        const std::uint64_t i = m0 + sent / (s.n * kb), j = (sent / kb) % s.n, blk = sent % kb;
        for (std::uint64_t e = 0; e < c.block_size; ++e) {
          const std::uint64_t k = blk * c.block_size + e;
          std::uint32_t bits = 0;
          if (k < s.k) std::memcpy(&bits, &a[i * s.k + k], 4);
          rtl->values_a_i[e] = bits;
          const std::uint32_t code = k < s.k ? bq.codes[j * s.k + k] : 0u;
          std::uint32_t& word = rtl->codes_b_i[e / 4];
          word = (word & ~(0xFFu << (8 * (e % 4)))) | (code << (8 * (e % 4)));
        }
        rtl->scale_b_i = bq.scales[j * kb + blk];
        rtl->valid_i = 1;
        in_flight.push_back(i * s.n + j);
        ++sent;
      } else {
        rtl->valid_i = 0;
      }
      edge();
      if (rtl->valid_o) {
        float block;
        const std::uint32_t bits = rtl->result_o;
        std::memcpy(&block, &bits, 4);
        out[in_flight.front()] = out[in_flight.front()] + block;  // FP32 RNE, as block_then_fp32
        in_flight.pop_front();
        ++received;
      }
    }
    rtl->valid_i = 0;
    const std::uint64_t model_tile = mx_tile_cycles(c, rows, s.n, s.k, false).total();
    EXPECT_EQ(edges - start, model_tile) << "tile " << tile;
  }
  const double rtl_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rtl->final();

  const MxTlmResult model = run_mx_tlm(c, a.data(), b.data(), s);
  board.add_tiles(tile);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::uint32_t rb, mb;
    std::memcpy(&rb, &out[i], 4);
    std::memcpy(&mb, &model.out[i], 4);
    board.compare<std::uint64_t>(i / s.n / mt, i, mb, rb);
  }
  board.add_cycles(edges, model.run.simulated_cycles);
  board.add_seconds(rtl_s, model.run.wall_seconds);
  const Json report = board.report();
  std::printf("%s\n", report.dump().c_str());
  for (const auto& mm : board.kept()) ADD_FAILURE() << "index " << mm.index << ": model bits " << mm.expected << " rtl bits " << mm.actual;
  return report;
}

TEST(Cosim, MxE4m3xE2m1LayerSized) {
  // M = 64, K = 256 (8 blocks), N = 64, tiles of 16 rows: 4 tiles of 16*64*8 = 8192 pairs.
  const Json r = cosim_mx({64, 256, 64}, 16, 21);
  EXPECT_EQ(r["mismatches"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(r["cycles_rtl"], r["cycles_model"]);
  EXPECT_LE(r["cycle_error_percent"].get<double>(), 1.0);
}

TEST(Cosim, MxRaggedK) {
  // K = 70: the last block holds 6 elements (zero padded on the RTL side).
  const Json r = cosim_mx({9, 70, 5}, 4, 22);
  EXPECT_EQ(r["mismatches"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(r["cycles_rtl"], r["cycles_model"]);
}

}  // namespace
}  // namespace tessera::models
