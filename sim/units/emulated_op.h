#pragma once
// An emulated layer: one mapped node (Conv, Gemm, MatMul, or the fused ai.tessera FusedConv,
// FusedGemm, Linear) computed on an emulated arithmetic unit (approx, mx, optical) by calling the
// golden arithmetic directly: approx through golden/approx (approx_linear, approx_conv2d_layer),
// mx through golden/mx (quantize_rows + mx_gemm), optical through golden/optical (OpticalLinear,
// and optical_gemm for activation x activation products). Nothing here re-implements arithmetic:
// the op only reshapes operands (transposes, im2col) and adds nothing but what golden adds.
//
// Forms a node takes (analyze_node):
//   linear     Gemm (transB 0/1, alpha = beta = 1, C constant [N] or [1, N]), MatMul / Linear with
//              a constant 2-D second operand [K, N]: y = x . W^T (+ bias), x's leading axes rows.
//   conv       2-D Conv (NCHW), constant weight and bias. approx: approx_conv2d_layer (any groups);
//              mx, optical: im2col (im2col.h) + the unit's GEMM (groups = 1 only).
//   attention  MatMul whose second operand is not constant (Q.K^T, A.V): both operands are
//              activations; per batch slice, A_b (M x K) against B_b^T (N x K, the "weight" role:
//              port B for approx, weight_format for mx, the lut_min-floored modulator for optical).
//              approx calibrates both operands per tensor.
// A fused node's activation (attribute 'activation') is applied in FP32 after the unit, with the
// runtime's reference activation.
//
// Life cycle: calibrate(inputs) (any number of batches; the first call after construction or
// after finish_calibration starts a fresh calibration for approx, continues the running
// statistics for optical), finish_calibration(), then run(inputs). run() before calibration throws
// StateError "node 'X' (approx): not calibrated; run calibration first". mx needs no calibration
// (calibrate is a no-op); optical with q_bypass neither.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "golden/mx/tensor.h"
#include "golden/optical/matmul.h"
#include "sim/graph/ir.h"
#include "sim/runtime/kernel.h"
#include "sim/units/unit_config.h"

namespace tessera::units {

using graph::Node;
using graph::Tensor;
using runtime::TensorRefs;

// Finds the constant tensor of a value (an initializer or a Constant node's output); nullptr when
// the value is computed at run time.
using ConstantLookup = std::function<const Tensor*(const std::string& value)>;
// Initializers and Constant-node outputs of `graph` (which must outlive the lookup).
ConstantLookup graph_constants(const graph::Graph& graph);

struct Support {
  bool ok = false;
  std::string reason;  // why not, when !ok ("Conv with group = 2 is not supported on optical")
};

enum class OpForm { linear, conv, attention };
const char* op_form_name(OpForm form);

// Whether an op type is a compute op that units can take (Conv, Gemm, MatMul; ai.tessera
// FusedConv, FusedGemm, Linear). Everything else always runs in FP32.
bool is_compute_op(const Node& node);

// What a compute node is, with its constant operands in the layout the units take.
struct NodeAnalysis {
  Support support;
  OpForm form = OpForm::linear;
  std::string activation;          // fused activation ("" = none)
  // linear: weight N x K (row-major, transposed from [K, N] where needed); conv: as stored,
  // [Cout, Cin/groups, kh, kw]. Empty for attention.
  std::vector<float> weight;
  graph::Dims weight_dims;         // linear: {N, K}; conv: the 4 extents
  std::vector<float> bias;         // N / Cout values, or empty
};

// Static analysis of a node for a unit kind (shape/attribute checks that need no input data).
NodeAnalysis analyze_node(const Node& node, const ConstantLookup& constants, UnitKind kind);
// analyze_node(...).support.
Support supports(const Node& node, const ConstantLookup& constants, const UnitConfig& config);

// The integer GEMM an approx unit really computes: activation codes on multiplier port A
// (M x K, row-major), weight codes on port B (N x K, row-major), as its weight-stationary array
// consumes them (conv: after im2col, so row (n, oy, ox), column (ci, ky, kx); padding taps are
// code 0). What trace recording (sim/tracing) and activity-based energy read.
struct ApproxGemmOperands {
  const std::int8_t* activations = nullptr;
  const std::int8_t* weights = nullptr;
  std::size_t m = 0, n = 0, k = 0;
};
using ApproxOperandTap = std::function<void(const ApproxGemmOperands&)>;

// The MX GEMM an mx unit really computes: both operands quantized along K as its dot unit consumes
// them, block by block (element codes and E8M0 scale bytes, golden/mx/tensor.h): activations M x K
// (conv: after im2col; attention: one batch slice's A) and weights N x K (attention: B_b^T).
// C[m][n] is the sum over blocks j of the dot unit's result for (row m block j, row n block j).
struct MxGemmOperands {
  const mx::QuantizedRows* activations = nullptr;
  const mx::QuantizedRows* weights = nullptr;
};
using MxOperandTap = std::function<void(const MxGemmOperands&)>;

// The optical GEMM an optical unit really computes (golden/optical/matmul.h optical_gemm): FP32
// activations x (M x K, row-major; conv: after im2col; attention: one batch slice's A) into the
// input DACs, FP32 weights w (N x K; attention: B_b^T) into the weight modulators, with the
// calibrated specification and the call's key. Only non-bypass calls are tapped.
struct OpticalGemmOperands {
  const float* x = nullptr;
  const float* w = nullptr;
  std::size_t m = 0, k = 0, n = 0;
  const optical::OpticalGemmSpec* spec = nullptr;
  optical::CallKey key;
};
using OpticalOperandTap = std::function<void(const OpticalGemmOperands&)>;

class EmulatedOp {
 public:
  virtual ~EmulatedOp() = default;

  const Node& node() const { return node_; }
  const UnitConfig& config() const { return config_; }
  UnitKind kind() const { return config_.kind; }
  OpForm form() const { return analysis_.form; }
  std::uint32_t unit_id() const { return unit_id_; }
  // "approx mul8s_1L2H, per-channel weights, percentile 99.99" (+ the form for attention).
  std::string description() const;

  // Observes one batch of the node's inputs (FP32 activations). mx: no-op.
  void calibrate(const TensorRefs& inputs);
  // Freezes the statistics. StateError when the unit needs calibration and saw no batch.
  void finish_calibration();
  bool needs_calibration() const;
  bool calibrated() const;
  bool calibrating() const { return calibrating_; }
  std::size_t calibration_batches() const { return calibration_batches_; }

  // The node's outputs computed on the unit. StateError when uncalibrated or mid-calibration;
  // golden errors are re-thrown with the node named.
  std::vector<Tensor> run(const TensorRefs& inputs);

  // The GEMMs one run on inputs of these shapes is: `count` independent M x K x N products
  // (conv: one per group, M = images * output pixels; attention: one per batch/head slice).
  // What the hardware models price.
  struct GemmWork {
    std::uint64_t count = 0, m = 0, k = 0, n = 0;
    std::uint64_t macs() const { return count * m * k * n; }
  };
  GemmWork work(const TensorRefs& inputs) const;
  const GemmWork& last_work() const { return last_work_; }
  // MACs of one run on inputs of these shapes (multiply-accumulates of the unit's GEMM/conv).
  std::uint64_t macs(const TensorRefs& inputs) const { return work(inputs).macs(); }
  std::uint64_t last_macs() const { return last_work_.macs(); }
  std::uint64_t total_macs() const { return total_macs_; }
  std::uint64_t runs() const { return runs_; }

  // Taps are called, in the order added, with every integer GEMM an approx op computes (grouped
  // convolutions excepted: their groups are separate GEMMs the taps do not see). Other kinds never
  // call them.
  void add_approx_operand_tap(ApproxOperandTap tap) { approx_operand_taps_.push_back(std::move(tap)); }
  // Taps called, in the order added, with every MX GEMM an mx op computes (attention: one per
  // batch slice). Other kinds never call them.
  void add_mx_operand_tap(MxOperandTap tap) { mx_operand_taps_.push_back(std::move(tap)); }
  // Taps called with every non-bypass optical GEMM an optical op computes (attention: one per
  // batch slice), before it is computed. Other kinds never call them.
  void add_optical_operand_tap(OpticalOperandTap tap) { optical_operand_taps_.push_back(std::move(tap)); }

 protected:
  EmulatedOp(const Node& node, NodeAnalysis analysis, UnitConfig config, std::uint32_t unit_id);

  // Unit-specific parts. `x` is input 0 (activation), `b` input 1 for attention.
  virtual void start_calibration() {}
  virtual void observe(const TensorRefs& inputs) = 0;
  virtual void freeze() {}
  virtual Tensor compute(const TensorRefs& inputs) = 0;  // before the fused activation

  [[noreturn]] void fail_state(const std::string& what) const;
  std::string prefix() const;  // "node 'X' (approx)"

  Node node_;
  NodeAnalysis analysis_;
  UnitConfig config_;
  std::uint32_t unit_id_;
  bool calibrating_ = false;
  bool calibrated_ = false;
  std::size_t calibration_batches_ = 0;
  GemmWork last_work_;
  std::uint64_t total_macs_ = 0, runs_ = 0;
  std::vector<ApproxOperandTap> approx_operand_taps_;
  void call_approx_operand_taps(const ApproxGemmOperands& operands) const {
    for (const ApproxOperandTap& tap : approx_operand_taps_) tap(operands);
  }
  std::vector<MxOperandTap> mx_operand_taps_;
  void call_mx_operand_taps(const MxGemmOperands& operands) const {
    for (const MxOperandTap& tap : mx_operand_taps_) tap(operands);
  }
  std::vector<OpticalOperandTap> optical_operand_taps_;
  void call_optical_operand_taps(const OpticalGemmOperands& operands) const {
    for (const OpticalOperandTap& tap : optical_operand_taps_) tap(operands);
  }
};

// Builds the op of `node` on the unit `config` (kind approx, mx or optical). `unit_id` must be
// unique in the network (optical: < 2^24; it keys the unit's random streams). Throws ConfigError
// naming the node with the reason when the unit does not support the node (check supports()
// first to fall back instead).
std::unique_ptr<EmulatedOp> make_emulated_op(const Node& node, const ConstantLookup& constants,
                                             const UnitConfig& config, std::uint32_t unit_id);

// The executor's door: a kernel that runs `op` (the op is shared; keep it alive through this).
runtime::KernelFn make_kernel(std::shared_ptr<EmulatedOp> op);

}  // namespace tessera::units
