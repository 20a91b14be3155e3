// FP32 a / b for finite a and finite nonzero b, round to nearest even, subnormals kept,
// overflow to infinity. Both significands are first normalised to [2^23, 2^24) (a leading-zero
// count and shift; only subnormals move), so sig_a / sig_b lies in (1/2, 2) and the 27-bit
// quotient floor(sig_a * 2^26 / sig_b) carries 26 or 27 significant bits (24 + 2 guard bits at
// least); a nonzero remainder is jammed into the LSB as the sticky bit; tessera_fp32_round rounds
// once.
// The quotient is formed by restoring long division, one 25-bit compare-subtract per quotient
// bit, rather than the `/` operator: Yosys expands a 50-bit `/` (and the remainder check's 50x50
// product) into a netlist that took > 25 minutes to synthesise, while 27 narrow stages are the
// circuit a divider would really be.
module tessera_fp32_div (
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,  // nonzero
  output logic [31:0] quotient_o
);
  localparam int QuotientBits = 27;  // bit 26 = the integer part of sig_a / sig_b
  logic [23:0]        sig_a, sig_b;
  int                 exp_a, exp_b, lead_a, lead_b;
  logic [24:0]        remainder;
  logic [QuotientBits-1:0] quotient, magnitude;
  logic signed [11:0] exponent;

  always_comb begin
    sig_a = tessera_fp32_pkg::significand(a_i[30:0]);
    sig_b = tessera_fp32_pkg::significand(b_i[30:0]);
    exp_a = tessera_fp32_pkg::lsb_exponent(a_i[30:23]);
    exp_b = tessera_fp32_pkg::lsb_exponent(b_i[30:23]);
    lead_a = 23;
    lead_b = 23;
    for (int i = 0; i < 24; i++) begin
      if (sig_a[i]) lead_a = i;
      if (sig_b[i]) lead_b = i;
    end
    // Normalise (a zero a stays zero and rounds to a signed zero).
    sig_a = sig_a << (23 - lead_a);
    sig_b = sig_b << (23 - lead_b);
    exp_a = exp_a - (23 - lead_a);
    exp_b = exp_b - (23 - lead_b);
    // sig_a < 2 * sig_b, so the integer part is 0 or 1 and every later partial remainder stays
    // below sig_b < 2^24 before its shift: 25 bits suffice throughout.
    remainder = {1'b0, sig_a};
    for (int i = QuotientBits - 1; i >= 0; i--) begin
      quotient[i] = (remainder >= {1'b0, sig_b});
      if (quotient[i]) remainder = remainder - {1'b0, sig_b};
      if (i > 0) remainder = remainder << 1;
    end
    magnitude = quotient | QuotientBits'(remainder != 25'd0);
    exponent  = 12'(exp_a - exp_b - (QuotientBits - 1));
  end

  tessera_fp32_round #(.Width(QuotientBits)) u_round (
    .negative_i(a_i[31] ^ b_i[31]), .magnitude_i(magnitude), .exponent_i(exponent), .fp32_o(quotient_o)
  );
endmodule
