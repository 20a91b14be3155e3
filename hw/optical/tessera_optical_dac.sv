// Input DAC / weight modulator quantizer of the optical MAC array's digital periphery
// (golden/optical/quantizer.h code_deterministic, floor_sign; matmul.h quantize_operand):
//   code = rint(x_s), round half to even, x_s the grid position (tessera_optical_grid);
//   floor_sign (the q_lut_min floor, only when lut_min > 0, from the FP32 value(code)):
//     0 < value(code) < t+ = lut_min * M     -> +1 (transmitted as +t+)
//     -t- < value(code) < 0, t- = lut_min*|m| -> -1 (transmitted as -t-)
//     otherwise                                -> 0
// One element per cycle, one register stage (latency 1).
module tessera_optical_dac #(
  parameter int CodeWidth = tessera_hw_pkg::OpticalCodeWidth  // L <= 2^CodeWidth, <= 24
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // configuration (held while elements stream)
  input  logic [31:0]          min_i,       // m (FP32)
  input  logic [31:0]          max_i,       // M (FP32), M > m
  input  logic [CodeWidth:0]   levels_i,    // L = q_levels in [2, 2^CodeWidth]
  input  logic [31:0]          lut_min_i,   // q_lut_min (FP32, >= 0; 0 disables the floor)
  // elements
  input  logic                 valid_i,
  input  logic [31:0]          x_i,         // FP32, not NaN
  output logic                 valid_o,
  output logic [CodeWidth-1:0] code_o,
  output logic [1:0]           floor_sign_o // 2'b01: +1, 2'b11: -1, 2'b00: 0
);
  logic [31:0] grid, range_r, steps, value, t_plus, t_minus;
  logic [23:0] floor_int;
  logic        half, above_half;
  // Deterministic rounding needs only the half / above-half flags of the fraction.
  logic [23:0] unused_frac24;
  logic        unused_sticky;
  logic [CodeWidth-1:0] code_d;
  logic [1:0]  floor_sign_d;

  tessera_optical_grid #(.CodeWidth(CodeWidth)) u_grid (
    .x_i, .min_i, .max_i, .levels_i, .grid_o(grid), .range_o(range_r), .steps_o(steps)
  );
  // The grid position is never negative (x_c - m >= 0): its sign bit is not needed.
  logic unused_grid_sign;
  assign unused_grid_sign = grid[31];
  tessera_optical_split u_split (
    .x_i(grid[30:0]), .floor_o(floor_int), .half_o(half), .above_half_o(above_half),
    .frac24_o(unused_frac24), .sticky_o(unused_sticky)
  );
  // x_s <= L - 1 < 2^CodeWidth, so the rounded code fits CodeWidth bits.
  assign code_d = CodeWidth'(floor_int + 24'((above_half || (half && floor_int[0])) ? 1 : 0));

  tessera_optical_dequant #(.CodeWidth(CodeWidth)) u_value (
    .code_i(code_d), .steps_i(steps), .range_i(range_r), .min_i, .value_o(value)
  );
  tessera_fp32_mul u_t_plus  (.a_i(lut_min_i), .b_i(max_i), .product_o(t_plus));
  tessera_fp32_mul u_t_minus (.a_i(lut_min_i), .b_i({1'b0, min_i[30:0]}), .product_o(t_minus));

  always_comb begin
    floor_sign_d = 2'b00;
    if (tessera_fp32_pkg::less(32'd0, lut_min_i)) begin
      if (tessera_fp32_pkg::less(32'd0, value) && tessera_fp32_pkg::less(value, t_plus)) begin
        floor_sign_d = 2'b01;
      end else if (tessera_fp32_pkg::less(value, 32'd0) &&
                   tessera_fp32_pkg::less({~t_minus[31], t_minus[30:0]}, value)) begin
        floor_sign_d = 2'b11;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_o      <= 1'b0;
      code_o       <= '0;
      floor_sign_o <= '0;
    end else begin
      valid_o      <= valid_i;
      code_o       <= code_d;
      floor_sign_o <= floor_sign_d;
    end
  end
endmodule
