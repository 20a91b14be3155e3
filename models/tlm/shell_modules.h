#pragma once
// The accelerator shell's SystemC modules (models/tlm/tlm_system.cpp instantiates them once):
//   DMA --(TLM read/write, `bytes` long)--> DRAM: latency + bytes / bandwidth, bytes counted
//   DMA --(TLM write/read)--> three scratchpads: bytes counted, a burst larger than the
//        scratchpad's buffer (half of it when double buffered) rejected with a burst error
// The controller sends the DMA one DmaCommand per transfer; the DMA moves it in bursts of at most
// one buffer (a unit streams operands larger than its buffer through it) and annotates when the
// data has arrived. Requests are pipelined, as a DMA with outstanding reads is: the channel is
// busy for the bytes / bandwidth part only, and each burst arrives one DRAM latency later.
// Only timing and traffic are modelled here: the unit modules read the operands in place.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/shell/accelerator.h"

namespace tessera::models::shell_tlm {

inline sc_core::sc_time cycles_time(std::uint64_t cycles, double clock_ghz) {
  return sc_core::sc_time(static_cast<double>(cycles) * 1000.0 / clock_ghz, sc_core::SC_PS);
}

// A TLM target that only counts: the payload's length is the transfer size, its data pointer is
// never read (the DMA sends no data; see above).
struct CountingTarget : sc_core::sc_module {
  tlm_utils::simple_target_socket<CountingTarget> socket;
  double read_bytes = 0.0, write_bytes = 0.0;
  explicit CountingTarget(sc_core::sc_module_name name) : sc_module(name), socket("socket") {
    socket.register_b_transport(this, &CountingTarget::b_transport);
  }
  virtual ~CountingTarget() = default;
  virtual void annotate(std::uint64_t /*bytes*/, sc_core::sc_time& /*delay*/) {}
  virtual bool fits(std::uint64_t /*bytes*/) const { return true; }
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    const std::uint64_t bytes = gp.get_data_length();
    if (!fits(bytes)) {
      gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
      return;
    }
    (gp.is_read() ? read_bytes : write_bytes) += static_cast<double>(bytes);
    annotate(bytes, delay);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  void reset() { read_bytes = write_bytes = 0.0; }
};

// DRAM behind one channel: each transfer costs ceil(latency * f) + ceil(bytes / (bandwidth / f))
// cycles, cost_layer's per-transfer terms.
struct Dram : CountingTarget {
  using CountingTarget::CountingTarget;
  ShellConfig config;
  double clock_ghz = 1.0;
  std::uint64_t busy_cycles = 0;  // the channel's occupancy: bytes / bandwidth, summed
  std::uint64_t latency_cycles() const {
    return static_cast<std::uint64_t>(std::ceil(config.dram_latency_ns * clock_ghz));
  }
  std::uint64_t channel_cycles(std::uint64_t bytes) const {
    const double bytes_per_cycle = config.dram_bandwidth_gb_per_s / clock_ghz;
    return static_cast<std::uint64_t>(std::ceil(static_cast<double>(bytes) / bytes_per_cycle));
  }
  void annotate(std::uint64_t bytes, sc_core::sc_time& delay) override {
    busy_cycles += channel_cycles(bytes);
    delay += cycles_time(channel_cycles(bytes), clock_ghz);
  }
};

struct Scratchpad : CountingTarget {
  using CountingTarget::CountingTarget;
  std::uint64_t buffer_bytes = 0;  // what one transfer may fill: capacity, or half when double buffered
  bool fits(std::uint64_t bytes) const override { return bytes <= buffer_bytes; }
};

enum class DmaKind : std::uint8_t { load_activations, load_weights, store_outputs };
struct DmaCommand {
  DmaKind kind = DmaKind::load_activations;
  std::uint64_t bytes = 0;
  sc_core::sc_time channel_free;  // returned: when the channel can start the next transfer
};

inline const char* dma_kind_name(DmaKind kind) {
  switch (kind) {
    case DmaKind::load_activations: return "activation load";
    case DmaKind::load_weights: return "weight load";
    default: return "output write-back";
  }
}

// One DMA channel: a command moves `bytes` between DRAM and a scratchpad, both as TLM
// transactions; the DRAM's annotation is the transfer's time.
struct Dma : sc_core::sc_module {
  tlm_utils::simple_target_socket<Dma> socket;
  tlm_utils::simple_initiator_socket<Dma> dram_socket{"dram_socket"};
  tlm_utils::simple_initiator_socket<Dma> act_socket{"act_socket"};
  tlm_utils::simple_initiator_socket<Dma> weight_socket{"weight_socket"};
  tlm_utils::simple_initiator_socket<Dma> out_socket{"out_socket"};
  const Dram* dram = nullptr;  // for its latency (the bursts' arrival)
  std::uint64_t burst_bytes[3] = {0, 0, 0};  // per DmaKind: the scratchpad buffer a burst may fill
  std::uint64_t transfers = 0, bursts = 0;
  std::string error;  // why the last command failed
  explicit Dma(sc_core::sc_module_name name) : sc_module(name), socket("socket") {
    socket.register_b_transport(this, &Dma::b_transport);
  }
  // delay: in, when the channel takes the command (relative to the kernel's time); out, when the
  // last burst has arrived. cmd.channel_free: when the channel is free again.
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    if (gp.get_data_length() != sizeof(DmaCommand)) {
      gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
      return;
    }
    auto& cmd = *reinterpret_cast<DmaCommand*>(gp.get_data_ptr());
    const bool store = cmd.kind == DmaKind::store_outputs;
    auto& pad = store ? out_socket : (cmd.kind == DmaKind::load_weights ? weight_socket : act_socket);
    const std::uint64_t burst = burst_bytes[static_cast<int>(cmd.kind)];
    if (burst == 0) {
      error = std::string(dma_kind_name(cmd.kind)) + ": its scratchpad buffer holds no byte";
      gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
      return;
    }
    for (std::uint64_t done = 0; done < cmd.bytes;) {
      const std::uint64_t bytes = std::min(burst, cmd.bytes - done);
      // Loads read DRAM and write the scratchpad; a write-back reads the scratchpad, writes DRAM.
      if (!transport(pad, store ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND, bytes, delay) ||
          !transport(dram_socket, store ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, bytes, delay)) {
        error = std::string(dma_kind_name(cmd.kind)) + " burst of " + std::to_string(bytes) +
                " bytes exceeds its scratchpad buffer";
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
      }
      done += bytes;
      ++bursts;
    }
    cmd.channel_free = delay;
    delay += cycles_time(dram->latency_cycles(), dram->clock_ghz);
    ++transfers;
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }

 private:
  static bool transport(tlm_utils::simple_initiator_socket<Dma>& to, tlm::tlm_command command, std::uint64_t bytes,
                        sc_core::sc_time& delay) {
    static unsigned char no_data = 0;  // targets read the length only
    tlm::tlm_generic_payload gp;
    gp.set_command(command);
    gp.set_address(0);
    gp.set_data_ptr(&no_data);
    gp.set_data_length(static_cast<unsigned int>(bytes));
    gp.set_streaming_width(static_cast<unsigned int>(bytes));
    gp.set_byte_enable_ptr(nullptr);
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    to->b_transport(gp, delay);
    return gp.is_response_ok();
  }
};

}  // namespace tessera::models::shell_tlm
