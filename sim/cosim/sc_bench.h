#pragma once
// Base of the SystemC testbenches that clock a verilated --sc model: one SC_THREAD that, per job,
// holds reset for one edge, then lets the derived bench drive its tiles edge by edge. The clock is
// an sc_signal the thread toggles itself rather than a free-running sc_clock: the kernel is shared
// with the process-wide TLM system, and a free-running clock would keep evaluating the idle RTL in
// every later TLM run of the process. An edge is a rising and a falling clock edge half a period
// apart, the unit the timing models count in (as ClockedRtl's edge()).
//
// Host side: set the derived bench's job, launch(), run the TLM model (its sc_start also runs this
// thread), then finish_after_model() runs the kernel on until the RTL is done too.
#include <cstdint>
#include <type_traits>
#include <utility>

#include <systemc>

#include "sim/cosim/rtl_ports.h"

namespace tessera::cosim {

// The value type of a verilated --sc port (sc_in<T> / sc_out<T>): bool, uint32_t, uint64_t, or
// sc_bv<N> above 64 bits.
template <class Port>
using sc_port_data_t = typename std::remove_reference_t<Port>::data_type;

template <int W>
void put_field(sc_dt::sc_bv<W>& port, int lsb, int width, std::uint32_t value) {
  port.range(lsb + width - 1, lsb) = value;
}

template <int W>
std::uint32_t get_field(const sc_dt::sc_bv<W>& port, int lsb, int width) {
  return port.range(lsb + width - 1, lsb).to_uint();
}

template <int W>
void put_word(sc_dt::sc_bv<W>& port, int word, std::uint32_t value) {
  port.set_word(word, value);
}

template <int W>
std::uint32_t get_word(const sc_dt::sc_bv<W>& port, int word) {
  return port.get_word(word);
}

class ScClockedBench : public sc_core::sc_module {
 public:
  void launch(double clock_ghz) {
    half_period_ = sc_core::sc_time(500.0 / clock_ghz, sc_core::SC_PS);
    done_ = false;
    host_waiting_ = false;
    start_.notify(sc_core::SC_ZERO_TIME);
  }
  // The TLM controller pauses the kernel when its own tiles are done; the RTL may still be busy.
  void finish_after_model() {
    host_waiting_ = true;
    while (!done_) sc_core::sc_start();
  }

 protected:
  SC_HAS_PROCESS(ScClockedBench);
  explicit ScClockedBench(sc_core::sc_module_name name) : sc_module(name) { SC_THREAD(thread); }

  sc_core::sc_signal<bool> clk_{"clk"};
  sc_core::sc_signal<bool> rst_n_{"rst_n"};

  virtual void quiet_inputs() = 0;
  virtual void run_job() = 0;

  void edge() {
    clk_.write(true);
    sc_core::wait(half_period_);
    clk_.write(false);
    sc_core::wait(half_period_);
    ++edges_;
  }
  std::uint64_t edges() const { return edges_; }

 private:
  void thread() {
    while (true) {
      sc_core::wait(start_);
      rst_n_.write(false);
      quiet_inputs();
      edge();
      rst_n_.write(true);
      edges_ = 0;
      run_job();
      done_ = true;
      // Pausing while the TLM controller still runs would end its sc_start early.
      if (host_waiting_) sc_core::sc_pause();
    }
  }

  sc_core::sc_event start_;
  sc_core::sc_time half_period_;
  std::uint64_t edges_ = 0;
  bool done_ = true;
  bool host_waiting_ = false;
};

}  // namespace tessera::cosim

// A signal of the type of the verilated port `port` of Top, named after it.
#define TESSERA_SC_PORT_SIGNAL(port) \
  sc_core::sc_signal<::tessera::cosim::sc_port_data_t<decltype(std::declval<Top&>().port)>> port { #port }
