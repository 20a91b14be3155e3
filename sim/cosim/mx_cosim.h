#pragma once
// Lock-step co-simulation of the MX unit: a verilated quantizer -> dot chain (an RTL top with the
// ports of sim/cosim/rtl/tessera_cosim_mx_chain.sv: block A as FP32, block B already quantized)
// against the TLM MX model on the same seeded tiles. The RTL yields one FP32 dot product per block
// pair; the driver adds them in FP32 in block order, which is exactly the model's
// Accumulation::block_then_fp32 (the RTL has no multi-block accumulator yet).
//
// Driver protocol per m-tile of m_t rows: for each row i, column j, block b one edge with
// valid_i = 1, values_a_i = A[i][32b .. 32b+31] (FP32, zero padded past K), scale_b_i/codes_b_i =
// the quantized block b of B row j; then idle edges until the last valid_o; the next tile starts on
// the next edge. Model: mx_tile_cycles(config, m_t, N, K).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <random>
#include <vector>

#include "golden/mx/gemm.h"
#include "models/mx/mx_unit.h"
#include "models/tlm/tlm_system.h"
#include "sim/cosim/clocked_rtl.h"
#include "sim/cosim/cosim_result.h"
#include "sim/cosim/mx_chain_config.h"
#include "sim/cosim/rtl_ports.h"

namespace tessera::cosim {

inline std::uint64_t mx_rows_per_tile(const models::MxUnitConfig& config, const models::GemmShape& shape) {
  return (config.tile_m == 0 || config.tile_m > shape.m) ? shape.m : config.tile_m;
}

struct MxRtlRun {
  std::vector<float> out;                 // M x N
  std::vector<std::uint64_t> tile_edges;  // per m-tile
  double seconds = 0.0;
};

// a: M x K FP32, b: N x K FP32 (quantized here with config.format_b and the default policy, as
// run_mx_tlm does).
template <class Top>
MxRtlRun run_mx_rtl(const models::MxUnitConfig& config, const std::vector<float>& a, const std::vector<float>& b,
                    const models::GemmShape& shape) {
  const auto start_time = std::chrono::steady_clock::now();
  const std::uint64_t block = config.block_size;
  const mx::QuantizedRows bq = mx::quantize_rows(b.data(), shape.n, shape.k, config.format_b, block, mx::QuantizePolicy{});
  const std::uint64_t blocks_per_row = (shape.k + block - 1) / block;
  ClockedRtl<Top> rtl([](Top& top) { top.valid_i = 0; });
  Top& top = rtl.top();
  MxRtlRun run;
  // -0.0 is the FP32 sum of nothing, as in the model's block_then_fp32 accumulation.
  run.out.assign(shape.m * shape.n, -0.0f);
  const std::uint64_t rows_per_tile = mx_rows_per_tile(config, shape);
  for (std::uint64_t m0 = 0; m0 < shape.m; m0 += rows_per_tile) {
    const std::uint64_t rows = std::min(rows_per_tile, shape.m - m0);
    const std::uint64_t tile_start = rtl.edges();
    std::deque<std::uint64_t> in_flight;  // output index of each block pair in the pipeline, in order
    const std::uint64_t pairs = rows * shape.n * blocks_per_row;
    std::uint64_t sent = 0, received = 0;
    while (received < pairs) {
      if (sent < pairs) {
        const std::uint64_t i = m0 + sent / (shape.n * blocks_per_row);
        const std::uint64_t j = (sent / blocks_per_row) % shape.n;
        const std::uint64_t blk = sent % blocks_per_row;
        for (std::uint64_t e = 0; e < block; ++e) {
          const std::uint64_t k = blk * block + e;
          std::uint32_t bits = 0;
          if (k < shape.k) std::memcpy(&bits, &a[i * shape.k + k], 4);
          put_field(top.values_a_i, static_cast<int>(32 * e), 32, bits);
          put_field(top.codes_b_i, static_cast<int>(8 * e), 8, k < shape.k ? bq.codes[j * shape.k + k] : 0u);
        }
        top.scale_b_i = bq.scales[j * blocks_per_row + blk];
        top.valid_i = 1;
        in_flight.push_back(i * shape.n + j);
        ++sent;
      } else {
        top.valid_i = 0;
      }
      rtl.edge();
      if (top.valid_o) {
        float partial;
        const std::uint32_t bits = top.result_o;
        std::memcpy(&partial, &bits, 4);
        run.out[in_flight.front()] += partial;
        in_flight.pop_front();
        ++received;
      }
    }
    top.valid_i = 0;
    run.tile_edges.push_back(rtl.edges() - tile_start);
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  return run;
}

struct MxOperands {
  std::vector<float> a;  // M x K
  std::vector<float> b;  // N x K
};

// Normal values (sigma 3) so that blocks get different shared scales and elements round.
inline MxOperands random_mx_operands(const models::GemmShape& shape, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> value(0.0f, 3.0f);
  MxOperands ops;
  ops.a.resize(shape.m * shape.k);
  ops.b.resize(shape.n * shape.k);
  for (auto& v : ops.a) v = value(rng);
  for (auto& v : ops.b) v = value(rng);
  return ops;
}

// Compares an RTL run with a model run of the same operands. Outputs are compared as FP32 bit
// patterns (so -0.0 vs +0.0 or two NaN payloads count).
inline CosimResult compare_mx(const models::MxUnitConfig& config, const models::GemmShape& shape, const MxRtlRun& rtl,
                              const models::MxTlmResult& model) {
  CosimResult result;
  const std::uint64_t rows_per_tile = mx_rows_per_tile(config, shape);
  result.board.add_tiles(rtl.tile_edges.size());
  std::uint64_t rtl_cycles = 0;
  for (std::size_t t = 0; t < rtl.tile_edges.size(); ++t) {
    const std::uint64_t rows = std::min(rows_per_tile, shape.m - t * rows_per_tile);
    result.tiles.push_back({rtl.tile_edges[t], models::mx_tile_cycles(config, rows, shape.n, shape.k, false).total()});
    rtl_cycles += rtl.tile_edges[t];
  }
  for (std::size_t i = 0; i < rtl.out.size(); ++i) {
    std::uint32_t rtl_bits = 0, model_bits = 0;
    std::memcpy(&rtl_bits, &rtl.out[i], 4);
    std::memcpy(&model_bits, &model.out[i], 4);
    result.board.compare<std::uint64_t>(i / shape.n / rows_per_tile, i, model_bits, rtl_bits);
  }
  result.board.add_cycles(rtl_cycles, model.run.simulated_cycles);
  result.board.add_seconds(rtl.seconds, model.run.wall_seconds);
  return result;
}

template <class Top>
CosimResult cosim_mx(const models::MxUnitConfig& config, const models::GemmShape& shape, std::uint64_t seed) {
  const MxOperands ops = random_mx_operands(shape, seed);
  const MxRtlRun rtl = run_mx_rtl<Top>(config, ops.a, ops.b, shape);
  const models::MxTlmResult model = models::run_mx_tlm(config, ops.a.data(), ops.b.data(), shape);
  return compare_mx(config, shape, rtl, model);
}

}  // namespace tessera::cosim
