#pragma once
// `tessera cosim --kernel systemc`, MX unit: the --sc verilated quantizer -> dot chain clocked by a
// SystemC testbench thread (same driver protocol as mx_cosim.h) while the TLM model runs the same
// seeded tiles in the same sc_start; compared by compare_mx.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <utility>

#include "models/tlm/tlm_system.h"
#include "sim/cosim/mx_cosim.h"
#include "sim/cosim/sc_bench.h"

namespace tessera::cosim {

template <class Top>
class ScMxBench : public ScClockedBench {
 public:
  explicit ScMxBench(sc_core::sc_module_name name) : ScClockedBench(name), rtl_("rtl") {
    rtl_.clk_i(clk_);
    rtl_.rst_ni(rst_n_);
    rtl_.valid_i(valid_i);
    rtl_.values_a_i(values_a_i);
    rtl_.scale_b_i(scale_b_i);
    rtl_.codes_b_i(codes_b_i);
    rtl_.valid_o(valid_o);
    rtl_.result_o(result_o);
  }

  struct Job {
    const models::MxUnitConfig* config = nullptr;
    const MxOperands* ops = nullptr;
    models::GemmShape shape;
    MxRtlRun* run = nullptr;
  };
  void set_job(const Job& job) { job_ = job; }

 private:
  void quiet_inputs() override { valid_i.write(false); }

  void run_job() override {
    const models::MxUnitConfig& config = *job_.config;
    const models::GemmShape& shape = job_.shape;
    const std::vector<float>& a = job_.ops->a;
    MxRtlRun& run = *job_.run;
    const std::uint64_t block = config.block_size;
    const mx::QuantizedRows bq =
        mx::quantize_rows(job_.ops->b.data(), shape.n, shape.k, config.format_b, block, mx::QuantizePolicy{});
    const std::uint64_t blocks_per_row = (shape.k + block - 1) / block;
    // -0.0 is the FP32 sum of nothing, as in the model's block_then_fp32 accumulation.
    run.out.assign(shape.m * shape.n, -0.0f);
    run.tile_edges.clear();
    const std::uint64_t rows_per_tile = mx_rows_per_tile(config, shape);
    for (std::uint64_t m0 = 0; m0 < shape.m; m0 += rows_per_tile) {
      const std::uint64_t rows = std::min(rows_per_tile, shape.m - m0);
      const std::uint64_t tile_start = edges();
      std::deque<std::uint64_t> in_flight;  // output index of each block pair in the pipeline, in order
      const std::uint64_t pairs = rows * shape.n * blocks_per_row;
      std::uint64_t sent = 0, received = 0;
      while (received < pairs) {
        if (sent < pairs) {
          const std::uint64_t i = m0 + sent / (shape.n * blocks_per_row);
          const std::uint64_t j = (sent / blocks_per_row) % shape.n;
          const std::uint64_t blk = sent % blocks_per_row;
          auto values = values_a_i.read();
          auto codes = codes_b_i.read();
          for (std::uint64_t e = 0; e < block; ++e) {
            const std::uint64_t k = blk * block + e;
            std::uint32_t bits = 0;
            if (k < shape.k) std::memcpy(&bits, &a[i * shape.k + k], 4);
            put_field(values, static_cast<int>(32 * e), 32, bits);
            put_field(codes, static_cast<int>(8 * e), 8, k < shape.k ? bq.codes[j * shape.k + k] : 0u);
          }
          values_a_i.write(values);
          codes_b_i.write(codes);
          scale_b_i.write(bq.scales[j * blocks_per_row + blk]);
          valid_i.write(true);
          in_flight.push_back(i * shape.n + j);
          ++sent;
        } else {
          valid_i.write(false);
        }
        edge();
        if (valid_o.read()) {
          float partial;
          const std::uint32_t bits = result_o.read();
          std::memcpy(&partial, &bits, 4);
          run.out[in_flight.front()] += partial;
          in_flight.pop_front();
          ++received;
        }
      }
      valid_i.write(false);
      run.tile_edges.push_back(edges() - tile_start);
    }
  }

  Top rtl_;
  TESSERA_SC_PORT_SIGNAL(valid_i);
  TESSERA_SC_PORT_SIGNAL(values_a_i);
  TESSERA_SC_PORT_SIGNAL(scale_b_i);
  TESSERA_SC_PORT_SIGNAL(codes_b_i);
  TESSERA_SC_PORT_SIGNAL(valid_o);
  TESSERA_SC_PORT_SIGNAL(result_o);
  Job job_;
};

// As sc_cosim_approx: one shared sc_start for the check, the model alone again for its speed.
template <class Top>
CosimResult sc_cosim_mx(ScMxBench<Top>& bench, const models::MxUnitConfig& config, const models::GemmShape& shape,
                        std::uint64_t seed) {
  const MxOperands ops = random_mx_operands(shape, seed);
  MxRtlRun rtl;
  bench.set_job({&config, &ops, shape, &rtl});
  const auto start_time = std::chrono::steady_clock::now();
  bench.launch(config.clock_ghz);
  models::MxTlmResult model = models::run_mx_tlm(config, ops.a.data(), ops.b.data(), shape);
  bench.finish_after_model();
  const double shared_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  model.run.wall_seconds = models::run_mx_tlm(config, ops.a.data(), ops.b.data(), shape).run.wall_seconds;
  rtl.seconds = std::max(0.0, shared_seconds - model.run.wall_seconds);
  return compare_mx(config, shape, rtl, model);
}

}  // namespace tessera::cosim
