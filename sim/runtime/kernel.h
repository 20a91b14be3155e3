#pragma once
// How a node is computed. A kernel takes the node (attributes, name) and its input tensors
// (nullptr for an absent optional input) and returns one tensor per node output. The FP32
// reference kernels — golden/ref for the heavy ops, simple loops for shape and elementwise ops —
// are looked up by (domain, op type); the executor lets a caller replace the kernel of any node
// (an emulated unit) and still call the reference one (its FP32 shadow).
#include <functional>
#include <string>
#include <vector>

#include "sim/graph/ir.h"

namespace tessera::runtime {

using graph::Node;
using graph::Tensor;
using TensorRefs = std::vector<const Tensor*>;
using KernelFn = std::function<std::vector<Tensor>(const Node&, const TensorRefs&)>;

// The reference kernel of a node's operator; throws ConfigError naming the node when there is none.
const KernelFn& reference_kernel(const Node& node);
// Whether a reference kernel exists for (domain, op_type).
bool has_reference_kernel(const std::string& domain, const std::string& op_type);
// Runs the reference kernel: the FP32 result of the node.
std::vector<Tensor> run_reference(const Node& node, const TensorRefs& inputs);

}  // namespace tessera::runtime
