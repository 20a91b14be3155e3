#include "models/tlm/tlm_system.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "golden/common/error.h"
#include "golden/mx/policy.h"
#include "models/tlm/shell_modules.h"

// libsystemc's main() references sc_main; the models never call it (the kernel is driven from the
// caller's thread), so provide a weak one that a real sc_main (e.g. a co-simulation) replaces.
extern "C" __attribute__((weak)) int sc_main(int, char**) { return 0; }

namespace tessera::models {

namespace {

using sc_core::sc_time;
using sc_core::SC_PS;

sc_time cycles_to_time(std::uint64_t cycles, double clock_ghz) {
  return sc_time(static_cast<double>(cycles) * 1000.0 / clock_ghz, SC_PS);
}

// Common target plumbing: one blocking transport per tile, command in the payload's data pointer.
template <typename Derived, typename Command>
struct UnitModule : sc_core::sc_module {
  tlm_utils::simple_target_socket<UnitModule> socket;
  std::uint64_t tiles_done = 0;
  explicit UnitModule(sc_core::sc_module_name name) : sc_module(name), socket("socket") {
    socket.register_b_transport(this, &UnitModule::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
    if (gp.get_command() != tlm::TLM_WRITE_COMMAND || gp.get_data_length() != sizeof(Command)) {
      gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
      return;
    }
    const auto& cmd = *reinterpret_cast<const Command*>(gp.get_data_ptr());
    delay += static_cast<Derived*>(this)->execute(cmd);
    ++tiles_done;
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

// The approximate-multiplier systolic array (hw/approx/tessera_approx_array.sv).
struct ApproxArrayModule : UnitModule<ApproxArrayModule, ApproxTile> {
  using UnitModule::UnitModule;
  const ApproxArrayConfig* config = nullptr;
  const approx::MultiplierTable* table = nullptr;
  const std::int8_t* a = nullptr;
  const std::int8_t* w = nullptr;
  GemmShape shape;
  std::int32_t* out = nullptr;
  const ApproxTileEnergyFn* multiplier_energy = nullptr;
  double multiplier_energy_pj = 0.0;
  sc_time execute(const ApproxTile& t) {
    approx_compute_tile(*table, a, w, shape, t, out);
    if (multiplier_energy != nullptr && *multiplier_energy) multiplier_energy_pj += (*multiplier_energy)(a, w, shape, t);
    return cycles_to_time(approx_tile_cycles(*config, t.m).total(), config->clock_ghz);
  }
};

struct MxTileCommand {
  std::uint64_t m0 = 0, m = 0;
  bool quantizes_weights = false;
};
// The MX unit: quantizer + dot-product engine (hw/mx).
struct MxUnitModule : UnitModule<MxUnitModule, MxTileCommand> {
  using UnitModule::UnitModule;
  const MxUnitConfig* config = nullptr;
  const float* a = nullptr;
  const mx::QuantizedRows* b = nullptr;
  GemmShape shape;
  float* out = nullptr;
  sc_time execute(const MxTileCommand& t) {
    mx_compute_tile(*config, a, *b, shape, t.m0, t.m, out);
    return cycles_to_time(mx_tile_cycles(*config, t.m, shape.n, shape.k, t.quantizes_weights).total(),
                          config->clock_ghz);
  }
};

struct OpticalTileCommand {
  std::uint64_t n0 = 0, n = 0;   // output slice (weight tile columns)
  bool last_k = false;           // last K slice of this n-tile: results leave through the ADC
  bool first = false, last = false;
};
// The optical MAC array: one weight tile (W outputs x λ depth) swept over all M rows.
struct OpticalArrayModule : UnitModule<OpticalArrayModule, OpticalTileCommand> {
  using UnitModule::UnitModule;
  const OpticalArrayConfig* config = nullptr;
  const optical::OperandCodes* a = nullptr;
  const optical::OperandCodes* w = nullptr;
  const std::vector<float>* bias = nullptr;
  const optical::OpticalGemmSpec* spec = nullptr;
  optical::CallKey key;
  GemmShape shape;
  float* out = nullptr;
  sc_time execute(const OpticalTileCommand& t) {
    const OpticalArrayConfig& c = *config;
    if (t.last_k) optical_compute_tile(*a, *w, *bias, *spec, key, 0, shape.m, t.n0, t.n, out);
    const std::uint64_t sp = c.split_signs ? 2 : 1;
    std::uint64_t cycles = ((shape.m + c.rows - 1) / c.rows) * sp;
    if (c.weight_technology == "static") cycles += sp * static_cast<std::uint64_t>(std::ceil(c.tune_time_ns * c.clock_ghz));
    if (t.first) cycles += optical_fill_cycles(c);
    return cycles_to_time(cycles, c.clock_ghz);
  }
};

struct Job {
  int unit = 0;  // 0 approx, 1 mx, 2 optical
  unsigned char* command = nullptr;
  unsigned int length = 0;
  // With a shell: DRAM -> scratchpad bytes the tile needs first, and the bytes it leaves to write back.
  std::uint64_t act_bytes = 0, weight_bytes = 0, out_bytes = 0;
};

// The controller: issues the queued tiles in order with temporal decoupling.
struct Controller : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Controller> approx_socket{"approx_socket"};
  tlm_utils::simple_initiator_socket<Controller> mx_socket{"mx_socket"};
  tlm_utils::simple_initiator_socket<Controller> optical_socket{"optical_socket"};
  tlm_utils::simple_initiator_socket<Controller> dma_socket{"dma_socket"};
  sc_core::sc_event start;
  std::vector<Job> jobs;
  const ShellConfig* shell = nullptr;  // null: the tiles alone, back to back
  sc_time began, ended;
  std::uint64_t syncs = 0;
  sc_time compute_time;  // sum of the tiles' latencies
  std::string error;     // set when a transaction failed; the run then throws it
  bool busy = false;
  SC_HAS_PROCESS(Controller);
  explicit Controller(sc_core::sc_module_name name) : sc_module(name) { SC_THREAD(run); }
  void run() {
    tlm_utils::tlm_quantumkeeper qk;
    while (true) {
      sc_core::wait(start);
      qk.reset();
      began = sc_core::sc_time_stamp();
      syncs = 0;
      compute_time = sc_core::SC_ZERO_TIME;
      error.clear();
      if (shell != nullptr) {
        run_with_shell(qk);
        finish();
        continue;
      }
      tlm::tlm_generic_payload gp;
      for (const Job& j : jobs) {
        gp.set_command(tlm::TLM_WRITE_COMMAND);
        gp.set_address(0);
        gp.set_data_ptr(j.command);
        gp.set_data_length(j.length);
        gp.set_streaming_width(j.length);
        gp.set_byte_enable_ptr(nullptr);
        gp.set_dmi_allowed(false);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_time delay = qk.get_local_time();
        auto& s = j.unit == 0 ? approx_socket : j.unit == 1 ? mx_socket : optical_socket;
        s->b_transport(gp, delay);
        if (gp.is_response_error()) throw StateError("models tlm: a unit rejected a tile command");
        qk.set(delay);
        if (qk.need_sync()) {
          qk.sync();
          ++syncs;
        }
      }
      qk.sync();
      finish();
    }
  }

 private:
  void finish() {
    ended = sc_core::sc_time_stamp();
    busy = false;
    sc_core::sc_pause();
  }

  static void transport(tlm_utils::simple_initiator_socket<Controller>& to, unsigned char* command,
                        unsigned int length, sc_time& delay, tlm::tlm_generic_payload& gp) {
    gp.set_command(tlm::TLM_WRITE_COMMAND);
    gp.set_address(0);
    gp.set_data_ptr(command);
    gp.set_data_length(length);
    gp.set_streaming_width(length);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    to->b_transport(gp, delay);
  }

  // The double-buffered (or serial) schedule of loads, tiles and write-backs. Times are offsets from
  // `began`; a transaction's delay argument is its start relative to the kernel's time, and what the
  // target returns is its end. The DMA channel and the unit each keep their own "free from" time.
  void run_with_shell(tlm_utils::tlm_quantumkeeper& qk) {
    const sc_time zero = sc_core::SC_ZERO_TIME;
    sc_time dma_free = zero, unit_free = zero, last_arrival = zero;
    const auto synced = [&] { return sc_core::sc_time_stamp() - began; };
    const auto dma = [&](shell_tlm::DmaKind kind, std::uint64_t bytes, sc_time earliest) -> sc_time {
      if (bytes == 0) return earliest;
      shell_tlm::DmaCommand cmd{kind, bytes, zero};
      sc_time delay = std::max(dma_free, earliest) - synced();
      tlm::tlm_generic_payload gp;
      transport(dma_socket, reinterpret_cast<unsigned char*>(&cmd), sizeof cmd, delay, gp);
      if (gp.is_response_error() && error.empty()) error = "the DMA rejected a " + std::string(shell_tlm::dma_kind_name(kind));
      dma_free = synced() + cmd.channel_free;
      return synced() + delay;
    };
    const auto load = [&](const Job& j, sc_time earliest) {
      const sc_time a = dma(shell_tlm::DmaKind::load_activations, j.act_bytes, earliest);
      const sc_time w = dma(shell_tlm::DmaKind::load_weights, j.weight_bytes, earliest);
      return std::max(a, w);
    };
    std::vector<sc_time> done(jobs.size(), zero);
    sc_time ready = jobs.empty() ? zero : load(jobs[0], zero);
    for (std::size_t i = 0; i < jobs.size() && error.empty(); ++i) {
      const Job& j = jobs[i];
      sc_time next_ready = zero;
      // Two buffers: tile i+1's operands go where tile i-1's were, once that tile is done.
      if (shell->double_buffer && i + 1 < jobs.size()) next_ready = load(jobs[i + 1], i >= 1 ? done[i - 1] : zero);
      const sc_time begin = std::max(unit_free, ready);
      sc_time delay = begin - synced();
      tlm::tlm_generic_payload gp;
      auto& unit = j.unit == 0 ? approx_socket : j.unit == 1 ? mx_socket : optical_socket;
      transport(unit, j.command, j.length, delay, gp);
      if (gp.is_response_error() && error.empty()) error = "a unit rejected a tile command";
      done[i] = synced() + delay;
      compute_time += done[i] - begin;
      unit_free = done[i];
      const sc_time stored = dma(shell_tlm::DmaKind::store_outputs, j.out_bytes, done[i]);
      last_arrival = std::max(last_arrival, stored);
      if (!shell->double_buffer && i + 1 < jobs.size()) next_ready = load(jobs[i + 1], stored);
      ready = next_ready;
      qk.set(std::min(dma_free, unit_free) - synced());
      if (qk.need_sync()) {
        qk.sync();
        ++syncs;
      }
    }
    qk.set(std::max(last_arrival, unit_free) - synced());
    qk.sync();
  }
};

struct System {
  ApproxArrayModule approx{"approx_array"};
  MxUnitModule mx{"mx_unit"};
  OpticalArrayModule optical{"optical_array"};
  shell_tlm::Dma dma{"dma"};
  shell_tlm::Dram dram{"dram"};
  shell_tlm::Scratchpad act_scratchpad{"act_scratchpad"}, weight_scratchpad{"weight_scratchpad"},
      out_scratchpad{"out_scratchpad"};
  Controller controller{"controller"};
  System() {
    controller.approx_socket.bind(approx.socket);
    controller.mx_socket.bind(mx.socket);
    controller.optical_socket.bind(optical.socket);
    controller.dma_socket.bind(dma.socket);
    dma.dram_socket.bind(dram.socket);
    dma.dram = &dram;
    dma.act_socket.bind(act_scratchpad.socket);
    dma.weight_socket.bind(weight_scratchpad.socket);
    dma.out_socket.bind(out_scratchpad.socket);
  }
};

System& system_instance() {
  static System* s = [] {
    sc_core::sc_set_time_resolution(1, SC_PS);
    auto* sys = new System();
    sc_core::sc_start(sc_core::SC_ZERO_TIME);  // elaborate; the controller now waits for work
    return sys;
  }();
  return *s;
}

AcceleratorConfig accelerator(const std::string& unit, const ShellConfig& shell) {
  AcceleratorConfig a;
  a.unit = unit;
  a.shell = shell;
  return a;
}

std::uint64_t bytes_of(double elements, double bytes_per_element) {
  return static_cast<std::uint64_t>(std::ceil(elements * bytes_per_element));
}

template <typename Command>
Job job(int unit, Command& c) {
  return Job{unit, reinterpret_cast<unsigned char*>(&c), static_cast<unsigned int>(sizeof(Command))};
}

void attach_shell(System& s, const ShellConfig* shell, double clock_ghz) {
  s.controller.shell = shell;
  s.dma.transfers = 0;
  s.dma.bursts = 0;
  s.dma.error.clear();
  for (shell_tlm::CountingTarget* t : {static_cast<shell_tlm::CountingTarget*>(&s.dram), static_cast<shell_tlm::CountingTarget*>(&s.act_scratchpad),
                                       static_cast<shell_tlm::CountingTarget*>(&s.weight_scratchpad), static_cast<shell_tlm::CountingTarget*>(&s.out_scratchpad)})
    t->reset();
  s.dram.busy_cycles = 0;
  if (shell == nullptr) return;
  s.dram.config = *shell;
  s.dram.clock_ghz = clock_ghz;
  const std::uint64_t buffers = shell->double_buffer ? 2 : 1;
  s.act_scratchpad.buffer_bytes = shell->act_scratchpad_bytes / buffers;
  s.weight_scratchpad.buffer_bytes = shell->weight_scratchpad_bytes / buffers;
  s.out_scratchpad.buffer_bytes = shell->out_scratchpad_bytes / buffers;
  // Bursts of at most one buffer, and at most 4 GiB (a TLM payload's length is 32 bits).
  const auto burst = [](std::uint64_t b) { return std::min<std::uint64_t>(b, 0xFFFFFFFFull); };
  s.dma.burst_bytes[static_cast<int>(shell_tlm::DmaKind::load_activations)] = burst(s.act_scratchpad.buffer_bytes);
  s.dma.burst_bytes[static_cast<int>(shell_tlm::DmaKind::load_weights)] = burst(s.weight_scratchpad.buffer_bytes);
  s.dma.burst_bytes[static_cast<int>(shell_tlm::DmaKind::store_outputs)] = burst(s.out_scratchpad.buffer_bytes);
}

ShellActivity shell_activity(const System& s, std::uint64_t simulated_cycles, double clock_ghz) {
  ShellActivity a;
  if (s.controller.shell == nullptr) return a;
  a.dram_read_bytes = s.dram.read_bytes;
  a.dram_write_bytes = s.dram.write_bytes;
  a.act_scratchpad_write_bytes = s.act_scratchpad.write_bytes;
  a.weight_scratchpad_write_bytes = s.weight_scratchpad.write_bytes;
  a.out_scratchpad_read_bytes = s.out_scratchpad.read_bytes;
  a.dma_transfers = s.dma.transfers;
  a.dma_bursts = s.dma.bursts;
  a.dma_busy_cycles = s.dram.busy_cycles;
  a.compute_cycles = static_cast<std::uint64_t>(std::llround(s.controller.compute_time.to_seconds() * 1e9 * clock_ghz));
  a.stall_cycles = simulated_cycles > a.compute_cycles ? simulated_cycles - a.compute_cycles : 0;
  return a;
}

TlmRun simulate(std::vector<Job> jobs, double clock_ghz, double quantum_ns, const ShellConfig* shell = nullptr) {
  System& s = system_instance();
  const auto t0 = std::chrono::steady_clock::now();
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_time(quantum_ns * 1000.0, SC_PS));
  attach_shell(s, shell, clock_ghz);
  s.controller.jobs = std::move(jobs);
  s.controller.busy = true;
  s.controller.start.notify(sc_core::SC_ZERO_TIME);
  // The controller calls sc_pause() when its queue is done, so this also returns beside
  // free-running clocks (e.g. a verilated RTL in co-simulation); without them it may also starve.
  sc_core::sc_start();
  if (s.controller.busy) throw StateError("models tlm: the controller did not finish");
  if (!s.controller.error.empty()) {
    const std::string why = s.controller.error + (s.dma.error.empty() ? "" : " (" + s.dma.error + ")");
    s.controller.shell = nullptr;
    throw ConfigError("models tlm shell: " + why);
  }
  TlmRun r;
  r.transactions = s.controller.jobs.size();
  r.quantum_syncs = s.controller.syncs;
  const double ps = (s.controller.ended - s.controller.began).to_seconds() * 1e12;
  r.simulated_cycles = static_cast<std::uint64_t>(std::llround(ps * clock_ghz / 1000.0));
  r.shell = shell_activity(s, r.simulated_cycles, clock_ghz);
  s.controller.shell = nullptr;
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace

ApproxTlmResult run_approx_tlm(const ApproxArrayConfig& config, const approx::MultiplierTable& table,
                               const std::int8_t* a, const std::int8_t* w, const GemmShape& shape,
                               std::uint64_t m_tile, double quantum_ns, const ApproxTileEnergyFn& multiplier_energy,
                               const ShellConfig* shell) {
  ApproxTlmResult result;
  result.out.assign(shape.m * shape.n, 0);
  System& s = system_instance();
  s.approx.multiplier_energy = &multiplier_energy;
  s.approx.multiplier_energy_pj = 0.0;
  s.approx.config = &config;
  s.approx.table = &table;
  s.approx.a = a;
  s.approx.w = w;
  s.approx.shape = shape;
  s.approx.out = result.out.data();
  AcceleratorConfig layout;
  if (shell != nullptr) {
    layout = accelerator("approx", *shell);
    layout.approx = config;
    if (m_tile == 0) m_tile = controller_m_tile(layout, shape);
  }
  std::vector<ApproxTile> tiles = approx_tiles(config, shape, m_tile);
  std::vector<Job> jobs;
  jobs.reserve(tiles.size());
  for (auto& t : tiles) {
    Job j = job(0, t);
    if (shell != nullptr) {
      const OperandBytes b = operand_bytes(layout);
      // Tiles run m, n, k: an m-tile's activation slices are loaded with its first output tile.
      if (t.n0 == 0 || !activations_resident(layout, shape, m_tile)) j.act_bytes = bytes_of(double(t.m * t.k), b.activation);
      if (t.m0 == 0 || !weights_resident(layout, shape)) j.weight_bytes = bytes_of(double(t.k * t.n), b.weight);
      if (t.k0 + t.k >= shape.k) j.out_bytes = bytes_of(double(t.m * t.n), b.output);
    }
    jobs.push_back(j);
  }
  result.run = simulate(std::move(jobs), config.clock_ghz, quantum_ns, shell);
  result.multiplier_energy_pj = s.approx.multiplier_energy_pj;
  s.approx.multiplier_energy = nullptr;
  return result;
}

MxTlmResult run_mx_tlm(const MxUnitConfig& config, const float* a, const float* b,
                       const GemmShape& shape, double quantum_ns, const ShellConfig* shell) {
  MxTlmResult result;
  result.out.assign(shape.m * shape.n, 0.0f);
  const mx::QuantizedRows bq =
      mx::quantize_rows(b, shape.n, shape.k, config.format_b, config.block_size, mx::QuantizePolicy{});
  System& s = system_instance();
  s.mx.config = &config;
  s.mx.a = a;
  s.mx.b = &bq;
  s.mx.shape = shape;
  s.mx.out = result.out.data();
  AcceleratorConfig layout;
  std::uint64_t mt = (config.tile_m == 0 || config.tile_m > shape.m) ? shape.m : config.tile_m;
  if (shell != nullptr) {
    layout = accelerator("mx", *shell);
    layout.mx = config;
    mt = controller_m_tile(layout, shape);  // as cost_layer does
  }
  std::vector<MxTileCommand> cmds;
  for (std::uint64_t m0 = 0; m0 < shape.m; m0 += mt) {
    cmds.push_back({m0, std::min(mt, shape.m - m0), m0 == 0 && config.quantize_weights});
  }
  std::vector<Job> jobs;
  for (auto& c : cmds) {
    Job j = job(1, c);
    if (shell != nullptr) {
      const OperandBytes b = operand_bytes(layout);
      j.act_bytes = bytes_of(double(c.m * shape.k), b.activation);
      if (c.m0 == 0 || !weights_resident(layout, shape)) j.weight_bytes = bytes_of(double(shape.k * shape.n), b.weight);
      j.out_bytes = bytes_of(double(c.m * shape.n), b.output);
    }
    jobs.push_back(j);
  }
  result.run = simulate(std::move(jobs), config.clock_ghz, quantum_ns, shell);
  return result;
}

OpticalTlmResult run_optical_tlm(const OpticalArrayConfig& config, const optical::Matrix& x,
                                 const optical::Matrix& w, const std::vector<float>& bias,
                                 const optical::OpticalGemmSpec& spec, const optical::CallKey& key,
                                 double quantum_ns, const ShellConfig* shell) {
  if (spec.split_signs != config.split_signs) {
    throw ConfigError("models optical: config split_signs and the GEMM spec's split_signs differ");
  }
  OpticalTlmResult result;
  const GemmShape shape{x.rows, x.cols, w.rows};
  result.out = optical::Matrix{x.rows, w.rows, std::vector<float>(x.rows * w.rows)};
  const optical::OperandCodes aq = optical::quantize_operand(x, spec.input, "models optical activations");
  const optical::OperandCodes wq = optical::quantize_operand(w, spec.weight, "models optical weights");
  System& s = system_instance();
  s.optical.config = &config;
  s.optical.a = &aq;
  s.optical.w = &wq;
  s.optical.bias = &bias;
  s.optical.spec = &spec;
  s.optical.key = key;
  s.optical.shape = shape;
  s.optical.out = result.out.data.data();
  std::vector<OpticalTileCommand> cmds;
  std::vector<std::uint64_t> k_slices;
  for (std::uint64_t n0 = 0; n0 < shape.n; n0 += config.cols)
    for (std::uint64_t k0 = 0; k0 < shape.k; k0 += config.wavelengths) {
      cmds.push_back({n0, std::min(config.cols, shape.n - n0), k0 + config.wavelengths >= shape.k, false, false});
      k_slices.push_back(std::min(config.wavelengths, shape.k - k0));
    }
  if (!cmds.empty()) {
    cmds.front().first = true;
    cmds.back().last = true;
  }
  AcceleratorConfig layout;
  if (shell != nullptr) {
    layout = accelerator("optical", *shell);
    layout.optical = config;
  }
  std::vector<Job> jobs;
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    const OpticalTileCommand& c = cmds[i];
    Job j = job(2, cmds[i]);
    if (shell != nullptr) {
      const OperandBytes b = operand_bytes(layout);
      // Every weight tile sweeps all M rows: its weights are loaded once, the rows' activation
      // slice once per layer if all M rows stay resident, else with every output tile.
      if (c.n0 == 0 || !activations_resident(layout, shape, shape.m))
        j.act_bytes = bytes_of(double(shape.m * k_slices[i]), b.activation);
      j.weight_bytes = bytes_of(double(k_slices[i] * c.n), b.weight);
      if (c.last_k) j.out_bytes = bytes_of(double(shape.m * c.n), b.output);
    }
    jobs.push_back(j);
  }
  result.run = simulate(std::move(jobs), config.clock_ghz, quantum_ns, shell);
  return result;
}

}  // namespace tessera::models
