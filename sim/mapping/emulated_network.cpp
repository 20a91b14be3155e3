#include "sim/mapping/emulated_network.h"

#include <optional>

#include "golden/common/error.h"

namespace tessera::mapping {

struct EmulatedNetwork::State {
  struct Entry {
    std::shared_ptr<units::EmulatedOp> op;
    std::size_t node_index = 0;
  };
  std::map<std::string, Entry> ops;
  std::vector<std::string> order;
  Mode mode = Mode::emulate;
  bool shadow = false;
  LayerCallback callback;
  std::vector<LayerOutputs> layers;  // shadow records of the current run
  struct Recorded {
    std::vector<graph::Tensor> inputs;  // copies (absent inputs: empty tensor + flag)
    std::vector<bool> present;
    std::vector<graph::Tensor> outputs;
  };
  std::map<std::string, Recorded> recorded;
  std::map<std::string, std::string> runtime_fallbacks;  // node -> why it ran FP32 (first failure)
};

namespace {

// The unit's outputs, or nothing when its computation failed: the node then runs FP32 and the
// failure is recorded for the report. Running uncalibrated (StateError) is the user's mistake,
// not a fallback, and stays an error.
std::optional<std::vector<graph::Tensor>> run_or_record_failure(EmulatedNetwork::State& s, const std::string& name,
                                                                units::EmulatedOp& op,
                                                                const runtime::TensorRefs& inputs) {
  try {
    return op.run(inputs);
  } catch (const StateError&) {
    throw;
  } catch (const Error& e) {
    s.runtime_fallbacks.emplace(name, std::string("the unit failed, ran FP32: ") + e.what());
    return std::nullopt;
  }
}

std::vector<graph::Tensor> kernel_body(EmulatedNetwork::State& s, const std::string& name, const graph::Node& node,
                                       const runtime::TensorRefs& inputs) {
  auto& entry = s.ops.at(name);
  units::EmulatedOp& op = *entry.op;
  switch (s.mode) {
    case EmulatedNetwork::Mode::reference: return runtime::run_reference(node, inputs);
    case EmulatedNetwork::Mode::calibrate:
      op.calibrate(inputs);
      return runtime::run_reference(node, inputs);
    case EmulatedNetwork::Mode::record: {
      std::vector<graph::Tensor> out = runtime::run_reference(node, inputs);
      EmulatedNetwork::State::Recorded r;
      for (const graph::Tensor* t : inputs) {
        r.present.push_back(t != nullptr);
        r.inputs.push_back(t != nullptr ? *t : graph::Tensor());
      }
      r.outputs = out;
      s.recorded[name] = std::move(r);
      return out;
    }
    case EmulatedNetwork::Mode::emulate: {
      std::optional<std::vector<graph::Tensor>> emulated = run_or_record_failure(s, name, op, inputs);
      if (!emulated) return runtime::run_reference(node, inputs);
      std::vector<graph::Tensor> out = std::move(*emulated);
      if (s.shadow) {
        LayerOutputs layer;
        layer.node = name;
        layer.node_index = entry.node_index;
        layer.kind = op.kind();
        layer.emulated = out;
        layer.reference = runtime::run_reference(node, inputs);
        layer.macs = op.last_macs();
        layer.work = op.last_work();
        if (s.callback) s.callback(node, inputs, layer);
        s.layers.push_back(std::move(layer));
      }
      return out;
    }
  }
  return runtime::run_reference(node, inputs);
}

}  // namespace

EmulatedNetwork::EmulatedNetwork(runtime::Executor& executor, const MappingResult& mapping)
    : executor_(executor), state_(std::make_shared<State>()) {
  const graph::Graph& graph = executor_.graph();
  const units::ConstantLookup constants = units::graph_constants(graph);
  for (const NodeMapping& m : mapping.nodes) {
    if (!m.mapped) continue;
    const graph::Node* node = graph.find_node(m.node);
    if (node == nullptr) throw ConfigError("mapping names node '" + m.node + "', which the executor's graph lacks");
    State::Entry entry;
    entry.op = units::make_emulated_op(*node, constants, m.requested, m.unit_id);
    entry.node_index = m.node_index;
    state_->ops.emplace(m.node, std::move(entry));
    state_->order.push_back(m.node);
  }
  for (const std::string& name : state_->order) {
    std::weak_ptr<State> weak = state_;
    executor_.set_kernel(name, [weak, name](const graph::Node& node, const runtime::TensorRefs& inputs) {
      const std::shared_ptr<State> s = weak.lock();
      if (!s) return runtime::run_reference(node, inputs);  // the network is gone: FP32
      return kernel_body(*s, name, node, inputs);
    });
  }
}

EmulatedNetwork::~EmulatedNetwork() {
  for (const std::string& name : state_->order) {
    try {
      executor_.clear_kernel(name);
    } catch (...) {
    }
  }
}

std::vector<std::string> EmulatedNetwork::mapped_nodes() const { return state_->order; }

units::EmulatedOp& EmulatedNetwork::op(const std::string& node_name) {
  const auto it = state_->ops.find(node_name);
  if (it == state_->ops.end()) throw ConfigError("node '" + node_name + "' is not mapped to an emulated unit");
  return *it->second.op;
}

bool EmulatedNetwork::calibrated() const {
  for (const auto& [name, entry] : state_->ops) {
    if (!entry.op->calibrated()) return false;
  }
  return true;
}

void EmulatedNetwork::set_mode(Mode mode) { state_->mode = mode; }
EmulatedNetwork::Mode EmulatedNetwork::mode() const { return state_->mode; }
void EmulatedNetwork::set_shadow(bool on) { state_->shadow = on; }
void EmulatedNetwork::set_layer_callback(LayerCallback callback) { state_->callback = std::move(callback); }

void EmulatedNetwork::calibrate(const std::vector<runtime::TensorMap>& batches) {
  if (batches.empty()) throw InputError("calibration needs at least one batch");
  state_->mode = Mode::calibrate;
  try {
    for (const runtime::TensorMap& batch : batches) executor_.run(batch);
  } catch (...) {
    state_->mode = Mode::emulate;
    throw;
  }
  state_->mode = Mode::emulate;
  for (const std::string& name : state_->order) state_->ops.at(name).op->finish_calibration();
}

runtime::TensorMap EmulatedNetwork::run(const runtime::TensorMap& inputs) {
  state_->mode = Mode::emulate;
  state_->layers.clear();
  return executor_.run(inputs);
}

runtime::TensorMap EmulatedNetwork::run_reference(const runtime::TensorMap& inputs) {
  const Mode saved = state_->mode;
  state_->mode = Mode::reference;
  runtime::TensorMap out;
  try {
    out = executor_.run(inputs);
  } catch (...) {
    state_->mode = saved;
    throw;
  }
  state_->mode = saved;
  return out;
}

EmulatedNetwork::ShadowRun EmulatedNetwork::run_with_shadow(const runtime::TensorMap& inputs) {
  const bool saved = state_->shadow;
  state_->shadow = true;
  ShadowRun result;
  try {
    result.outputs = run(inputs);
  } catch (...) {
    state_->shadow = saved;
    throw;
  }
  state_->shadow = saved;
  result.layers = std::move(state_->layers);
  state_->layers.clear();
  return result;
}

EmulatedNetwork::ShadowRun EmulatedNetwork::run_local(const runtime::TensorMap& inputs) {
  state_->recorded.clear();
  state_->mode = Mode::record;
  ShadowRun result;
  try {
    result.outputs = executor_.run(inputs);
  } catch (...) {
    state_->mode = Mode::emulate;
    throw;
  }
  state_->mode = Mode::emulate;
  for (const std::string& name : state_->order) {
    const auto rec = state_->recorded.find(name);
    if (rec == state_->recorded.end()) continue;  // not reached (e.g. a branch not taken)
    runtime::TensorRefs refs;
    for (std::size_t i = 0; i < rec->second.inputs.size(); ++i) {
      refs.push_back(rec->second.present[i] ? &rec->second.inputs[i] : nullptr);
    }
    const State::Entry& entry = state_->ops.at(name);
    std::optional<std::vector<graph::Tensor>> emulated = run_or_record_failure(*state_, name, *entry.op, refs);
    if (!emulated) continue;
    LayerOutputs layer;
    layer.node = name;
    layer.node_index = entry.node_index;
    layer.kind = entry.op->kind();
    layer.emulated = std::move(*emulated);
    layer.reference = rec->second.outputs;
    layer.macs = entry.op->last_macs();
    layer.work = entry.op->last_work();
    if (state_->callback) {
      const graph::Node* node = executor_.graph().find_node(name);
      state_->callback(*node, refs, layer);
    }
    result.layers.push_back(std::move(layer));
  }
  state_->recorded.clear();
  return result;
}

const std::map<std::string, std::string>& EmulatedNetwork::runtime_fallbacks() const {
  return state_->runtime_fallbacks;
}

}  // namespace tessera::mapping
