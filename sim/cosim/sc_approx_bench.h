#pragma once
// `tessera cosim --kernel systemc`, approx unit: the --sc verilated tessera_approx_array clocked by
// a SystemC testbench thread (same driver protocol as approx_cosim.h) while the TLM model runs the
// same seeded tiles in the same sc_start; compared by compare_approx.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <utility>

#include "golden/approx/catalog.h"
#include "models/tlm/tlm_system.h"
#include "sim/cosim/approx_cosim.h"
#include "sim/cosim/sc_bench.h"

namespace tessera::cosim {

template <class Top>
class ScApproxBench : public ScClockedBench {
 public:
  explicit ScApproxBench(sc_core::sc_module_name name) : ScClockedBench(name), rtl_("rtl") {
    rtl_.clk_i(clk_);
    rtl_.rst_ni(rst_n_);
    rtl_.w_load_i(w_load_i);
    rtl_.w_row_i(w_row_i);
    rtl_.w_i(w_i);
    rtl_.valid_i(valid_i);
    rtl_.act_i(act_i);
    rtl_.acc_i(acc_i);
    rtl_.valid_o(valid_o);
    rtl_.acc_o(acc_o);
  }

  struct Job {
    const models::ApproxArrayConfig* config = nullptr;
    const ApproxOperands* ops = nullptr;
    models::GemmShape shape;
    std::uint64_t m_tile = 0;
    ApproxRtlRun* run = nullptr;
  };
  void set_job(const Job& job) { job_ = job; }

 private:
  void quiet_inputs() override {
    w_load_i.write(false);
    valid_i.write(false);
  }

  void run_job() override {
    const models::ApproxArrayConfig& config = *job_.config;
    const models::GemmShape& shape = job_.shape;
    const std::vector<std::int8_t>& a = job_.ops->a;
    const std::vector<std::int8_t>& w = job_.ops->w;
    ApproxRtlRun& run = *job_.run;
    run.out.assign(shape.m * shape.n, 0);
    run.tile_edges.clear();
    const auto byte = [](std::int8_t v) { return static_cast<std::uint32_t>(static_cast<std::uint8_t>(v)); };
    for (const models::ApproxTile& t : models::approx_tiles(config, shape, job_.m_tile)) {
      const std::uint64_t tile_start = edges();
      w_load_i.write(true);
      for (std::uint64_t r = 0; r < config.rows; ++r) {
        w_row_i.write(static_cast<std::uint32_t>(r));
        auto weights = w_i.read();
        for (std::uint64_t c = 0; c < config.cols; ++c) {
          const bool inside = r < t.k && c < t.n;
          put_field(weights, static_cast<int>(8 * c), 8, inside ? byte(w[(t.n0 + c) * shape.k + t.k0 + r]) : 0u);
        }
        w_i.write(weights);
        edge();
      }
      w_load_i.write(false);
      std::uint64_t sent = 0, received = 0;
      while (received < t.m) {
        if (sent < t.m) {
          const std::uint64_t row = t.m0 + sent;
          auto act = act_i.read();
          for (std::uint64_t r = 0; r < config.rows; ++r) {
            put_field(act, static_cast<int>(8 * r), 8, r < t.k ? byte(a[row * shape.k + t.k0 + r]) : 0u);
          }
          auto acc = acc_i.read();
          for (std::uint64_t c = 0; c < config.cols; ++c) {
            put_field(acc, static_cast<int>(32 * c), 32,
                      c < t.n ? static_cast<std::uint32_t>(run.out[row * shape.n + t.n0 + c]) : 0u);
          }
          act_i.write(act);
          acc_i.write(acc);
          valid_i.write(true);
          ++sent;
        } else {
          valid_i.write(false);
        }
        edge();
        if (valid_o.read()) {
          const std::uint64_t row = t.m0 + received;
          const auto out = acc_o.read();
          for (std::uint64_t c = 0; c < t.n; ++c) {
            run.out[row * shape.n + t.n0 + c] = static_cast<std::int32_t>(get_field(out, static_cast<int>(32 * c), 32));
          }
          ++received;
        }
      }
      valid_i.write(false);
      run.tile_edges.push_back(edges() - tile_start);
    }
  }

  Top rtl_;
  TESSERA_SC_PORT_SIGNAL(w_load_i);
  TESSERA_SC_PORT_SIGNAL(w_row_i);
  TESSERA_SC_PORT_SIGNAL(w_i);
  TESSERA_SC_PORT_SIGNAL(valid_i);
  TESSERA_SC_PORT_SIGNAL(act_i);
  TESSERA_SC_PORT_SIGNAL(acc_i);
  TESSERA_SC_PORT_SIGNAL(valid_o);
  TESSERA_SC_PORT_SIGNAL(acc_o);
  Job job_;
};

// The RTL and the model in one sc_start, then the model alone for its speed: inside the shared
// run the model's wall time is mostly the RTL's. rtl_seconds is the shared run's wall time less
// the model-alone time; the cycle check uses the model's time measured inside the shared run.
template <class Top>
CosimResult sc_cosim_approx(ScApproxBench<Top>& bench, const models::ApproxArrayConfig& config,
                            const models::GemmShape& shape, std::uint64_t m_tile, std::uint64_t seed) {
  const ApproxOperands ops = random_approx_operands(shape, seed);
  const approx::MultiplierTable table = approx::load_multiplier(config.multiplier);
  ApproxRtlRun rtl;
  bench.set_job({&config, &ops, shape, m_tile, &rtl});
  const auto start_time = std::chrono::steady_clock::now();
  bench.launch(config.clock_ghz);
  models::ApproxTlmResult model = models::run_approx_tlm(config, table, ops.a.data(), ops.w.data(), shape, m_tile);
  bench.finish_after_model();
  const double shared_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  model.run.wall_seconds =
      models::run_approx_tlm(config, table, ops.a.data(), ops.w.data(), shape, m_tile).run.wall_seconds;
  rtl.seconds = std::max(0.0, shared_seconds - model.run.wall_seconds);
  return compare_approx(config, shape, m_tile, rtl, model);
}

}  // namespace tessera::cosim
