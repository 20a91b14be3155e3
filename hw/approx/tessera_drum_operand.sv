// One operand of DRUM<k> (golden drum_product): from magnitude m (0..128) keep the K bits from the
// leading one down, force the lowest kept bit to 1 and report how far they were shifted.
//   m < 2^K:  mant_o = m,                         shift_o = 0
//   else:     s = lead(m) - K + 1, mant_o = (m >> s) | 1, shift_o = s      (m' = mant_o << shift_o)
module tessera_drum_operand #(
  parameter int unsigned K = 4
) (
  input  logic [7:0]   mag_i,
  output logic [K-1:0] mant_o,
  output logic [2:0]   shift_o
);
  logic [2:0] lead;
  assign lead = tessera_approx_pkg::leading_one(mag_i);
  always_comb begin
    if (K >= 8 || mag_i < 8'(1 << K)) begin
      shift_o = 3'd0;
      mant_o  = mag_i[K-1:0];
    end else begin
      shift_o = 3'(lead - 3'(K - 1));
      // After the shift the leading one sits at bit K-1: the upper bits are zero.
      mant_o  = K'(mag_i >> shift_o) | K'(1);
    end
  end
endmodule
