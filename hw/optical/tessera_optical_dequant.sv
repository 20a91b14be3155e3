// The value a code stands for before any floor (golden code_value):
//   value(q) = ((float(q) / float(L-1)) * r) + m, each step one FP32 operation (RNE).
// Combinational.
module tessera_optical_dequant #(
  parameter int CodeWidth = 8
) (
  input  logic [CodeWidth-1:0] code_i,
  input  logic [31:0]          steps_i,  // float(L - 1)
  input  logic [31:0]          range_i,  // r = M - m
  input  logic [31:0]          min_i,    // m
  output logic [31:0]          value_o
);
  logic [31:0] code_float, fraction, scaled;
  tessera_fp32_round #(.Width(CodeWidth)) u_code (
    .negative_i(1'b0), .magnitude_i(code_i), .exponent_i(12'sd0), .fp32_o(code_float)
  );
  tessera_fp32_div u_fraction (.a_i(code_float), .b_i(steps_i), .quotient_o(fraction));
  tessera_fp32_mul u_scaled   (.a_i(fraction), .b_i(range_i), .product_o(scaled));
  tessera_fp32_add u_offset   (.a_i(scaled), .b_i(min_i), .sum_o(value_o));
endmodule
