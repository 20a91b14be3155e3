#pragma once
// `tessera cosim --unit optical --kernel systemc`: the --sc verilated tessera_optical_periphery
// clocked by a SystemC testbench thread, driven by the same drive_optical_periphery as the C++
// kernel (the bench is its port interface, over sc_signals), while the TLM optical model runs the
// same GEMM in the same sc_start; compared with the model and golden by compare_optical.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <vector>

#include "golden/optical/matmul.h"
#include "models/tlm/tlm_system.h"
#include "sim/cosim/optical_cosim.h"
#include "sim/cosim/sc_bench.h"

namespace tessera::cosim {

template <class Top>
class ScOpticalBench : public ScClockedBench {
 public:
  explicit ScOpticalBench(sc_core::sc_module_name name) : ScClockedBench(name), rtl_("rtl") {
    rtl_.clk_i(clk_);
    rtl_.rst_ni(rst_n_);
    rtl_.in_min_i(in_min_i);
    rtl_.in_max_i(in_max_i);
    rtl_.in_levels_i(in_levels_i);
    rtl_.w_min_i(w_min_i);
    rtl_.w_max_i(w_max_i);
    rtl_.w_levels_i(w_levels_i);
    rtl_.w_lut_min_i(w_lut_min_i);
    rtl_.out_min_i(out_min_i);
    rtl_.out_max_i(out_max_i);
    rtl_.out_levels_i(out_levels_i);
    rtl_.pass_valid_i(pass_valid_i);
    rtl_.pass_first_i(pass_first_i);
    rtl_.pass_last_i(pass_last_i);
    rtl_.lane_valid_i(lane_valid_i);
    rtl_.x_i(x_i);
    rtl_.w_i(w_i);
    rtl_.sums_valid_o(sums_valid_o);
    rtl_.sums_last_o(sums_last_o);
    rtl_.sums_o(sums_o);
    rtl_.adc_valid_i(adc_valid_i);
    rtl_.y_i(y_i);
    rtl_.rand24_i(rand24_i);
    rtl_.adc_valid_o(adc_valid_o);
    rtl_.value_o(value_o);
  }

  struct Job {
    const models::OpticalArrayConfig* config = nullptr;
    const OpticalOperands* ops = nullptr;
    OpticalRtlRun* run = nullptr;
  };
  void set_job(const Job& job) { job_ = job; }

  // --- drive_optical_periphery's port interface, over the signals -----------------------------
  void set_config(const optical::OpticalGemmSpec& spec) {
    in_min_i.write(float_word(spec.input.min));
    in_max_i.write(float_word(spec.input.max));
    in_levels_i.write(spec.input.levels);
    w_min_i.write(float_word(spec.weight.min));
    w_max_i.write(float_word(spec.weight.max));
    w_levels_i.write(spec.weight.levels);
    w_lut_min_i.write(float_word(spec.weight.lut_min));
    out_min_i.write(float_word(spec.output.adc.min));
    out_max_i.write(float_word(spec.output.adc.max));
    out_levels_i.write(spec.output.adc.levels);
  }
  void set_pass(bool valid, bool first, bool last, std::uint32_t lanes, const std::vector<std::uint32_t>& x,
                const std::vector<std::uint32_t>& w) {
    pass_valid_i.write(valid);
    pass_first_i.write(first);
    pass_last_i.write(last);
    lane_valid_i.write(lanes);
    if (!valid) return;
    auto x_value = x_i.read();
    for (std::size_t i = 0; i < x.size(); ++i) put_word(x_value, static_cast<int>(i), x[i]);
    x_i.write(x_value);
    auto w_value = w_i.read();
    for (std::size_t i = 0; i < w.size(); ++i) put_word(w_value, static_cast<int>(i), w[i]);
    w_i.write(w_value);
  }
  void set_adc(bool valid, const std::vector<std::uint32_t>& y, const std::vector<std::uint32_t>& rand24) {
    adc_valid_i.write(valid);
    if (!valid) return;
    auto y_value = y_i.read();
    auto rand_value = rand24_i.read();
    for (std::size_t i = 0; i < y.size(); ++i) {
      put_word(y_value, static_cast<int>(i), y[i]);
      put_field(rand_value, static_cast<int>(24 * i), 24, rand24[i]);
    }
    y_i.write(y_value);
    rand24_i.write(rand_value);
  }
  bool sums_last() { return sums_valid_o.read() && sums_last_o.read(); }
  std::uint64_t sum(int output, int field) {
    const auto& sums = sums_o.read();
    const int word = 2 * (kOpticalSumFields * output + field);  // SumWidth 64: two words per sum
    return get_word(sums, word) | (static_cast<std::uint64_t>(get_word(sums, word + 1)) << 32);
  }
  bool adc_valid() { return adc_valid_o.read(); }
  std::uint32_t value(int output) { return get_word(value_o.read(), output); }
  void edge() { ScClockedBench::edge(); }
  std::uint64_t edges() const { return ScClockedBench::edges(); }

 private:
  static std::uint32_t float_word(float v) {
    std::uint32_t b;
    std::memcpy(&b, &v, 4);
    return b;
  }

  void quiet_inputs() override {
    pass_valid_i.write(false);
    adc_valid_i.write(false);
  }

  void run_job() override { drive_optical_periphery(*this, *job_.config, *job_.ops, *job_.run); }

  Top rtl_;
  TESSERA_SC_PORT_SIGNAL(in_min_i);
  TESSERA_SC_PORT_SIGNAL(in_max_i);
  TESSERA_SC_PORT_SIGNAL(in_levels_i);
  TESSERA_SC_PORT_SIGNAL(w_min_i);
  TESSERA_SC_PORT_SIGNAL(w_max_i);
  TESSERA_SC_PORT_SIGNAL(w_levels_i);
  TESSERA_SC_PORT_SIGNAL(w_lut_min_i);
  TESSERA_SC_PORT_SIGNAL(out_min_i);
  TESSERA_SC_PORT_SIGNAL(out_max_i);
  TESSERA_SC_PORT_SIGNAL(out_levels_i);
  TESSERA_SC_PORT_SIGNAL(pass_valid_i);
  TESSERA_SC_PORT_SIGNAL(pass_first_i);
  TESSERA_SC_PORT_SIGNAL(pass_last_i);
  TESSERA_SC_PORT_SIGNAL(lane_valid_i);
  TESSERA_SC_PORT_SIGNAL(x_i);
  TESSERA_SC_PORT_SIGNAL(w_i);
  TESSERA_SC_PORT_SIGNAL(sums_valid_o);
  TESSERA_SC_PORT_SIGNAL(sums_last_o);
  TESSERA_SC_PORT_SIGNAL(sums_o);
  TESSERA_SC_PORT_SIGNAL(adc_valid_i);
  TESSERA_SC_PORT_SIGNAL(y_i);
  TESSERA_SC_PORT_SIGNAL(rand24_i);
  TESSERA_SC_PORT_SIGNAL(adc_valid_o);
  TESSERA_SC_PORT_SIGNAL(value_o);
  Job job_;
};

// As sc_cosim_approx: the RTL and the model in one sc_start for the check, then the model alone
// again for its speed (inside the shared run the model's wall time is mostly the RTL's).
template <class Top>
CosimResult sc_cosim_optical(ScOpticalBench<Top>& bench, const models::OpticalArrayConfig& config,
                             const models::GemmShape& shape, std::uint64_t seed) {
  const OpticalOperands ops = random_optical_operands(shape, seed);
  OpticalRtlRun rtl;
  bench.set_job({&config, &ops, &rtl});
  const auto start_time = std::chrono::steady_clock::now();
  bench.launch(config.clock_ghz);
  models::OpticalTlmResult model = run_optical_model(config, ops);
  bench.finish_after_model();
  const double shared_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  model.run.wall_seconds = run_optical_model(config, ops).run.wall_seconds;
  rtl.seconds = std::max(0.0, shared_seconds - model.run.wall_seconds);
  const optical::Matrix golden = optical::optical_gemm(ops.x, ops.w, ops.bias, ops.spec, ops.key);
  return compare_optical(config, ops, rtl, model, golden);
}

}  // namespace tessera::cosim
