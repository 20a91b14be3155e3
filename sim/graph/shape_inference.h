#pragma once
// Static shape and dtype inference over the graph, with our own rules per supported operator
// (op_schema.h). Extents that depend on runtime data or on a symbolic input extent (the batch)
// are -1. Where the file declared a type for a value (graph outputs, value_info), the inferred
// type must agree with it: a mismatch is an InputError naming the file, the value and the node.
#include "sim/graph/ir.h"

namespace tessera::graph {

// Fills graph.value_types for every node output (declared knowledge fills unknown extents).
// Throws InputError on an operator whose rules reject its inputs, or on a declared/inferred
// mismatch. Call after validate() (every op supported, every value defined).
void infer_shapes(Graph& graph);

// The value of a Constant node (attributes value / value_float(s) / value_int(s)).
Tensor constant_node_value(const Node& node);

}  // namespace tessera::graph
