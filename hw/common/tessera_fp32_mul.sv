// FP32 a * b, round to nearest even, subnormals kept, overflow to infinity; finite operands.
// The 48-bit product of the significands is exact; tessera_fp32_round rounds it once.
module tessera_fp32_mul (
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] product_o
);
  logic [47:0]        magnitude;
  logic signed [11:0] exponent;
  assign magnitude = 48'(tessera_fp32_pkg::significand(a_i[30:0])) * 48'(tessera_fp32_pkg::significand(b_i[30:0]));
  assign exponent  = 12'(tessera_fp32_pkg::lsb_exponent(a_i[30:23]) + tessera_fp32_pkg::lsb_exponent(b_i[30:23]));
  tessera_fp32_round #(.Width(48)) u_round (
    .negative_i(a_i[31] ^ b_i[31]), .magnitude_i(magnitude), .exponent_i(exponent), .fp32_o(product_o)
  );
endmodule
