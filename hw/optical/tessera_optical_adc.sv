// Output ADC quantizer of the optical MAC array's digital periphery (golden/optical/quantizer.h
// code_stochastic, code_value; matmul.h step 4): stochastic rounding on the grid,
//   q = min(floor(x_s + u), L - 1), the floor of the EXACT real sum,
// where u = rand24_i * 2^-24 arrives on a port (golden: word 0 of Philox >> 8; the noise is
// analog, the RTL only consumes the number). With f = x_s - floor(x_s):
//   floor(x_s + u) = floor(x_s) + 1  <=>  rand24 + f * 2^24 >= 2^24  <=>  rand24 + floor(f * 2^24) >= 2^24
// (both sides are integers but f * 2^24's fraction, which cannot reach the next integer), so the
// decision is an exact 25-bit addition. Also outputs value(q).
// One element per cycle, one register stage (latency 1).
module tessera_optical_adc #(
  parameter int CodeWidth = tessera_hw_pkg::OpticalCodeWidth  // L <= 2^CodeWidth, <= 24
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // configuration
  input  logic [31:0]          min_i,      // m_o
  input  logic [31:0]          max_i,      // M_o, > m_o
  input  logic [CodeWidth:0]   levels_i,   // L_o in [2, 2^CodeWidth]
  // elements
  input  logic                 valid_i,
  input  logic [31:0]          y_i,        // the analog result as FP32, not NaN
  input  logic [23:0]          rand24_i,   // the element's uniform, u = rand24 / 2^24
  output logic                 valid_o,
  output logic [CodeWidth-1:0] code_o,
  output logic [31:0]          value_o     // value(code) (no floor at the ADC)
);
  logic [31:0] grid, range_r, steps, value_d;
  logic [23:0] floor_int, frac24;
  logic        round_up;
  // Stochastic rounding needs only the first 24 fraction bits (see above), not the
  // round-half-even flags nor the sticky bit below them.
  logic        unused_sticky, unused_half, unused_above_half;
  logic [24:0] stepped, limit;
  logic [CodeWidth-1:0] code_d;

  tessera_optical_grid #(.CodeWidth(CodeWidth)) u_grid (
    .x_i(y_i), .min_i, .max_i, .levels_i, .grid_o(grid), .range_o(range_r), .steps_o(steps)
  );
  // The grid position is never negative (x_c - m >= 0): its sign bit is not needed.
  logic unused_grid_sign;
  assign unused_grid_sign = grid[31];
  tessera_optical_split u_split (
    .x_i(grid[30:0]), .floor_o(floor_int), .half_o(unused_half), .above_half_o(unused_above_half),
    .frac24_o(frac24), .sticky_o(unused_sticky)
  );
  assign round_up = ({1'b0, rand24_i} + {1'b0, frac24}) >= 25'h100_0000;
  assign stepped  = {1'b0, floor_int} + 25'(round_up);
  assign limit    = 25'(levels_i) - 25'd1;
  assign code_d   = CodeWidth'((stepped > limit) ? limit : stepped);

  tessera_optical_dequant #(.CodeWidth(CodeWidth)) u_value (
    .code_i(code_d), .steps_i(steps), .range_i(range_r), .min_i, .value_o(value_d)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_o <= 1'b0;
      code_o  <= '0;
      value_o <= '0;
    end else begin
      valid_o <= valid_i;
      code_o  <= code_d;
      value_o <= value_d;
    end
  end
endmodule
