// Modified Baugh-Wooley 8x8 signed multiplier that keeps a chosen subset of its 64 partial-product
// bits (golden/approx/designs.h, baugh_wooley_product):
//   p(i,j) = a_i & b_j, inverted when exactly one of i, j is 7 (the negatively weighted bits);
//   p_o    = (sum of kept p(i,j) * 2^(i+j) + 2^8 + 2^15) mod 2^16.
// exact, trunc<k> and bam_h<h>_v<v> are this array with different keep masks. Self-contained (no
// package import) so that sim/rtl can synthesise it as the exact reference.
module tessera_mul8s_bw #(
  parameter logic [63:0] KeepMask = {64{1'b1}}  // bit 8*j + i keeps p(i,j) (golden's row_mask[j] bit i)
) (
  input  logic [7:0]  a_i,  // activation, two's complement
  input  logic [7:0]  b_i,  // weight, two's complement
  output logic [15:0] p_o   // product (approximate), two's complement
);
  // Row j holds the kept bits of b_j's partial product, at columns j .. j+7.
  logic [7:0] pp [8];
  for (genvar j = 0; j < 8; j++) begin : g_row
    for (genvar i = 0; i < 8; i++) begin : g_bit
      if (!KeepMask[8*j+i]) begin : g_drop
        assign pp[j][i] = 1'b0;
      end else if ((i == 7) != (j == 7)) begin : g_neg
        assign pp[j][i] = ~(a_i[i] & b_i[j]);
      end else begin : g_pos
        assign pp[j][i] = a_i[i] & b_i[j];
      end
    end
  end

  // A mask that drops every partial product of an operand bit leaves that bit unconnected, which
  // is the point of the design; this signal (exempt by Verilator's *unused* rule) says so.
  logic unused_operand_bits;
  assign unused_operand_bits = ^{a_i, b_i};

  // The two constant ones of the modified form sit at columns 8 and 15.
  always_comb begin
    p_o = 16'h8100;
    for (int j = 0; j < 8; j++) begin
      p_o = p_o + (16'(pp[j]) << j);
    end
  end
endmodule
