// Exact 8x8 signed multiplier: the Baugh-Wooley array with every partial-product bit kept.
// Also the exact reference sim/rtl synthesises next to a user's circuit (ports A, B, O there are
// provided by a thin wrapper it generates).
module tessera_mul8s_exact (
  input  logic [7:0]  a_i,
  input  logic [7:0]  b_i,
  output logic [15:0] p_o
);
  tessera_mul8s_bw #(.KeepMask({64{1'b1}})) u_array (.a_i, .b_i, .p_o);
endmodule
