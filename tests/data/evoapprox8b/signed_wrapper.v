// tessera's test wrapper (not EvoApprox code): a signed 8x8 multiplier built around an unsigned
// 8x8 circuit by sign and magnitude. |-128| = 128 still fits the unsigned operand's 8 bits, and the
// 16-bit product of magnitudes is negated when the signs differ (mod 2^16, as a signed unit outputs).
module signed_rcam(input [7:0] A, input [7:0] B, output [15:0] O);
  wire [7:0] a_mag = A[7] ? (~A + 8'd1) : A;
  wire [7:0] b_mag = B[7] ? (~B + 8'd1) : B;
  wire [15:0] p_mag;
  mul8_RippleCarryArrayMultiplier u_core(.A(a_mag), .B(b_mag), .O(p_mag));
  assign O = (A[7] ^ B[7]) ? (~p_mag + 16'd1) : p_mag;
endmodule
