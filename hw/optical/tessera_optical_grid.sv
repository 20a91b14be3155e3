// The grid position of the optical quantizer (golden/optical/quantizer.h grid_position), every
// step one FP32 operation rounded to nearest even, in the specification's order, no fused ops:
//   x_c = clamp(x, m, M);  r = M - m;  denom = r + 1e-8f;  x_s = ((x_c - m) / denom) * float(L-1)
// Also returns r and float(L-1) for the dequantizer. x must not be NaN (infinities clamp).
// Combinational; shared by the DAC and ADC quantizers.
module tessera_optical_grid #(
  parameter int CodeWidth = 8  // L <= 2^CodeWidth, CodeWidth <= 24
) (
  input  logic [31:0]        x_i,       // FP32, not NaN
  input  logic [31:0]        min_i,     // m, finite
  input  logic [31:0]        max_i,     // M, finite, M > m
  input  logic [CodeWidth:0] levels_i,  // L in [2, 2^CodeWidth]
  output logic [31:0]        grid_o,    // x_s in [0, L-1]
  output logic [31:0]        range_o,   // r = M - m
  output logic [31:0]        steps_o    // float(L - 1), exact
);
  localparam logic [31:0] Epsilon = 32'h322B_CC77;  // 1e-8f
  logic [31:0] clamped, denom, shifted, normalized;

  always_comb begin
    if (tessera_fp32_pkg::less(x_i, min_i)) begin
      clamped = min_i;
    end else if (tessera_fp32_pkg::less(max_i, x_i)) begin
      clamped = max_i;
    end else begin
      clamped = x_i;
    end
  end

  tessera_fp32_add u_range   (.a_i(max_i), .b_i({~min_i[31], min_i[30:0]}), .sum_o(range_o));
  tessera_fp32_add u_denom   (.a_i(range_o), .b_i(Epsilon), .sum_o(denom));
  tessera_fp32_add u_shifted (.a_i(clamped), .b_i({~min_i[31], min_i[30:0]}), .sum_o(shifted));
  tessera_fp32_div u_divide  (.a_i(shifted), .b_i(denom), .quotient_o(normalized));
  // L - 1 < 2^24 converts exactly.
  tessera_fp32_round #(.Width(CodeWidth + 1)) u_steps (
    .negative_i(1'b0), .magnitude_i(levels_i - 1'b1), .exponent_i(12'sd0), .fp32_o(steps_o)
  );
  tessera_fp32_mul u_scale   (.a_i(normalized), .b_i(steps_o), .product_o(grid_o));
endmodule
