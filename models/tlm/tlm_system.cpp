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
    const std::uint64_t pipeline = c.dac_latency + c.adc_latency + c.psum_latency;
    if (t.first && pipeline > 0) cycles += pipeline - 1;
    return cycles_to_time(cycles, c.clock_ghz);
  }
};

struct Job {
  int unit = 0;  // 0 approx, 1 mx, 2 optical
  unsigned char* command = nullptr;
  unsigned int length = 0;
};

// The controller: issues the queued tiles in order with temporal decoupling.
struct Controller : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Controller> approx_socket{"approx_socket"};
  tlm_utils::simple_initiator_socket<Controller> mx_socket{"mx_socket"};
  tlm_utils::simple_initiator_socket<Controller> optical_socket{"optical_socket"};
  sc_core::sc_event start;
  std::vector<Job> jobs;
  sc_time began, ended;
  std::uint64_t syncs = 0;
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
      ended = sc_core::sc_time_stamp();
      busy = false;
      sc_core::sc_pause();
    }
  }
};

struct System {
  ApproxArrayModule approx{"approx_array"};
  MxUnitModule mx{"mx_unit"};
  OpticalArrayModule optical{"optical_array"};
  Controller controller{"controller"};
  System() {
    controller.approx_socket.bind(approx.socket);
    controller.mx_socket.bind(mx.socket);
    controller.optical_socket.bind(optical.socket);
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

template <typename Command>
Job job(int unit, Command& c) {
  return Job{unit, reinterpret_cast<unsigned char*>(&c), static_cast<unsigned int>(sizeof(Command))};
}

TlmRun simulate(std::vector<Job> jobs, double clock_ghz, double quantum_ns) {
  System& s = system_instance();
  const auto t0 = std::chrono::steady_clock::now();
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_time(quantum_ns * 1000.0, SC_PS));
  s.controller.jobs = std::move(jobs);
  s.controller.busy = true;
  s.controller.start.notify(sc_core::SC_ZERO_TIME);
  // The controller calls sc_pause() when its queue is done, so this also returns beside
  // free-running clocks (e.g. a verilated RTL in co-simulation); without them it may also starve.
  sc_core::sc_start();
  if (s.controller.busy) throw StateError("models tlm: the controller did not finish");
  TlmRun r;
  r.transactions = s.controller.jobs.size();
  r.quantum_syncs = s.controller.syncs;
  const double ps = (s.controller.ended - s.controller.began).to_seconds() * 1e12;
  r.simulated_cycles = static_cast<std::uint64_t>(std::llround(ps * clock_ghz / 1000.0));
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace

ApproxTlmResult run_approx_tlm(const ApproxArrayConfig& config, const approx::MultiplierTable& table,
                               const std::int8_t* a, const std::int8_t* w, const GemmShape& shape,
                               std::uint64_t m_tile, double quantum_ns, const ApproxTileEnergyFn& multiplier_energy) {
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
  std::vector<ApproxTile> tiles = approx_tiles(config, shape, m_tile);
  std::vector<Job> jobs;
  jobs.reserve(tiles.size());
  for (auto& t : tiles) jobs.push_back(job(0, t));
  result.run = simulate(std::move(jobs), config.clock_ghz, quantum_ns);
  result.multiplier_energy_pj = s.approx.multiplier_energy_pj;
  s.approx.multiplier_energy = nullptr;
  return result;
}

MxTlmResult run_mx_tlm(const MxUnitConfig& config, const float* a, const float* b,
                       const GemmShape& shape, double quantum_ns) {
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
  const std::uint64_t mt = (config.tile_m == 0 || config.tile_m > shape.m) ? shape.m : config.tile_m;
  std::vector<MxTileCommand> cmds;
  for (std::uint64_t m0 = 0; m0 < shape.m; m0 += mt) {
    cmds.push_back({m0, std::min(mt, shape.m - m0), m0 == 0 && config.quantize_weights});
  }
  std::vector<Job> jobs;
  for (auto& c : cmds) jobs.push_back(job(1, c));
  result.run = simulate(std::move(jobs), config.clock_ghz, quantum_ns);
  return result;
}

OpticalTlmResult run_optical_tlm(const OpticalArrayConfig& config, const optical::Matrix& x,
                                 const optical::Matrix& w, const std::vector<float>& bias,
                                 const optical::OpticalGemmSpec& spec, const optical::CallKey& key,
                                 double quantum_ns) {
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
  for (std::uint64_t n0 = 0; n0 < shape.n; n0 += config.cols)
    for (std::uint64_t k0 = 0; k0 < shape.k; k0 += config.wavelengths)
      cmds.push_back({n0, std::min(config.cols, shape.n - n0), k0 + config.wavelengths >= shape.k, false, false});
  if (!cmds.empty()) {
    cmds.front().first = true;
    cmds.back().last = true;
  }
  std::vector<Job> jobs;
  for (auto& c : cmds) jobs.push_back(job(2, c));
  result.run = simulate(std::move(jobs), config.clock_ghz, quantum_ns);
  return result;
}

}  // namespace tessera::models
