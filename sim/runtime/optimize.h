#pragma once
// The standard pass pipeline (sim/graph/passes.h) with the runtime's reference kernels as the
// constant-folding evaluator, followed by fresh shape inference.
#include <cstddef>
#include <string>

#include "sim/graph/ir.h"

namespace tessera::runtime {

struct OptimizeOptions {
  bool fold_constants = true;
  bool eliminate_dead_code = true;
  bool fuse_gelu = true;        // within a few float ulps, not bit-exact (see passes.h)
  bool fuse_layer_norm = true;  // within ~1e-6 relative, not bit-exact (see passes.h)
  bool fuse_bias = true;
  bool fuse_activation = true;
};

struct OptimizeReport {
  std::size_t nodes_before = 0, nodes_after = 0;
  std::size_t folded = 0, dead = 0, gelu = 0, layer_norm = 0, bias = 0, activation = 0;
  std::string summary() const;  // "42 → 17 nodes (folded 20, dead 1, gelu 2, layer norm 0, bias 4, activation 3)"
};

OptimizeReport optimize(graph::Graph& graph, const OptimizeOptions& options = {});

}  // namespace tessera::runtime
