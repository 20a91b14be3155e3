// FP32 a / b for finite a and finite nonzero b, round to nearest even, subnormals kept,
// overflow to infinity. Both significands are first normalised to [2^23, 2^24) (a leading-zero
// count and shift; only subnormals move), so a 50 / 24-bit integer division yields 26 or 27
// quotient bits (24 + 2 guard bits at least); a nonzero remainder is jammed into the LSB as the
// sticky bit; tessera_fp32_round rounds once.
module tessera_fp32_div (
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,  // nonzero
  output logic [31:0] quotient_o
);
  localparam int Scale = 26;
  logic [23:0]        sig_a, sig_b;
  int                 exp_a, exp_b, lead_a, lead_b;
  logic [49:0]        dividend, divisor, quotient, magnitude;
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
    dividend  = 50'(sig_a) << Scale;
    divisor   = 50'(sig_b);
    quotient  = dividend / divisor;
    magnitude = quotient | 50'((quotient * divisor) != dividend);
    exponent  = 12'(exp_a - exp_b - Scale);
  end

  tessera_fp32_round #(.Width(50)) u_round (
    .negative_i(a_i[31] ^ b_i[31]), .magnitude_i(magnitude), .exponent_i(exponent), .fp32_o(quotient_o)
  );
endmodule
