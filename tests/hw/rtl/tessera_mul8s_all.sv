// Test top: every parametric multiplier of hw/approx side by side on the same operands, so one
// verilated model and one sweep of the 65,536 operand pairs check them all against golden.
// Every instance goes through the tessera_mul8s selector (as the PE instantiates it).
module tessera_mul8s_all (
  input  logic [7:0]  a_i,
  input  logic [7:0]  b_i,
  output logic [15:0] exact_o,
  output logic [15:0] trunc_o    [8],     // trunc<k>, k = 0..7
  output logic [15:0] bam_o      [8][8],  // bam_h<h>_v<v>, h = 0..7, v = 0..7
  output logic [15:0] drum_o     [6],     // drum<k>, k = 3..8 (index k - 3)
  output logic [15:0] mitchell_o
);
  tessera_mul8s #(.MulKind(tessera_hw_pkg::MulKindExact)) u_exact (.a_i, .b_i, .p_o(exact_o));
  for (genvar k = 0; k <= 7; k++) begin : g_trunc
    tessera_mul8s #(.MulKind(tessera_hw_pkg::MulKindTrunc), .MulP0(k)) u_mul (.a_i, .b_i, .p_o(trunc_o[k]));
  end
  for (genvar h = 0; h <= 7; h++) begin : g_bam_h
    for (genvar v = 0; v <= 7; v++) begin : g_bam_v
      tessera_mul8s #(.MulKind(tessera_hw_pkg::MulKindBam), .MulP0(h), .MulP1(v)) u_mul (
        .a_i, .b_i, .p_o(bam_o[h][v])
      );
    end
  end
  for (genvar k = 3; k <= 8; k++) begin : g_drum
    tessera_mul8s #(.MulKind(tessera_hw_pkg::MulKindDrum), .MulP0(k)) u_mul (.a_i, .b_i, .p_o(drum_o[k-3]));
  end
  tessera_mul8s #(.MulKind(tessera_hw_pkg::MulKindMitchell)) u_mitchell (.a_i, .b_i, .p_o(mitchell_o));
endmodule
