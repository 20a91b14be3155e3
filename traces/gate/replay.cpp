#include "traces/gate/replay.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <queue>
#include <sstream>

#include "golden/common/error.h"

namespace tessera::traces::gate {

using liberty::BooleanFunction;
using liberty::Opcode;
using liberty::PinDirection;

namespace {

constexpr std::size_t kLanes = 64;
constexpr std::size_t kMaxArcPatternBits = 8;  // wider drivers use the mean over all arcs

// Inline SWAR popcount: without -mpopcnt (not assumed of the build machine) the builtin is a
// library call, which dominated the replay profile.
inline std::uint64_t popcount(std::uint64_t word) {
  word = word - ((word >> 1) & 0x5555555555555555ULL);
  word = (word & 0x3333333333333333ULL) + ((word >> 2) & 0x3333333333333333ULL);
  word = (word + (word >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
  return (word * 0x0101010101010101ULL) >> 56;
}

// The combinational part compiled to one instruction stream over net words.
enum class Step : std::uint8_t { load, load_not, zero, ones, invert, and_net, or_net, xor_net, and_, or_, xor_, store };
struct Instruction {
  Step step;
  NetId net;
};

void compile_function(const BooleanFunction& function, const std::vector<NetId>& variable_nets,
                      NetId output, std::vector<Instruction>& program, std::size_t& max_depth) {
  const auto& code = function.program();
  std::size_t depth = 0;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const auto& instruction = code[i];
    if (instruction.opcode == Opcode::push_variable) {
      NetId net = variable_nets[instruction.variable];
      Opcode next = i + 1 < code.size() ? code[i + 1].opcode : Opcode::push_zero;
      if (depth > 0 && (next == Opcode::and_ || next == Opcode::or_ || next == Opcode::xor_)) {
        program.push_back({next == Opcode::and_ ? Step::and_net
                           : next == Opcode::or_ ? Step::or_net
                                                 : Step::xor_net,
                           net});
        ++i;
        continue;
      }
      if (next == Opcode::invert) {
        program.push_back({Step::load_not, net});
        ++i;
      } else {
        program.push_back({Step::load, net});
      }
      max_depth = std::max(max_depth, ++depth);
      continue;
    }
    switch (instruction.opcode) {
      case Opcode::push_zero: program.push_back({Step::zero, 0}); max_depth = std::max(max_depth, ++depth); break;
      case Opcode::push_ones: program.push_back({Step::ones, 0}); max_depth = std::max(max_depth, ++depth); break;
      case Opcode::invert: program.push_back({Step::invert, 0}); break;
      case Opcode::and_: program.push_back({Step::and_, 0}); --depth; break;
      case Opcode::or_: program.push_back({Step::or_, 0}); --depth; break;
      case Opcode::xor_: program.push_back({Step::xor_, 0}); --depth; break;
      default: break;
    }
  }
  program.push_back({Step::store, output});
}

// `read` and `write` may be the same array (zero delay: each cell sees the outputs of the cells
// before it in topological order) or two (unit delay: every cell sees the previous step's nets).
// Liberty delays run one cell output's slice of the program at a time.
void run_program(const Instruction* begin, const Instruction* end, const std::uint64_t* read, std::uint64_t* write) {
  const std::uint64_t* values = read;
  std::array<std::uint64_t, 64> stack{};
  std::size_t top = 0;  // stack[top - 1] is the top
  for (const Instruction* cursor = begin; cursor != end; ++cursor) {
    const Instruction& instruction = *cursor;
    switch (instruction.step) {
      case Step::load: stack[top++] = values[instruction.net]; break;
      case Step::load_not: stack[top++] = ~values[instruction.net]; break;
      case Step::zero: stack[top++] = 0; break;
      case Step::ones: stack[top++] = ~std::uint64_t{0}; break;
      case Step::invert: stack[top - 1] = ~stack[top - 1]; break;
      case Step::and_net: stack[top - 1] &= values[instruction.net]; break;
      case Step::or_net: stack[top - 1] |= values[instruction.net]; break;
      case Step::xor_net: stack[top - 1] ^= values[instruction.net]; break;
      case Step::and_: --top; stack[top - 1] &= stack[top]; break;
      case Step::or_: --top; stack[top - 1] |= stack[top]; break;
      case Step::xor_: --top; stack[top - 1] ^= stack[top]; break;
      case Step::store: write[instruction.net] = stack[--top]; break;
    }
  }
}

void run_program(const std::vector<Instruction>& program, const std::uint64_t* read, std::uint64_t* write) {
  run_program(program.data(), program.data() + program.size(), read, write);
}

// Liberty delays are quantised to whole picoseconds so that the 64 lanes share one event schedule.
constexpr double kTimeUnitNs = 0.001;
// An acyclic network settles after a bounded number of events; far more than this many per cell
// in one cycle means the events feed themselves (a combinational loop the loader did not see).
constexpr std::uint64_t kMaxEventsPerCell = 10000;

std::uint32_t to_time_units(double delay_ns) {
  return static_cast<std::uint32_t>(std::max<long long>(0, std::llround(delay_ns / kTimeUnitNs)));
}

// The mean delay of the arcs of `type` from `related` (any related pin when empty) into `output`,
// at the given slew and load; nothing when the library gives no such arc.
std::optional<double> mean_arc_delay_ns(const liberty::Pin& output, const std::string& related,
                                        liberty::TimingType type, double transition_ns, double load_pf) {
  double sum = 0.0;
  std::size_t arcs = 0;
  for (const liberty::TimingArc& arc : output.timing) {
    if (arc.type != type) continue;
    std::istringstream names(arc.related_pin);  // a related_pin may list several pins
    std::string name;
    bool matches = related.empty();
    while (!matches && names >> name) matches = name == related;
    if (!matches) continue;
    sum += arc.mean_delay_ns(transition_ns, load_pf);
    ++arcs;
  }
  if (arcs == 0) return std::nullopt;
  return sum / static_cast<double>(arcs);
}

// A flip-flop: its functions with variables bound to nets (or the state, for IQ/IQN).
struct Flop {
  const CellType* type = nullptr;
  std::vector<NetId> output_nets;  // parallel to type->output_pins; kNoNet when unconnected
  // Per function, per variable: a net, or a reference to the state (kState / kStateInverted).
  std::vector<std::vector<std::int64_t>> output_bindings;
  std::vector<std::int64_t> next_bindings, clear_bindings, preset_bindings;
};
constexpr std::int64_t kState = -1;
constexpr std::int64_t kStateInverted = -2;
constexpr NetId kNoNet = ~NetId{0};

std::uint64_t evaluate_bound(const BooleanFunction& function, const std::vector<std::int64_t>& bindings,
                             const std::vector<std::uint64_t>& values, std::uint64_t state) {
  std::array<std::uint64_t, 16> words{};
  std::vector<std::uint64_t> many;
  std::uint64_t* variables = words.data();
  if (bindings.size() > words.size()) {
    many.resize(bindings.size());
    variables = many.data();
  }
  for (std::size_t i = 0; i < bindings.size(); ++i) {
    variables[i] = bindings[i] == kState ? state : bindings[i] == kStateInverted ? ~state : values[static_cast<std::size_t>(bindings[i])];
  }
  return function.evaluate(variables);
}

// Energy tables per net: a toggle costs base_pj plus the driver's internal energy for the
// pattern of related pins that toggled with it.
struct NetEnergy {
  double switching_pj = 0.0;
  double load_internal_pj = 0.0;
  std::uint32_t pattern_offset = 0;  // into pattern_energy_pj / pattern_count
  std::uint32_t arc_offset = 0;      // into arc_nets
  std::uint8_t arc_count = 0;        // pattern bits; 0: one constant driver energy
};

class Replayer {
 public:
  Replayer(const GateNetlist& netlist, const ReplayOptions& options)
      : netlist_(netlist), options_(options) {
    input_transition_ns_ = options.input_transition_ns.value_or(default_input_transition_ns(netlist));
    compile();
    precompute_energies();
    if (options.delays == DelayModel::liberty) prepare_liberty_delays();
  }

  ReplayResult run(const std::map<std::string, std::vector<std::uint64_t>>& inputs);

 private:
  void compile();
  void precompute_energies();
  std::vector<std::int64_t> bind(const BooleanFunction& function, const CellInstance& instance,
                                 const CellType& type) const;
  void apply_inputs(std::size_t step, std::size_t priming_back);
  void settle_flop_outputs();
  void evaluate_and_count(std::uint64_t active, std::size_t step, bool count, ReplayResult& result);
  // Unit delay: from the settled state, step every cell at once until nothing changes, charging
  // every transition (glitches included); leaves values_ settled.
  void evaluate_unit_delay(std::uint64_t active, ReplayResult& result);
  // Liberty delays: an event-driven simulation from the settled state, shared by the lanes,
  // charging every transition; leaves values_ settled.
  void prepare_liberty_delays();
  void evaluate_liberty_delay(std::uint64_t active, ReplayResult& result);
  void process_liberty_events(std::uint64_t time, std::uint64_t active, ReplayResult& result);
  void schedule_loads(NetId net, std::uint64_t changed_lanes, std::uint64_t time);
  // Charges the toggles in `toggles` (per net, lanes as bits); a driver's arcs are chosen by the
  // related pins' toggles in `related` (the same step under zero delay, the step before under unit).
  void charge(const std::vector<std::uint64_t>& toggles, const std::vector<std::uint64_t>& related,
              ReplayResult& result);
  void charge_net(NetId net, std::uint64_t toggled, const std::vector<std::uint64_t>& related,
                  ReplayResult& result);
  void capture_flops();

  const GateNetlist& netlist_;
  const ReplayOptions& options_;
  double input_transition_ns_ = 0.0;
  std::vector<Instruction> program_;
  std::vector<Flop> flops_;
  std::vector<std::uint64_t> flop_state_;
  std::vector<std::uint64_t> values_, settled_, toggle_words_;
  std::vector<std::uint64_t> next_values_, previous_toggle_words_;  // unit delay only
  std::vector<NetId> counted_nets_;  // nets whose toggles mean something (not constants/clock)
  std::vector<NetEnergy> net_energy_;
  std::vector<double> pattern_energy_pj_;
  std::vector<std::uint64_t> pattern_count_;
  std::vector<NetId> arc_nets_;
  double clock_pj_per_cycle_ = 0.0;

  // One combinational cell output: its slice of program_ (inputs loaded, output stored).
  struct CellOutput {
    std::uint32_t program_begin = 0, program_end = 0;
    NetId net = 0;
    std::size_t cell = 0;
    std::size_t output_pin = 0;  // index into the cell type's pins
  };
  std::vector<CellOutput> cell_outputs_;
  // Liberty delays. A net's change schedules each cell output it feeds at its arc delay.
  struct TimedLoad {
    std::uint32_t cell_output;
    std::uint32_t delay;  // time units
  };
  std::vector<std::uint32_t> timed_load_offset_;  // per net, into timed_loads_ (CSR)
  std::vector<TimedLoad> timed_loads_;
  // A flop output changes its clock-to-output delay after the clock edge.
  struct Launch {
    NetId net;
    std::uint32_t delay;
  };
  std::vector<Launch> launches_;
  std::vector<std::uint64_t> launch_values_;  // this cycle's new value of each launch
  // `source` is a cell output index, or cell_outputs_.size() + a launch index.
  struct Event {
    std::uint64_t time;
    std::uint32_t source;
    NetId trigger;          // the net whose change scheduled it
    std::uint64_t lanes;    // the lanes in which it changed
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const { return a.time > b.time; }
  };
  std::priority_queue<Event, std::vector<Event>, Later> events_;
  std::vector<Event> due_;  // the events of one time step
  std::vector<std::pair<NetId, std::uint64_t>> changes_;  // (net, lanes) of one time step
  std::vector<std::uint64_t> event_related_;  // per net: toggles of the triggers being evaluated
  std::vector<bool> counted_;
  double leakage_nw_ = 0.0;

  // Input application: (port values, bit nets) pairs and each lane's vector index per step.
  struct BoundPort {
    const std::vector<std::uint64_t>* values;
    std::vector<NetId> nets;
  };
  std::vector<BoundPort> bound_inputs_;
  struct BoundOutput {
    const Port* port;
    std::vector<std::uint64_t>* values;
  };
  std::vector<BoundOutput> bound_outputs_;
  std::array<std::size_t, kLanes> segment_start_{};
  std::array<std::size_t, kLanes> segment_length_{};
  std::array<double, kLanes> lane_energy_pj_{};
};

std::vector<std::int64_t> Replayer::bind(const BooleanFunction& function, const CellInstance& instance,
                                         const CellType& type) const {
  std::vector<std::int64_t> bindings;
  for (const std::string& variable : function.variables()) {
    if (type.cell.ff && variable == type.cell.ff->state) {
      bindings.push_back(kState);
    } else if (type.cell.ff && variable == type.cell.ff->state_inverted) {
      bindings.push_back(kStateInverted);
    } else {
      auto found = instance.pin_nets.find(variable);
      if (found == instance.pin_nets.end()) {
        throw InputError("cell '" + instance.name + "' (" + type.cell.name + "): function uses pin '" +
                         variable + "', which is not connected");
      }
      bindings.push_back(found->second);
    }
  }
  return bindings;
}

void Replayer::compile() {
  std::size_t nets = netlist_.net_count();
  values_.assign(nets, 0);
  for (NetId net = 0; net < nets; ++net) {
    if (auto constant = netlist_.net_constant(net)) values_[net] = *constant ? ~std::uint64_t{0} : 0;
  }
  std::size_t max_depth = 0;
  for (std::size_t cell_index : netlist_.combinational_order()) {
    const CellInstance& instance = netlist_.cells()[cell_index];
    const CellType& type = netlist_.type_of(instance);
    for (std::size_t k = 0; k < type.output_pins.size(); ++k) {
      auto output = instance.pin_nets.find(type.cell.pins[type.output_pins[k]].name);
      if (output == instance.pin_nets.end()) continue;
      std::vector<std::int64_t> bindings = bind(type.output_functions[k], instance, type);
      std::vector<NetId> variable_nets(bindings.begin(), bindings.end());
      const auto begin = static_cast<std::uint32_t>(program_.size());
      compile_function(type.output_functions[k], variable_nets, output->second, program_, max_depth);
      cell_outputs_.push_back({begin, static_cast<std::uint32_t>(program_.size()), output->second, cell_index,
                               type.output_pins[k]});
    }
  }
  if (max_depth > 64) throw Error("a cell function nests deeper than the replay stack (64)");
  for (std::size_t cell_index : netlist_.flops()) {
    const CellInstance& instance = netlist_.cells()[cell_index];
    const CellType& type = netlist_.type_of(instance);
    Flop flop;
    flop.type = &type;
    for (std::size_t k = 0; k < type.output_pins.size(); ++k) {
      auto output = instance.pin_nets.find(type.cell.pins[type.output_pins[k]].name);
      flop.output_nets.push_back(output == instance.pin_nets.end() ? kNoNet : output->second);
      flop.output_bindings.push_back(bind(type.output_functions[k], instance, type));
    }
    flop.next_bindings = bind(*type.next_state, instance, type);
    if (type.clear) flop.clear_bindings = bind(*type.clear, instance, type);
    if (type.preset) flop.preset_bindings = bind(*type.preset, instance, type);
    flops_.push_back(std::move(flop));
  }
  // The clock is not simulated: its nets stay 0 and are not counted.
  std::vector<bool> excluded(nets, false);
  for (NetId net = 0; net < nets; ++net) excluded[net] = netlist_.net_constant(net).has_value();
  for (const Port& port : netlist_.inputs()) {
    if (port.name == options_.clock_port) {
      for (NetId net : port.bits) excluded[net] = true;
    }
  }
  counted_.assign(nets, false);
  for (NetId net = 0; net < nets; ++net) {
    if (!excluded[net]) counted_nets_.push_back(net);
    counted_[net] = !excluded[net];
  }
}

void Replayer::precompute_energies() {
  const double voltage = netlist_.nom_voltage_v();
  const std::size_t nets = netlist_.net_count();
  net_energy_.assign(nets, NetEnergy{});
  auto passive_pj = [&](const liberty::Pin& pin) {
    double sum = 0.0;
    std::size_t groups = 0;
    for (const liberty::InternalPower& power : pin.internal_power) {
      if (!power.related_pin.empty()) continue;
      sum += power.mean_energy_pj(input_transition_ns_, 0.0);
      ++groups;
    }
    return groups ? sum / static_cast<double>(groups) : 0.0;
  };
  for (NetId net = 0; net < nets; ++net) {
    NetEnergy& energy = net_energy_[net];
    double load_pf = netlist_.fanout_load_pf(net);
    energy.switching_pj = 0.5 * load_pf * voltage * voltage;
    for (const PinRef& load : netlist_.loads(net)) {
      const CellType& type = netlist_.type_of(netlist_.cells()[load.cell]);
      if (type.cell.ff && load.pin == type.clock_pin) continue;  // counted as clock energy
      energy.load_internal_pj += passive_pj(*type.cell.find_pin(load.pin));
    }
    // Driver arcs, one per related pin (groups for the same pin, e.g. per `when`, averaged).
    std::vector<std::pair<NetId, double>> arcs;
    double flop_arc_sum = 0.0;
    std::size_t flop_arcs = 0;
    const auto& driver = netlist_.driver(net);
    if (driver) {
      const CellInstance& instance = netlist_.cells()[driver->cell];
      const CellType& type = netlist_.type_of(instance);
      const liberty::Pin& pin = *type.cell.find_pin(driver->pin);
      std::map<std::string, std::pair<double, std::size_t>> by_related;
      for (const liberty::InternalPower& power : pin.internal_power) {
        std::istringstream names(power.related_pin);
        std::string related;
        while (names >> related) {
          auto& [sum, count] = by_related[related];
          sum += power.mean_energy_pj(input_transition_ns_, load_pf);
          ++count;
        }
      }
      for (const auto& [related, sum_count] : by_related) {
        double arc_pj = sum_count.first / static_cast<double>(sum_count.second);
        if (type.cell.ff) {
          if (related == type.clock_pin) {
            flop_arc_sum += arc_pj;
            ++flop_arcs;
          }
          continue;
        }
        auto connected = instance.pin_nets.find(related);
        if (connected != instance.pin_nets.end()) arcs.emplace_back(connected->second, arc_pj);
      }
      if (type.cell.ff && flop_arcs == 0) {  // no clock arc: mean over whatever arcs there are
        for (const auto& [related, sum_count] : by_related) {
          flop_arc_sum += sum_count.first / static_cast<double>(sum_count.second);
          ++flop_arcs;
        }
      }
    }
    energy.pattern_offset = static_cast<std::uint32_t>(pattern_energy_pj_.size());
    energy.arc_offset = static_cast<std::uint32_t>(arc_nets_.size());
    double all_arcs_mean = 0.0;
    for (const auto& arc : arcs) all_arcs_mean += arc.second / static_cast<double>(arcs.size());
    if (flop_arcs > 0) {
      pattern_energy_pj_.push_back(flop_arc_sum / static_cast<double>(flop_arcs));
    } else if (arcs.size() <= 1 || arcs.size() > kMaxArcPatternBits) {
      pattern_energy_pj_.push_back(all_arcs_mean);
    } else {
      energy.arc_count = static_cast<std::uint8_t>(arcs.size());
      for (const auto& arc : arcs) arc_nets_.push_back(arc.first);
      for (std::size_t pattern = 0; pattern < (std::size_t{1} << arcs.size()); ++pattern) {
        double sum = 0.0;
        std::size_t toggled = 0;
        for (std::size_t i = 0; i < arcs.size(); ++i) {
          if (pattern >> i & 1) {
            sum += arcs[i].second;
            ++toggled;
          }
        }
        pattern_energy_pj_.push_back(toggled ? sum / static_cast<double>(toggled) : all_arcs_mean);
      }
    }
  }
  pattern_count_.assign(pattern_energy_pj_.size(), 0);
  for (std::size_t cell_index : netlist_.flops()) {
    const CellType& type = netlist_.type_of(netlist_.cells()[cell_index]);
    const liberty::Pin* clock = type.cell.find_pin(type.clock_pin);
    double sum = 0.0;
    std::size_t groups = 0;
    for (const liberty::InternalPower& power : clock->internal_power) {
      sum += power.mean_energy_pj(input_transition_ns_, 0.0);
      ++groups;
    }
    if (groups) clock_pj_per_cycle_ += 2.0 * sum / static_cast<double>(groups);
  }
  for (const CellInstance& instance : netlist_.cells()) leakage_nw_ += netlist_.type_of(instance).cell.leakage_power_nw;
}

// priming_back > 0: the vector that many before the lane's segment (clamped to vector 0).
void Replayer::apply_inputs(std::size_t step, std::size_t priming_back) {
  for (const BoundPort& port : bound_inputs_) {
    std::array<std::uint64_t, 64> words{};
    std::size_t width = std::min<std::size_t>(port.nets.size(), 64);
    for (std::size_t lane = 0; lane < kLanes; ++lane) {
      std::size_t index;
      if (priming_back > 0) {
        index = segment_start_[lane] >= priming_back ? segment_start_[lane] - priming_back : 0;
      } else {
        // Lanes whose segment has ended hold their last vector.
        std::size_t offset = std::min(step, segment_length_[lane] == 0 ? 0 : segment_length_[lane] - 1);
        index = segment_start_[lane] + offset;
      }
      if (index >= port.values->size()) continue;
      std::uint64_t value = (*port.values)[index];
      for (std::size_t bit = 0; bit < width; ++bit) words[bit] |= (value >> bit & 1) << lane;
    }
    for (std::size_t bit = 0; bit < width; ++bit) values_[port.nets[bit]] = words[bit];
  }
}

void Replayer::settle_flop_outputs() {
  for (std::size_t i = 0; i < flops_.size(); ++i) {
    const Flop& flop = flops_[i];
    for (std::size_t k = 0; k < flop.output_nets.size(); ++k) {
      if (flop.output_nets[k] == kNoNet) continue;
      values_[flop.output_nets[k]] =
          evaluate_bound(flop.type->output_functions[k], flop.output_bindings[k], values_, flop_state_[i]);
    }
  }
}

void Replayer::capture_flops() {
  std::vector<std::uint64_t> next(flops_.size());
  for (std::size_t i = 0; i < flops_.size(); ++i) {
    const Flop& flop = flops_[i];
    std::uint64_t state = evaluate_bound(*flop.type->next_state, flop.next_bindings, values_, flop_state_[i]);
    if (flop.type->clear) state &= ~evaluate_bound(*flop.type->clear, flop.clear_bindings, values_, flop_state_[i]);
    if (flop.type->preset) state |= evaluate_bound(*flop.type->preset, flop.preset_bindings, values_, flop_state_[i]);
    next[i] = state;
  }
  flop_state_ = std::move(next);
}

void Replayer::evaluate_and_count(std::uint64_t active, std::size_t step, bool count, ReplayResult& result) {
  const bool per_lane = options_.per_cycle_energy;
  if (per_lane) lane_energy_pj_.fill(0.0);
  if (count && options_.delays == DelayModel::unit) {
    evaluate_unit_delay(active, result);
  } else if (count && options_.delays == DelayModel::liberty) {
    evaluate_liberty_delay(active, result);
  } else {
    run_program(program_, values_.data(), values_.data());
    if (!count) {
      settled_ = values_;
      return;
    }
    for (NetId net : counted_nets_) toggle_words_[net] = (values_[net] ^ settled_[net]) & active;
    charge(toggle_words_, toggle_words_, result);
    settled_ = values_;
  }
  for (NetId net : counted_nets_) result.high_cycles_per_net[net] += popcount(values_[net] & active);
  for (std::size_t lane = 0; lane < kLanes; ++lane) {
    if (!(active >> lane & 1)) continue;
    std::size_t index = segment_start_[lane] + step;
    if (per_lane) result.energy_per_cycle_pj[index] = lane_energy_pj_[lane] + clock_pj_per_cycle_;
    for (const BoundOutput& output : bound_outputs_) {
      std::uint64_t word = 0;
      std::size_t width = std::min<std::size_t>(output.port->bits.size(), 64);
      for (std::size_t bit = 0; bit < width; ++bit) word |= (values_[output.port->bits[bit]] >> lane & 1) << bit;
      (*output.values)[index] = word;
    }
  }
}

void Replayer::charge(const std::vector<std::uint64_t>& toggles, const std::vector<std::uint64_t>& related,
                      ReplayResult& result) {
  for (NetId net : counted_nets_) {
    if (toggles[net] != 0) charge_net(net, toggles[net], related, result);
  }
}

void Replayer::charge_net(NetId net, std::uint64_t toggled, const std::vector<std::uint64_t>& related,
                          ReplayResult& result) {
  const bool per_lane = options_.per_cycle_energy;
  std::array<std::uint64_t, std::size_t{1} << kMaxArcPatternBits> masks;
  result.toggles_per_net[net] += popcount(toggled);
  const NetEnergy& energy = net_energy_[net];
  std::size_t patterns = 1;
  masks[0] = toggled;
  for (std::size_t i = 0; i < energy.arc_count; ++i) {
    std::uint64_t related_toggled = related[arc_nets_[energy.arc_offset + i]];
    for (std::size_t j = 0; j < patterns; ++j) {
      masks[j + patterns] = masks[j] & related_toggled;
      masks[j] &= ~related_toggled;
    }
    patterns *= 2;
  }
  for (std::size_t pattern = 0; pattern < patterns; ++pattern) {
    std::uint64_t mask = masks[pattern];
    if (mask == 0) continue;
    pattern_count_[energy.pattern_offset + pattern] += popcount(mask);
    if (!per_lane) continue;
    double toggle_pj = energy.switching_pj + energy.load_internal_pj +
                       pattern_energy_pj_[energy.pattern_offset + pattern];
    while (mask) {
      lane_energy_pj_[static_cast<std::size_t>(__builtin_ctzll(mask))] += toggle_pj;
      mask &= mask - 1;
    }
  }
}

void Replayer::evaluate_unit_delay(std::uint64_t active, ReplayResult& result) {
  // Step 0: the inputs and the flop outputs change (values_ already holds them).
  for (NetId net : counted_nets_) toggle_words_[net] = (values_[net] ^ settled_[net]) & active;
  std::fill(previous_toggle_words_.begin(), previous_toggle_words_.end(), 0);
  charge(toggle_words_, previous_toggle_words_, result);
  // An acyclic network settles within its depth; more steps than cells means a combinational loop.
  for (std::size_t steps = 0;; ++steps) {
    if (steps > netlist_.cells().size() + 1) {
      throw Error("unit-delay replay of '" + netlist_.top() + "' does not settle (a combinational loop?)");
    }
    next_values_ = values_;
    run_program(program_, values_.data(), next_values_.data());
    previous_toggle_words_.swap(toggle_words_);
    bool changed = false;
    for (NetId net : counted_nets_) {
      const std::uint64_t differ = next_values_[net] ^ values_[net];
      changed |= differ != 0;
      toggle_words_[net] = differ & active;
    }
    values_.swap(next_values_);
    if (!changed) break;
    charge(toggle_words_, previous_toggle_words_, result);
  }
  settled_ = values_;
}

void Replayer::prepare_liberty_delays() {
  const std::size_t nets = netlist_.net_count();
  // Per (cell output, input pin): the arcs' mean delay at this replay's slew and the output's
  // load. One delay per arc rather than one per cell, because a cell's inputs are not equally
  // fast (a full adder's carry-in reaches its carry-out sooner than A does) and which input
  // arrives first decides whether a glitch happens. An input with no arc of its own takes the
  // slowest of the output's arcs.
  std::vector<std::vector<TimedLoad>> loads_of(nets);
  for (std::size_t index = 0; index < cell_outputs_.size(); ++index) {
    const CellOutput& output = cell_outputs_[index];
    const CellInstance& instance = netlist_.cells()[output.cell];
    const CellType& type = netlist_.type_of(instance);
    const liberty::Pin& pin = type.cell.pins[output.output_pin];
    const double load_pf = netlist_.fanout_load_pf(output.net);
    std::optional<double> slowest_ns;
    for (const liberty::TimingArc& arc : pin.timing) {
      if (arc.type != liberty::TimingType::combinational) continue;
      slowest_ns = std::max(slowest_ns.value_or(0.0), arc.mean_delay_ns(input_transition_ns_, load_pf));
    }
    if (!slowest_ns) {
      throw InputError("liberty-delay replay: cell '" + instance.name + "' (" + type.cell.name + ") output '" +
                       pin.name + "' has no combinational timing arc (cell_rise/cell_fall) in library '" +
                       netlist_.library_name() + "'");
    }
    const auto function = std::find(type.output_pins.begin(), type.output_pins.end(), output.output_pin);
    const auto& variables = type.output_functions[static_cast<std::size_t>(function - type.output_pins.begin())].variables();
    for (const std::string& input : variables) {
      const NetId net = instance.pin_nets.at(input);
      const double delay_ns = mean_arc_delay_ns(pin, input, liberty::TimingType::combinational, input_transition_ns_,
                                                load_pf)
                                  .value_or(*slowest_ns);
      // At least one unit: a cell never answers in the same instant as its inputs change.
      loads_of[net].push_back({static_cast<std::uint32_t>(index), std::max<std::uint32_t>(1, to_time_units(delay_ns))});
    }
  }
  timed_load_offset_.assign(nets + 1, 0);
  for (NetId net = 0; net < nets; ++net) {
    timed_load_offset_[net] = static_cast<std::uint32_t>(timed_loads_.size());
    timed_loads_.insert(timed_loads_.end(), loads_of[net].begin(), loads_of[net].end());
  }
  timed_load_offset_[nets] = static_cast<std::uint32_t>(timed_loads_.size());
  // Flop outputs change their clock-to-output delay after the edge (0 when the library has none).
  for (const Flop& flop : flops_) {
    const liberty::Cell& cell = flop.type->cell;
    for (std::size_t k = 0; k < flop.output_nets.size(); ++k) {
      if (flop.output_nets[k] == kNoNet) continue;
      const liberty::Pin& pin = cell.pins[flop.type->output_pins[k]];
      const double load_pf = netlist_.fanout_load_pf(flop.output_nets[k]);
      std::optional<double> delay_ns;
      for (auto edge : {liberty::TimingType::rising_edge, liberty::TimingType::falling_edge}) {
        if (!delay_ns) delay_ns = mean_arc_delay_ns(pin, flop.type->clock_pin, edge, input_transition_ns_, load_pf);
      }
      launches_.push_back({flop.output_nets[k], to_time_units(delay_ns.value_or(0.0))});
    }
  }
  launch_values_.assign(launches_.size(), 0);
  event_related_.assign(nets, 0);
  next_values_.assign(nets, 0);
}

void Replayer::schedule_loads(NetId net, std::uint64_t changed_lanes, std::uint64_t time) {
  for (std::uint32_t i = timed_load_offset_[net]; i < timed_load_offset_[net + 1]; ++i) {
    events_.push({time + timed_loads_[i].delay, timed_loads_[i].cell_output, net, changed_lanes});
  }
}

void Replayer::evaluate_liberty_delay(std::uint64_t active, ReplayResult& result) {
  // Time 0: the inputs change (values_ holds them), the flop outputs are held back to their launch.
  for (std::size_t i = 0; i < launches_.size(); ++i) {
    const NetId net = launches_[i].net;
    launch_values_[i] = values_[net];
    if (values_[net] == settled_[net]) continue;
    values_[net] = settled_[net];
    events_.push({launches_[i].delay, static_cast<std::uint32_t>(cell_outputs_.size() + i), net, 0});
  }
  for (NetId net : counted_nets_) {
    const std::uint64_t changed = values_[net] ^ settled_[net];
    if (changed == 0) continue;
    charge_net(net, changed & active, event_related_, result);  // event_related_ is all zero here
    schedule_loads(net, changed, 0);
  }
  const std::uint64_t max_events = kMaxEventsPerCell * (netlist_.cells().size() + 1);
  std::uint64_t processed = 0;
  while (!events_.empty()) {
    const std::uint64_t time = events_.top().time;
    due_.clear();
    while (!events_.empty() && events_.top().time == time) {
      due_.push_back(events_.top());
      events_.pop();
    }
    processed += due_.size();
    if (processed > max_events) {
      events_ = {};
      throw Error("liberty-delay replay of '" + netlist_.top() + "' does not settle within " +
                  std::to_string(max_events) + " events in one cycle (a combinational loop?)");
    }
    process_liberty_events(time, active, result);
  }
  settled_ = values_;
}

// Every cell output due at `time` is evaluated from the values just before it (so the order of
// evaluation does not matter), then all changes are applied and their loads scheduled. A change
// is charged with the driver arcs of the inputs whose changes scheduled this evaluation; lanes
// where none of them toggled (the output follows an input whose own arc is slower and is still
// pending) take the mean over all arcs, as in charge().
void Replayer::process_liberty_events(std::uint64_t time, std::uint64_t active, ReplayResult& result) {
  std::sort(due_.begin(), due_.end(), [](const Event& a, const Event& b) { return a.source < b.source; });
  changes_.clear();
  for (std::size_t first = 0; first < due_.size();) {
    std::size_t last = first;
    while (last < due_.size() && due_[last].source == due_[first].source) ++last;
    const std::uint32_t source = due_[first].source;
    if (source >= cell_outputs_.size()) {  // a flop output launching
      const std::size_t launch = source - cell_outputs_.size();
      const NetId net = launches_[launch].net;
      changes_.emplace_back(net, launch_values_[launch] ^ values_[net]);
      charge_net(net, changes_.back().second & active, event_related_, result);
    } else {
      const CellOutput& output = cell_outputs_[source];
      run_program(program_.data() + output.program_begin, program_.data() + output.program_end, values_.data(),
                  next_values_.data());
      const std::uint64_t changed = next_values_[output.net] ^ values_[output.net];
      if (changed != 0) {
        for (std::size_t e = first; e < last; ++e) event_related_[due_[e].trigger] |= due_[e].lanes;
        if (counted_[output.net] && (changed & active)) charge_net(output.net, changed & active, event_related_, result);
        for (std::size_t e = first; e < last; ++e) event_related_[due_[e].trigger] = 0;
        changes_.emplace_back(output.net, changed);
      }
    }
    first = last;
  }
  for (const auto& [net, changed] : changes_) {
    if (changed == 0) continue;
    values_[net] ^= changed;
    schedule_loads(net, changed, time);
  }
}

ReplayResult Replayer::run(const std::map<std::string, std::vector<std::uint64_t>>& inputs) {
  std::optional<std::size_t> cycles;
  for (const auto& [name, values] : inputs) {
    const Port* port = netlist_.find_input(name);
    if (!port) {
      std::string known;
      for (const Port& p : netlist_.inputs()) known += (known.empty() ? "" : ", ") + p.name;
      throw InputError("replay inputs: port '" + name + "' is not an input of '" + netlist_.top() +
                       "' (inputs: " + known + ")");
    }
    if (name == options_.clock_port || name == options_.reset_port) continue;
    if (cycles && *cycles != values.size()) {
      throw InputError("replay inputs: port '" + name + "': expected " + std::to_string(*cycles) +
                       " values like the other ports, got " + std::to_string(values.size()));
    }
    cycles = values.size();
    bound_inputs_.push_back({&values, port->bits});
  }
  for (const Port& port : netlist_.inputs()) {
    if (port.name == options_.clock_port) continue;
    if (port.name == options_.reset_port) {
      for (NetId net : port.bits) values_[net] = options_.reset_active_low ? ~std::uint64_t{0} : 0;
      continue;
    }
    if (!inputs.count(port.name)) {
      throw InputError("replay inputs: input port '" + port.name + "' of '" + netlist_.top() +
                       "' has no values");
    }
  }
  const std::size_t total = cycles.value_or(0);
  ReplayResult result;
  result.cycles = total;
  result.toggles_per_net.assign(netlist_.net_count(), 0);
  result.high_cycles_per_net.assign(netlist_.net_count(), 0);
  if (options_.per_cycle_energy) result.energy_per_cycle_pj.assign(total, 0.0);
  for (const Port& port : netlist_.outputs()) result.outputs[port.name].assign(total, 0);
  for (const Port& port : netlist_.outputs()) bound_outputs_.push_back({&port, &result.outputs[port.name]});
  for (std::size_t lane = 0, start = 0; lane < kLanes; ++lane) {
    segment_length_[lane] = total / kLanes + (lane < total % kLanes ? 1 : 0);
    segment_start_[lane] = start;
    start += segment_length_[lane];
  }
  toggle_words_.assign(netlist_.net_count(), 0);
  previous_toggle_words_.assign(netlist_.net_count(), 0);
  flop_state_.assign(flops_.size(), 0);
  for (std::size_t back = total > 0 ? std::max<std::size_t>(options_.priming_vectors, 1) : 0; back > 0; --back) {
    settle_flop_outputs();
    apply_inputs(0, back);
    evaluate_and_count(0, 0, false, result);
    capture_flops();
  }
  for (std::size_t step = 0; step < segment_length_[0]; ++step) {
    std::uint64_t active = 0;
    for (std::size_t lane = 0; lane < kLanes; ++lane) {
      if (step < segment_length_[lane]) active |= std::uint64_t{1} << lane;
    }
    settle_flop_outputs();
    apply_inputs(step, 0);
    evaluate_and_count(active, step, true, result);
    capture_flops();
  }

  EnergyBreakdown& energy = result.energy;
  for (NetId net = 0; net < netlist_.net_count(); ++net) {
    const NetEnergy& net_energy = net_energy_[net];
    std::uint64_t toggles = result.toggles_per_net[net];
    result.net_toggles += toggles;
    energy.switching_pj += static_cast<double>(toggles) * net_energy.switching_pj;
    energy.internal_pj += static_cast<double>(toggles) * net_energy.load_internal_pj;
  }
  for (std::size_t i = 0; i < pattern_count_.size(); ++i) {
    energy.internal_pj += static_cast<double>(pattern_count_[i]) * pattern_energy_pj_[i];
  }
  energy.clock_pj = clock_pj_per_cycle_ * static_cast<double>(total);
  // nW × ns = 1e-18 J = 1e-6 pJ
  energy.leakage_pj = leakage_nw_ * static_cast<double>(total) * options_.clock_period_ns * 1e-6;
  return result;
}

}  // namespace

std::string to_string(DelayModel delays) {
  switch (delays) {
    case DelayModel::zero: return "zero";
    case DelayModel::unit: return "unit";
    case DelayModel::liberty: return "liberty";
  }
  return "zero";
}

DelayModel delay_model_named(const std::string& name, const std::string& where) {
  for (DelayModel delays : {DelayModel::zero, DelayModel::unit, DelayModel::liberty}) {
    if (to_string(delays) == name) return delays;
  }
  throw InputError(where + ": --delays '" + name + "': expected zero, unit or liberty");
}

double default_input_transition_ns(const GateNetlist& netlist) {
  double best = 0.0;
  for (const CellType& type : netlist.cell_types()) {
    for (const liberty::Pin& pin : type.cell.pins) {
      if (pin.direction == PinDirection::input) continue;
      for (const liberty::InternalPower& power : pin.internal_power) {
        for (const auto* table : {&power.rise_power, &power.fall_power}) {
          if (!*table) continue;
          for (double breakpoint : (*table)->input_transition_ns) {
            if (breakpoint >= 0.05 && (best == 0.0 || breakpoint < best)) best = breakpoint;
          }
        }
      }
    }
  }
  return best == 0.0 ? 0.05 : best;
}

ReplayResult replay(const GateNetlist& netlist,
                    const std::map<std::string, std::vector<std::uint64_t>>& inputs_per_port,
                    const ReplayOptions& options) {
  if (!(options.clock_period_ns > 0.0)) {
    throw ConfigError("replay: clock_period_ns must be positive, got " + std::to_string(options.clock_period_ns));
  }
  Replayer replayer(netlist, options);
  return replayer.run(inputs_per_port);
}

}  // namespace tessera::traces::gate
