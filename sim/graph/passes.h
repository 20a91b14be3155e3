#pragma once
// Graph passes that pay for themselves; each returns how many nodes it removed or rewrote, and
// each is tested to shrink the graph and keep the outputs (bit-for-bit unless stated).
//   fold_constants        nodes whose inputs are all constants become initializers (bit-exact:
//                         the same kernels compute them once instead of every run)
//   eliminate_dead_code   nodes nothing reads, Identity / inference Dropout, unused initializers
//   fuse_gelu             the exported erf form of GELU (Div √2 → Erf → Add 1 → Mul x → Mul ½)
//                         → one ai.tessera.Gelu node (golden/ref gelu, evaluated in double:
//                         differs from the float decomposition by a few float ulps)
//   fuse_layer_norm       the decomposed layer norm of opset < 17 exports (ReduceMean → Sub →
//                         Pow 2 → ReduceMean → Add ε → Sqrt → Div [→ Mul γ → Add β]) → one
//                         LayerNormalization (golden/ref layer_norm, statistics in double:
//                         within ~1e-6 relative of the float decomposition)
//   fuse_bias             MatMul(x, W) + b with constant W [K, N] and b [N] → ai.tessera.Linear
//                         (bit-exact: the same product, then the same float add)
//   fuse_activation       Conv / Gemm / Linear / MatMul followed by Relu or Gelu → one node with
//                         attribute 'activation' (ai.tessera.FusedConv / FusedGemm / Linear;
//                         bit-exact)
// A fused node keeps the name of its main (Conv/Gemm/MatMul) node, so mapping rules and tallies
// keyed on layer names still find it; Node::fused_from lists the nodes merged into it.
#include <cstddef>
#include <functional>
#include <vector>

#include "sim/graph/ir.h"

namespace tessera::graph {

// Computes a node's outputs from its inputs (the runtime's reference kernels; see
// sim/runtime/optimize.h, which wires them in).
using NodeEvaluator = std::function<std::vector<Tensor>(const Node&, const std::vector<const Tensor*>&)>;

struct FoldOptions {
  std::size_t max_elements = std::size_t{1} << 22;  // never materialise a larger constant
};

std::size_t fold_constants(Graph& graph, const NodeEvaluator& evaluate, const FoldOptions& options = {});
std::size_t eliminate_dead_code(Graph& graph);
std::size_t fuse_gelu(Graph& graph);
std::size_t fuse_layer_norm(Graph& graph);
std::size_t fuse_bias(Graph& graph);
std::size_t fuse_activation(Graph& graph);

}  // namespace tessera::graph
