// bam_h<h>_v<v>: broken-array multiplier (Mahdiani et al., TCAS-I 2010) on the Baugh-Wooley array:
// outside the sign column (i = 7), the H lowest partial-product rows (b_0 .. b_{H-1}) and the V
// lowest columns are not built (golden broken_array). H in [0, 7], V in [0, 7].
module tessera_mul8s_bam #(
  parameter int unsigned H = 1,
  parameter int unsigned V = 4
) (
  input  logic [7:0]  a_i,
  input  logic [7:0]  b_i,
  output logic [15:0] p_o
);
  tessera_mul8s_bw #(.KeepMask(tessera_approx_pkg::bam_keep_mask(H, V))) u_array (.a_i, .b_i, .p_o);
endmodule
