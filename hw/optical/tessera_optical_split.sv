// Integer part and fraction of a non-negative FP32 value below 2^24 (a grid position):
//   floor_o = floor(x);  x - floor(x) = fraction / 2^fraction_bits, reported as what the rounders
//   need: half_o / above_half_o (fraction == 1/2, > 1/2) for round-half-even, and the first 24
//   fraction bits plus a sticky bit for the comparison with a 24-bit uniform.
// Combinational.
module tessera_optical_split (
  input  logic [30:0] x_i,           // magnitude bits of x >= 0, x < 2^24
  output logic [23:0] floor_o,
  output logic        half_o,        // fraction == 1/2
  output logic        above_half_o,  // fraction > 1/2
  output logic [23:0] frac24_o,      // floor(fraction * 2^24)
  output logic        sticky_o       // fraction * 2^24 is not an integer
);
  logic [23:0] sig, rest;
  int          exponent, k;
  always_comb begin
    sig      = tessera_fp32_pkg::significand(x_i);
    exponent = tessera_fp32_pkg::lsb_exponent(x_i[30:23]);
    k        = -exponent;  // fraction bits of the significand
    floor_o      = '0;
    rest         = '0;
    half_o       = 1'b0;
    above_half_o = 1'b0;
    frac24_o     = '0;
    sticky_o     = 1'b0;
    if (k <= 0) begin
      floor_o = sig << (-k);            // an integer (x < 2^24 keeps it in 24 bits)
    end else if (k <= 24) begin
      floor_o  = sig >> k;
      rest     = sig - (floor_o << k);  // fraction = rest / 2^k
      half_o       = (rest == (24'd1 << (k - 1)));
      above_half_o = (rest >  (24'd1 << (k - 1)));
      frac24_o = rest << (24 - k);
    end else begin
      // x < 1 with fraction = sig / 2^k, k > 24: below 1/2 when k > 24 (sig < 2^24).
      frac24_o = 24'(sig >> (k - 24));
      sticky_o = (k - 24 >= 24) ? (sig != 24'd0) : ((frac24_o << (k - 24)) != sig);
      if (k - 24 >= 24) frac24_o = '0;
    end
  end
endmodule
