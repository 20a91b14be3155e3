#include "sim/runtime/optimize.h"

#include "sim/graph/passes.h"
#include "sim/graph/shape_inference.h"
#include "sim/runtime/kernel.h"

namespace tessera::runtime {

std::string OptimizeReport::summary() const {
  return std::to_string(nodes_before) + " -> " + std::to_string(nodes_after) + " nodes (folded " +
         std::to_string(folded) + ", dead " + std::to_string(dead) + ", gelu " + std::to_string(gelu) + ", layer norm " + std::to_string(layer_norm) +
         ", bias " + std::to_string(bias) + ", activation " + std::to_string(activation) + ")";
}

OptimizeReport optimize(graph::Graph& graph, const OptimizeOptions& options) {
  OptimizeReport r;
  r.nodes_before = graph.nodes.size();
  graph::infer_shapes(graph);
  if (options.fold_constants) r.folded = graph::fold_constants(graph, run_reference);
  if (options.eliminate_dead_code) r.dead = graph::eliminate_dead_code(graph);
  if (options.fuse_gelu) r.gelu = graph::fuse_gelu(graph);
  if (options.fuse_layer_norm) r.layer_norm = graph::fuse_layer_norm(graph);
  if (options.fuse_bias) r.bias = graph::fuse_bias(graph);
  if (options.fuse_activation) r.activation = graph::fuse_activation(graph);
  graph::infer_shapes(graph);
  r.nodes_after = graph.nodes.size();
  return r;
}

}  // namespace tessera::runtime
