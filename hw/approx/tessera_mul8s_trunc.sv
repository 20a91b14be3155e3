// trunc<k>: truncated partial-product multiplier without compensation; the k least significant
// columns of the Baugh-Wooley array are not built (golden truncated_array). K in [0, 7].
module tessera_mul8s_trunc #(
  parameter int unsigned K = 4
) (
  input  logic [7:0]  a_i,
  input  logic [7:0]  b_i,
  output logic [15:0] p_o
);
  tessera_mul8s_bw #(.KeepMask(tessera_approx_pkg::trunc_keep_mask(K))) u_array (.a_i, .b_i, .p_o);
endmodule
