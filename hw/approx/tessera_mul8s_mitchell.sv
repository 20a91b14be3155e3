// mitchell: Mitchell's logarithmic multiplier (IRE Trans. EC-11(4), 1962) on a sign-magnitude
// wrapper, integer form without rounding (golden mitchell_product):
//   k = leading-one position, f = m - 2^k (the mantissa bits below the leading one);
//   S = f1 * 2^k2 + f2 * 2^k1;  |p| = 2^(k1+k2) + S when S < 2^(k1+k2), else 2 * S;
//   p = 0 when either operand is 0.
// Circuit: two leading-one detectors, two shifters, one adder (the log-domain sum), a compare and
// a final shift: no multiplier.
module tessera_mul8s_mitchell (
  input  logic [7:0]  a_i,
  input  logic [7:0]  b_i,
  output logic [15:0] p_o
);
  logic [7:0]  mag_a, mag_b;
  logic [2:0]  k_a, k_b;
  logic [7:0]  frac_a, frac_b;
  logic [15:0] sum, base, mag_product;

  assign mag_a  = tessera_approx_pkg::magnitude(a_i);
  assign mag_b  = tessera_approx_pkg::magnitude(b_i);
  assign k_a    = tessera_approx_pkg::leading_one(mag_a);
  assign k_b    = tessera_approx_pkg::leading_one(mag_b);
  assign frac_a = mag_a & ~(8'd1 << k_a);
  assign frac_b = mag_b & ~(8'd1 << k_b);
  assign sum    = (16'(frac_a) << k_b) + (16'(frac_b) << k_a);  // < 2^15
  assign base   = 16'd1 << (4'(k_a) + 4'(k_b));

  always_comb begin
    if (mag_a == 8'd0 || mag_b == 8'd0) begin
      mag_product = 16'd0;
    end else if (sum < base) begin
      mag_product = base + sum;
    end else begin
      mag_product = sum << 1;
    end
  end
  assign p_o = (a_i[7] ^ b_i[7]) ? 16'(-mag_product) : mag_product;
endmodule
