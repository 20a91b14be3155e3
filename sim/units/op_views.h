#pragma once
// Internal to sim/units: how the unit implementations see a node's runtime operands, and the
// factories of the three unit families (approx_op.cpp, mx_op.cpp, optical_op.cpp).
#include <cstddef>
#include <memory>
#include <vector>

#include "sim/units/emulated_op.h"

namespace tessera::units::detail {

// Input i, present and float32; InputError naming the node otherwise.
const Tensor& float_input(const Node& node, const TensorRefs& inputs, std::size_t i);

// A linear form's activation: rows x k, output extents (x's leading axes, then n).
struct LinearView {
  const float* x = nullptr;
  std::size_t rows = 0, k = 0, n = 0;
  graph::Dims out_dims;
};
LinearView linear_view(const Node& node, const Tensor& x, std::size_t n, std::size_t k);

// An attention form's operands: a [..., M, K], b [..., K, N] (b's batch 1 broadcasts).
struct AttentionView {
  const float* a = nullptr;
  const float* b = nullptr;
  std::size_t batch = 1, m = 0, k = 0, n = 0;
  bool b_broadcast = false;  // b has a single slice used by every batch slice
  graph::Dims out_dims;
  const float* a_slice(std::size_t i) const { return a + i * m * k; }
  const float* b_slice(std::size_t i) const { return b + (b_broadcast ? 0 : i) * k * n; }
};
AttentionView attention_view(const Node& node, const Tensor& a, const Tensor& b);

// Row-major rows x cols -> cols x rows.
std::vector<float> transposed(const float* m, std::size_t rows, std::size_t cols);

std::unique_ptr<EmulatedOp> make_approx_op(const Node& node, NodeAnalysis analysis, const UnitConfig& config,
                                           std::uint32_t unit_id);
std::unique_ptr<EmulatedOp> make_mx_op(const Node& node, NodeAnalysis analysis, const UnitConfig& config,
                                       std::uint32_t unit_id);
std::unique_ptr<EmulatedOp> make_optical_op(const Node& node, NodeAnalysis analysis, const UnitConfig& config,
                                            std::uint32_t unit_id);

// Gives the unit implementations access to EmulatedOp's protected constructor.
class OpBase : public EmulatedOp {
 protected:
  using EmulatedOp::EmulatedOp;
};

}  // namespace tessera::units::detail
