// The approximate multiplier selected by parameters (numbers from hw/common/hw_params.def):
//   MulKind = MulKindExact | MulKindTrunc (MulP0 = k) | MulKindBam (MulP0 = h, MulP1 = v)
//           | MulKindDrum (MulP0 = k) | MulKindMitchell      (all in tessera_hw_pkg).
// Port A is the activation, port B the weight (project convention: several designs are not
// commutative).
module tessera_mul8s #(
  parameter int unsigned MulKind = tessera_hw_pkg::MulKindExact,
  parameter int unsigned MulP0   = 0,
  parameter int unsigned MulP1   = 0
) (
  input  logic [7:0]  a_i,
  input  logic [7:0]  b_i,
  output logic [15:0] p_o
);
  if (MulKind == tessera_hw_pkg::MulKindTrunc) begin : g_trunc
    tessera_mul8s_trunc #(.K(MulP0)) u_mul (.a_i, .b_i, .p_o);
  end else if (MulKind == tessera_hw_pkg::MulKindBam) begin : g_bam
    tessera_mul8s_bam #(.H(MulP0), .V(MulP1)) u_mul (.a_i, .b_i, .p_o);
  end else if (MulKind == tessera_hw_pkg::MulKindDrum) begin : g_drum
    tessera_mul8s_drum #(.K(MulP0)) u_mul (.a_i, .b_i, .p_o);
  end else if (MulKind == tessera_hw_pkg::MulKindMitchell) begin : g_mitchell
    tessera_mul8s_mitchell u_mul (.a_i, .b_i, .p_o);
  end else begin : g_exact
    // MulKindExact (any unknown kind is rejected by the C++ side before it gets here).
    tessera_mul8s_exact u_mul (.a_i, .b_i, .p_o);
  end
endmodule
