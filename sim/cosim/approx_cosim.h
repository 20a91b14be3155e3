#pragma once
// Lock-step co-simulation of the approximate-multiplier array: the verilated
// hw/approx/tessera_approx_array.sv, driven edge by edge, against the TLM model on the same seeded
// int8 operands in the model's tile order. Templated on the verilated class because each
// Rows/Cols/MulKind choice is its own Verilator model; used by `tessera cosim` and the tests.
//
// Driver protocol (the one approx_tile_cycles assumes, models/README.md), per tile (m0, k0, n0):
//   Rows edges with w_load_i = 1, w_row_i = r, w_i[c] = W[n0 + c][k0 + r] (0 outside the tile);
//   m_t edges with valid_i = 1, act_i[r] = A[m0 + i][k0 + r] (0 outside), acc_i[c] = the partial
//     sums so far (0 before the first k-tile, as the output starts at 0);
//   edges with valid_i = 0 until the last valid_o; the next tile starts on the next edge.
#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include "golden/approx/catalog.h"
#include "models/approx/approx_array.h"
#include "models/tlm/tlm_system.h"
#include "sim/cosim/clocked_rtl.h"
#include "sim/cosim/cosim_result.h"
#include "sim/cosim/rtl_ports.h"

namespace tessera::cosim {

struct ApproxRtlRun {
  std::vector<std::int32_t> out;        // M x N
  std::vector<std::uint64_t> tile_edges;  // per tile of approx_tiles(config, shape, m_tile)
  double seconds = 0.0;
};

// a: M x K, w: N x K (weight rows, as golden approx_gemm). The config must describe the verilated
// array (rows, cols); the multiplier is whatever the model was verilated with.
template <class Top>
ApproxRtlRun run_approx_rtl(const models::ApproxArrayConfig& config, const std::vector<std::int8_t>& a,
                            const std::vector<std::int8_t>& w, const models::GemmShape& shape,
                            std::uint64_t m_tile) {
  const auto start_time = std::chrono::steady_clock::now();
  ClockedRtl<Top> rtl([](Top& top) {
    top.w_load_i = 0;
    top.valid_i = 0;
  });
  Top& top = rtl.top();
  ApproxRtlRun run;
  run.out.assign(shape.m * shape.n, 0);
  const auto byte = [](std::int8_t v) { return static_cast<std::uint32_t>(static_cast<std::uint8_t>(v)); };
  for (const models::ApproxTile& t : models::approx_tiles(config, shape, m_tile)) {
    const std::uint64_t tile_start = rtl.edges();
    top.w_load_i = 1;
    for (std::uint64_t r = 0; r < config.rows; ++r) {
      top.w_row_i = static_cast<std::uint8_t>(r);
      for (std::uint64_t c = 0; c < config.cols; ++c) {
        const bool inside = r < t.k && c < t.n;
        put_field(top.w_i, static_cast<int>(8 * c), 8, inside ? byte(w[(t.n0 + c) * shape.k + t.k0 + r]) : 0u);
      }
      rtl.edge();
    }
    top.w_load_i = 0;
    std::uint64_t sent = 0, received = 0;
    while (received < t.m) {
      if (sent < t.m) {
        const std::uint64_t row = t.m0 + sent;
        for (std::uint64_t r = 0; r < config.rows; ++r) {
          put_field(top.act_i, static_cast<int>(8 * r), 8, r < t.k ? byte(a[row * shape.k + t.k0 + r]) : 0u);
        }
        for (std::uint64_t c = 0; c < config.cols; ++c) {
          put_field(top.acc_i, static_cast<int>(32 * c), 32,
                    c < t.n ? static_cast<std::uint32_t>(run.out[row * shape.n + t.n0 + c]) : 0u);
        }
        top.valid_i = 1;
        ++sent;
      } else {
        top.valid_i = 0;
      }
      rtl.edge();
      if (top.valid_o) {
        const std::uint64_t row = t.m0 + received;
        for (std::uint64_t c = 0; c < t.n; ++c) {
          run.out[row * shape.n + t.n0 + c] = static_cast<std::int32_t>(get_field(top.acc_o, static_cast<int>(32 * c), 32));
        }
        ++received;
      }
    }
    top.valid_i = 0;
    run.tile_edges.push_back(rtl.edges() - tile_start);
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  return run;
}

struct ApproxOperands {
  std::vector<std::int8_t> a;  // M x K activations (port A)
  std::vector<std::int8_t> w;  // N x K weights (port B)
};

// Uniform int8 operands over the full range [-128, 127], so every multiplier input bit toggles.
inline ApproxOperands random_approx_operands(const models::GemmShape& shape, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> value(-128, 127);
  ApproxOperands ops;
  ops.a.resize(shape.m * shape.k);
  ops.w.resize(shape.n * shape.k);
  for (auto& v : ops.a) v = static_cast<std::int8_t>(value(rng));
  for (auto& v : ops.w) v = static_cast<std::int8_t>(value(rng));
  return ops;
}

// Compares an RTL run with a model run of the same operands: every output and every tile's cycles.
inline CosimResult compare_approx(const models::ApproxArrayConfig& config, const models::GemmShape& shape,
                                  std::uint64_t m_tile, const ApproxRtlRun& rtl, const models::ApproxTlmResult& model) {
  CosimResult result;
  const std::vector<models::ApproxTile> tiles = models::approx_tiles(config, shape, m_tile);
  result.board.add_tiles(tiles.size());
  std::uint64_t rtl_cycles = 0;
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    result.tiles.push_back({rtl.tile_edges[i], models::approx_tile_cycles(config, tiles[i].m).total()});
    rtl_cycles += rtl.tile_edges[i];
  }
  // An output is final after its last k-tile; report it under the m-tile (row block) it belongs to.
  const std::uint64_t rows_per_m_tile = (m_tile == 0 || m_tile > shape.m) ? shape.m : m_tile;
  for (std::size_t i = 0; i < rtl.out.size(); ++i) {
    result.board.compare<std::int64_t>(i / shape.n / rows_per_m_tile, i, model.out[i], rtl.out[i]);
  }
  result.board.add_cycles(rtl_cycles, model.run.simulated_cycles);
  result.board.add_seconds(rtl.seconds, model.run.wall_seconds);
  return result;
}

// Runs the RTL and the TLM model (config.multiplier's golden table) on the same operands and
// compares every output and every tile's cycles. config.rows/cols/multiplier must match Top.
template <class Top>
CosimResult cosim_approx(const models::ApproxArrayConfig& config, const models::GemmShape& shape,
                         std::uint64_t m_tile, std::uint64_t seed) {
  const ApproxOperands ops = random_approx_operands(shape, seed);
  const ApproxRtlRun rtl = run_approx_rtl<Top>(config, ops.a, ops.w, shape, m_tile);
  const approx::MultiplierTable table = approx::load_multiplier(config.multiplier);
  const models::ApproxTlmResult model = models::run_approx_tlm(config, table, ops.a.data(), ops.w.data(), shape, m_tile);
  return compare_approx(config, shape, m_tile, rtl, model);
}

}  // namespace tessera::cosim
