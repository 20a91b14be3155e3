// Digital periphery of an optical MAC array of Rows x Cols outputs and Wavelengths K lanes per pass
// (models/optical/optical_array.h: H = Rows, W = Cols, λ = Wavelengths), one pass per clock, with
// one converter per element of a pass so that no pass waits for a converter:
//   Rows*Wavelengths input DACs (one per row modulator channel), Cols*Wavelengths weight DACs (one
//   per weight modulator; dynamic weights, converted every pass), Rows*Cols*Wavelengths partial-sum
//   units (one per output and lane) and Rows*Cols ADCs (one per output).
// The analog core between them is not RTL. Golden (golden/optical/matmul.h) defines its result
// from the exact code-domain sums over the whole of K, converted ONCE per output; so the sums of an
// output tile accumulate here over its K passes (pass_first_i .. pass_last_i, consecutive), and the
// host's analog core turns the finished sums into the detector value y (combine + noise), which
// re-enters on y_i for the ADC.
//
// Pipeline, one register stage per unit (tessera_optical_dac, _psum, _adc: latency 1 each):
//   edge 1: DAC codes of the pass            (stage 1)
//   edge 2: sums including the pass on sums_o (stage 2; sums_valid_o, sums_last_o)
//   edge 3: ADC value on value_o, when the host drove y_i in the cycle sums_last_o was high
// so P passes streamed one per edge take P + 2 edges to the last ADC value.
module tessera_optical_periphery #(
  parameter int Rows        = 2,
  parameter int Cols        = 2,
  parameter int Wavelengths = 2,
  parameter int CodeWidth   = tessera_hw_pkg::OpticalCodeWidth,  // L <= 2^CodeWidth
  parameter int SumWidth    = tessera_hw_pkg::OpticalSumWidth
) (
  input  logic                               clk_i,
  input  logic                               rst_ni,
  // quantizer configuration (held while passes stream); activations carry no lut_min floor
  input  logic [31:0]                        in_min_i,
  input  logic [31:0]                        in_max_i,
  input  logic [CodeWidth:0]                 in_levels_i,
  input  logic [31:0]                        w_min_i,
  input  logic [31:0]                        w_max_i,
  input  logic [CodeWidth:0]                 w_levels_i,
  input  logic [31:0]                        w_lut_min_i,
  input  logic [31:0]                        out_min_i,
  input  logic [31:0]                        out_max_i,
  input  logic [CodeWidth:0]                 out_levels_i,
  // one pass: activation (r, l) at x_i[32*(r*Wavelengths + l) +: 32], weight (c, l) at
  // w_i[32*(c*Wavelengths + l) +: 32] (FP32, not NaN); lane l carries a K element when
  // lane_valid_i[l] (lanes past K in the last pass do not).
  input  logic                               pass_valid_i,
  input  logic                               pass_first_i,  // first K pass of an output tile
  input  logic                               pass_last_i,   // last K pass of an output tile
  input  logic [Wavelengths-1:0]             lane_valid_i,
  input  logic [Rows*Wavelengths*32-1:0]     x_i,
  input  logic [Cols*Wavelengths*32-1:0]     w_i,
  // code sums of output (r, c) over the passes so far, field f at
  // sums_o[SumWidth*(8*(r*Cols + c) + f) +: SumWidth], f: n_plain, n_pos, n_neg, sum_w,
  // sum_a_plain, sum_aw, sum_a_pos, sum_a_neg (golden CodeSums order)
  output logic                               sums_valid_o,
  output logic                               sums_last_o,   // the sums are an output tile's final ones
  output logic [Rows*Cols*8*SumWidth-1:0]    sums_o,
  // ADC: the analog value of output (r, c) as FP32 at y_i[32*(r*Cols + c) +: 32] and its uniform
  // at rand24_i[24*(r*Cols + c) +: 24]; value(code) out one edge later
  input  logic                               adc_valid_i,
  input  logic [Rows*Cols*32-1:0]            y_i,
  input  logic [Rows*Cols*24-1:0]            rand24_i,
  output logic                               adc_valid_o,
  output logic [Rows*Cols*32-1:0]            value_o
);
  localparam int Outputs = Rows * Cols;
  localparam int Units   = Outputs * Wavelengths;

  // ---- stage 1: DACs ------------------------------------------------------------------------
  logic [Rows*Wavelengths*CodeWidth-1:0] qa;
  logic [Cols*Wavelengths*CodeWidth-1:0] qw;
  logic [Cols*Wavelengths*2-1:0]         w_floor_sign;
  // The pass's control travels beside the DAC registers; every converter's own valid_o equals
  // pass_valid_q, and activations have no floor (lut_min 0), so those outputs are not needed.
  logic [Rows*Wavelengths-1:0]           unused_in_valid;
  logic [Rows*Wavelengths*2-1:0]         unused_in_floor_sign;
  logic [Cols*Wavelengths-1:0]           unused_w_valid;
  logic                                  pass_valid_q, pass_first_q, pass_last_q;
  logic [Wavelengths-1:0]                lane_valid_q;

  for (genvar i = 0; i < Rows * Wavelengths; i++) begin : g_in_dac
    tessera_optical_dac #(.CodeWidth(CodeWidth)) u_dac (
      .clk_i, .rst_ni, .min_i(in_min_i), .max_i(in_max_i), .levels_i(in_levels_i), .lut_min_i(32'd0),
      .valid_i(pass_valid_i), .x_i(x_i[32*i +: 32]), .valid_o(unused_in_valid[i]),
      .code_o(qa[CodeWidth*i +: CodeWidth]), .floor_sign_o(unused_in_floor_sign[2*i +: 2])
    );
  end
  for (genvar i = 0; i < Cols * Wavelengths; i++) begin : g_w_dac
    tessera_optical_dac #(.CodeWidth(CodeWidth)) u_dac (
      .clk_i, .rst_ni, .min_i(w_min_i), .max_i(w_max_i), .levels_i(w_levels_i), .lut_min_i(w_lut_min_i),
      .valid_i(pass_valid_i), .x_i(w_i[32*i +: 32]), .valid_o(unused_w_valid[i]),
      .code_o(qw[CodeWidth*i +: CodeWidth]), .floor_sign_o(w_floor_sign[2*i +: 2])
    );
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pass_valid_q <= 1'b0;
      pass_first_q <= 1'b0;
      pass_last_q  <= 1'b0;
      lane_valid_q <= '0;
    end else begin
      pass_valid_q <= pass_valid_i;
      pass_first_q <= pass_first_i;
      pass_last_q  <= pass_last_i;
      lane_valid_q <= lane_valid_i;
    end
  end

  // ---- stage 2: partial sums, one unit per (output, lane) ------------------------------------
  logic [Units*8*SumWidth-1:0] unit_sums;
  for (genvar r = 0; r < Rows; r++) begin : g_row
    for (genvar c = 0; c < Cols; c++) begin : g_col
      for (genvar l = 0; l < Wavelengths; l++) begin : g_lane
        localparam int U = (r * Cols + c) * Wavelengths + l;
        localparam int A = r * Wavelengths + l;
        localparam int W = c * Wavelengths + l;
        tessera_optical_psum #(.CodeWidth(CodeWidth), .SumWidth(SumWidth)) u_psum (
          .clk_i, .rst_ni, .valid_i(pass_valid_q && lane_valid_q[l]), .first_i(pass_first_q),
          .qa_i(qa[CodeWidth*A +: CodeWidth]), .qw_i(qw[CodeWidth*W +: CodeWidth]),
          .floor_sign_i(w_floor_sign[2*W +: 2]),
          .n_plain_o(unit_sums[SumWidth*(8*U + 0) +: SumWidth]),
          .n_pos_o(unit_sums[SumWidth*(8*U + 1) +: SumWidth]),
          .n_neg_o(unit_sums[SumWidth*(8*U + 2) +: SumWidth]),
          .sum_w_o(unit_sums[SumWidth*(8*U + 3) +: SumWidth]),
          .sum_a_plain_o(unit_sums[SumWidth*(8*U + 4) +: SumWidth]),
          .sum_aw_o(unit_sums[SumWidth*(8*U + 5) +: SumWidth]),
          .sum_a_pos_o(unit_sums[SumWidth*(8*U + 6) +: SumWidth]),
          .sum_a_neg_o(unit_sums[SumWidth*(8*U + 7) +: SumWidth])
        );
      end
    end
  end

  // A lane's unit belongs to the output tile when the tile's first pass used it: K lanes fill
  // from lane 0, so a lane idle in the first pass stays idle and keeps an older tile's sums.
  logic [Wavelengths-1:0] lane_live_q;
  logic                   sums_valid_q, sums_last_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      lane_live_q  <= '0;
      sums_valid_q <= 1'b0;
      sums_last_q  <= 1'b0;
    end else begin
      if (pass_valid_q && pass_first_q) lane_live_q <= lane_valid_q;
      sums_valid_q <= pass_valid_q;
      sums_last_q  <= pass_valid_q && pass_last_q;
    end
  end
  assign sums_valid_o = sums_valid_q;
  assign sums_last_o  = sums_last_q;

  // The lanes of one output meet on one detector: their exact integer sums add.
  always_comb begin
    sums_o = '0;
    for (int o = 0; o < Outputs; o++) begin
      for (int f = 0; f < 8; f++) begin
        for (int l = 0; l < Wavelengths; l++) begin
          if (lane_live_q[l]) begin
            sums_o[SumWidth*(8*o + f) +: SumWidth] = sums_o[SumWidth*(8*o + f) +: SumWidth] +
                unit_sums[SumWidth*(8*(o*Wavelengths + l) + f) +: SumWidth];
          end
        end
      end
    end
  end

  // ---- stage 3: ADCs, one per output ----------------------------------------------------------
  logic [Outputs-1:0]           adc_valid;
  logic [Outputs*CodeWidth-1:0] unused_adc_code;  // value(code) is what leaves the periphery
  for (genvar o = 0; o < Outputs; o++) begin : g_adc
    tessera_optical_adc #(.CodeWidth(CodeWidth)) u_adc (
      .clk_i, .rst_ni, .min_i(out_min_i), .max_i(out_max_i), .levels_i(out_levels_i),
      .valid_i(adc_valid_i), .y_i(y_i[32*o +: 32]), .rand24_i(rand24_i[24*o +: 24]),
      .valid_o(adc_valid[o]), .code_o(unused_adc_code[CodeWidth*o +: CodeWidth]),
      .value_o(value_o[32*o +: 32])
    );
  end
  assign adc_valid_o = adc_valid[0];
  // Every ADC registers the same valid_i.
  logic [Outputs-1:0] unused_adc_valid;
  assign unused_adc_valid = adc_valid;
endmodule
