#pragma once
// A network whose mapped nodes run on emulated units, on top of the executor's door
// (set_kernel + run_reference). Builds one units::EmulatedOp per mapped node of a MappingResult
// and installs one kernel per mapped node that does what the current mode says:
//
//   reference    FP32 (run_reference), the unit untouched
//   calibrate    op.calibrate(inputs) on the FP32 network's activations, output FP32
//   emulate      op.run(inputs); with the shadow on, also run_reference(node, inputs) on the SAME
//                inputs and a LayerOutputs record: the unit's own error on the emulated network's
//                activations. The propagated error (everything upstream included) compares
//                `emulated` with the FP32 network's output of the node, which run_local records.
//   record       FP32 output, and the node's FP32 inputs and outputs kept for local comparison
//
// Local error (node fed FP32 inputs from an FP32 run): run_local() runs the FP32 network once in
// record mode, then every op on its recorded FP32 inputs; reference = the FP32 run's output.
// Propagated error: run_with_shadow(). Optical ops advance their noise counter on every run, so
// run_local's op calls shift the draws of later runs (deterministic, but order-dependent).
//
// The executor must outlive this object; its graph is where the ops' constants come from.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/mapping/rules.h"
#include "sim/runtime/executor.h"
#include "sim/units/emulated_op.h"

namespace tessera::mapping {

struct LayerOutputs {
  std::string node;
  std::size_t node_index = 0;
  units::UnitKind kind = units::UnitKind::fp32;
  std::vector<graph::Tensor> emulated;   // the unit's outputs
  std::vector<graph::Tensor> reference;  // FP32 outputs of the same inputs
  std::uint64_t macs = 0;                // of this run
  units::EmulatedOp::GemmWork work;      // the GEMMs of this run, for the hardware models
};

// Called in emulate mode with the shadow on, for every mapped node run.
using LayerCallback = std::function<void(const graph::Node& node, const runtime::TensorRefs& inputs,
                                         const LayerOutputs& outputs)>;

class EmulatedNetwork {
 public:
  enum class Mode { reference, calibrate, emulate, record };

  // Creates the ops of every mapped node (mapping.nodes[i].mapped) and installs their kernels.
  EmulatedNetwork(runtime::Executor& executor, const MappingResult& mapping);
  ~EmulatedNetwork();
  EmulatedNetwork(const EmulatedNetwork&) = delete;
  EmulatedNetwork& operator=(const EmulatedNetwork&) = delete;

  runtime::Executor& executor() { return executor_; }
  std::vector<std::string> mapped_nodes() const;       // in graph order
  units::EmulatedOp& op(const std::string& node_name);  // ConfigError for an unmapped name
  bool calibrated() const;                              // every op

  void set_mode(Mode mode);
  Mode mode() const;
  // Shadow in emulate mode: record LayerOutputs of every mapped node (and call the callback).
  void set_shadow(bool on);
  void set_layer_callback(LayerCallback callback);

  // Runs the FP32 network on every batch with the ops observing their inputs, then finishes
  // calibration. Leaves the mode at emulate.
  void calibrate(const std::vector<runtime::TensorMap>& batches);
  // The emulated network (mode emulate, shadow as set).
  runtime::TensorMap run(const runtime::TensorMap& inputs);
  // The FP32 network (mode reference).
  runtime::TensorMap run_reference(const runtime::TensorMap& inputs);

  struct ShadowRun {
    runtime::TensorMap outputs;          // the network's outputs (emulated, or FP32 for run_local)
    std::vector<LayerOutputs> layers;    // one per mapped node run, in execution order
  };
  // The emulated network with the FP32 shadow of every mapped node (see emulate above).
  ShadowRun run_with_shadow(const runtime::TensorMap& inputs);
  // Local: the FP32 network, then every op on its recorded FP32 inputs.
  ShadowRun run_local(const runtime::TensorMap& inputs);

  // Mapped nodes whose unit failed at run time (an error other than being uncalibrated): they ran
  // FP32 from then on for the failing inputs; node -> the first failure's message.
  const std::map<std::string, std::string>& runtime_fallbacks() const;

  struct State;  // opaque, shared with the installed kernels

 private:
  runtime::Executor& executor_;
  std::shared_ptr<State> state_;
};

}  // namespace tessera::mapping
