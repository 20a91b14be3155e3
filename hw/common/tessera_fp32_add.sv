// FP32 a + b, round to nearest even, subnormals kept, overflow to infinity; finite operands.
// The smaller operand is aligned to the larger one's LSB exponent with 26 guard bits and a sticky
// bit jammed into the LSB (exact enough for a correct RNE: a cancellation beyond one bit only
// happens when the exponents differ by < 2, where the alignment is exact), then
// tessera_fp32_round rounds once. An exact zero sum is +0 unless both operands are -0.
module tessera_fp32_add (
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] sum_o
);
  localparam int Guard = 26;
  logic [23:0] sig_a, sig_b, sig_big, sig_small;
  int          exp_a, exp_b, exp_big, distance;
  logic        sign_big, sign_small, negative;
  logic [50:0] big_sig, small_sig, aligned, magnitude;
  logic        sticky;
  logic signed [11:0] exponent;
  logic [31:0] rounded;

  always_comb begin
    sig_a = tessera_fp32_pkg::significand(a_i[30:0]);
    sig_b = tessera_fp32_pkg::significand(b_i[30:0]);
    exp_a = tessera_fp32_pkg::lsb_exponent(a_i[30:23]);
    exp_b = tessera_fp32_pkg::lsb_exponent(b_i[30:23]);
    if (exp_a >= exp_b) begin
      sig_big = sig_a;  sign_big = a_i[31];  exp_big = exp_a;
      sig_small = sig_b;  sign_small = b_i[31];  distance = exp_a - exp_b;
    end else begin
      sig_big = sig_b;  sign_big = b_i[31];  exp_big = exp_b;
      sig_small = sig_a;  sign_small = a_i[31];  distance = exp_b - exp_a;
    end
    big_sig   = 51'(sig_big) << Guard;
    small_sig = 51'(sig_small) << Guard;
    if (distance > 50) begin
      aligned = '0;
      sticky  = (sig_small != 24'd0);
    end else begin
      aligned = small_sig >> distance;
      sticky  = ((aligned << distance) != small_sig);
    end
    aligned = aligned | 51'(sticky);
    if (sign_big == sign_small) begin
      magnitude = big_sig + aligned;
      negative  = sign_big;
    end else if (big_sig >= aligned) begin
      magnitude = big_sig - aligned;
      negative  = sign_big;
    end else begin
      magnitude = aligned - big_sig;
      negative  = sign_small;
    end
    exponent = 12'(exp_big - Guard);
  end

  tessera_fp32_round #(.Width(51)) u_round (
    .negative_i(negative), .magnitude_i(magnitude), .exponent_i(exponent), .fp32_o(rounded)
  );

  // Exact zero: +0, or -0 when both operands are -0 (IEEE 754 under round to nearest).
  assign sum_o = (magnitude == 51'd0) ? {a_i[31] & b_i[31], 31'd0} : rounded;
endmodule
