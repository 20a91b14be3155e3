#pragma once
// Runs a graph (sim/graph) node by node in topological order. By default every node runs its FP32
// reference kernel (golden/ref for heavy ops). The door for emulated hardware:
//   - set_kernel(node_name, fn) replaces how one node is computed (a mapped Conv/Gemm/MatMul on an
//     emulated unit); inside, run_reference(node, inputs) gives its FP32 shadow;
//   - set_kernel_resolver(fn) decides per node (mapping rules by op type / name / regex);
//   - observers see every node's inputs and outputs (calibration, per-layer error tallies).
// Batches: a graph whose inputs have a symbolic leading extent takes any N at once; run_batched
// also splits N images into chunks when the model was exported with a fixed batch.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/graph/ir.h"
#include "sim/runtime/kernel.h"

namespace tessera::runtime {

using TensorMap = std::map<std::string, Tensor>;

struct NodeEvent {
  const Node& node;
  std::size_t index;                  // position in graph().nodes
  const TensorRefs& inputs;           // nullptr for absent optional inputs
  const std::vector<Tensor>& outputs; // one per node output
};
using Observer = std::function<void(const NodeEvent&)>;
// Returns the kernel for a node, or an empty function for "use the reference kernel".
using KernelResolver = std::function<KernelFn(const Node&)>;

struct ExecutorOptions {
  // Check every node's outputs against the graph's static types (dtype, known extents) and
  // throw StateError naming the node on a difference (catches a wrong override).
  bool check_types = true;
};

class Executor {
 public:
  // Validates the graph (every op has a reference kernel; types inferred if missing).
  explicit Executor(graph::Graph graph, ExecutorOptions options = {});

  const graph::Graph& graph() const { return graph_; }

  // Replaces the kernel of the node named `node_name`; throws ConfigError for an unknown name.
  void set_kernel(const std::string& node_name, KernelFn kernel);
  void clear_kernel(const std::string& node_name);
  void set_kernel_resolver(KernelResolver resolver) { resolver_ = std::move(resolver); }
  void add_observer(Observer observer) { observers_.push_back(std::move(observer)); }
  void clear_observers() { observers_.clear(); }

  // Runs once. `inputs` must name every graph input; dtypes and known extents are checked
  // (InputError naming the input). Returns the graph outputs by name.
  TensorMap run(const TensorMap& inputs) const;
  // Runs the images of the leading axis in chunks: of the model's fixed batch extent when it has
  // one, else of `max_batch` (0 = all at once); outputs are concatenated along axis 0.
  TensorMap run_batched(const TensorMap& inputs, std::size_t max_batch = 0) const;
  // Convenience for single-input, single-output graphs.
  Tensor run1(Tensor input, std::size_t max_batch = 0) const;

 private:
  graph::Graph graph_;
  ExecutorOptions options_;
  std::vector<const KernelFn*> reference_;  // per node
  std::map<std::string, KernelFn> overrides_;
  KernelResolver resolver_;
  std::vector<Observer> observers_;
  std::vector<std::vector<std::string>> release_after_;  // values dead after node i
};

}  // namespace tessera::runtime
