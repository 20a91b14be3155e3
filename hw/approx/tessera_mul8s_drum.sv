// drum<k>: DRUM (Hashemi, Bahar, Reda, ICCAD 2015) on a sign-magnitude wrapper (golden
// drum_product): both magnitudes go through tessera_drum_operand, a K x K unsigned multiplier
// multiplies the kept bits, a shifter puts the product back in place, and the sign is applied.
// K in [3, 8] (K = 8 is exact).
module tessera_mul8s_drum #(
  parameter int unsigned K = 4
) (
  input  logic [7:0]  a_i,
  input  logic [7:0]  b_i,
  output logic [15:0] p_o
);
  logic [K-1:0]   mant_a, mant_b;
  logic [2:0]     shift_a, shift_b;
  logic [2*K-1:0] mant_product;
  logic [15:0]    mag_product;

  tessera_drum_operand #(.K(K)) u_operand_a (.mag_i(tessera_approx_pkg::magnitude(a_i)), .mant_o(mant_a), .shift_o(shift_a));
  tessera_drum_operand #(.K(K)) u_operand_b (.mag_i(tessera_approx_pkg::magnitude(b_i)), .mant_o(mant_b), .shift_o(shift_b));

  assign mant_product = (2*K)'(mant_a) * (2*K)'(mant_b);
  // shift_a + shift_b <= 2 * (8 - K); the magnitude product stays below 2^15 for K >= 3.
  assign mag_product = 16'(mant_product) << (4'(shift_a) + 4'(shift_b));
  assign p_o = (a_i[7] ^ b_i[7]) ? 16'(-mag_product) : mag_product;
endmodule
