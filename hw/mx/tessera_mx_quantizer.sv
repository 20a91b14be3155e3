// Pipelined MX quantizer: a block of BlockSize FP32 values in, its E8M0 scale and element codes
// out (golden/mx/convert.h quantize_block with the default policy: FLOOR scale, round to nearest
// even, saturate, keep FP32 subnormals, NaN-block codes 0x00, zero-block scale 0x00).
//   scale: NaN or Inf anywhere -> 0xFF (codes 0x00); all zeros -> 0x00 (codes = signed zeros);
//          else X = clamp(floor(log2 amax) - emax_elem, -127, 127), byte X + 127, where
//          floor(log2) is the exact exponent (subnormals: from the leading one).
//   codes: tessera_mx_encode per element.
// Pipeline: input registers -> (amax tree, scale) -> registers -> (element encoders) -> output
// registers. One block per cycle; a block presented at cycle t leaves at t + 3
// (tessera_hw_pkg::MxQuantizerLatency, checked by tests/hw).
module tessera_mx_quantizer #(
  parameter int Format    = tessera_hw_pkg::MxFmtE4m3,
  parameter int BlockSize = tessera_hw_pkg::MxBlockSize
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   valid_i,
  input  logic [BlockSize*32-1:0] values_i,  // bits [32i +: 32]: element i, FP32
  output logic                   valid_o,
  output logic [7:0]             scale_o,    // E8M0 scale byte
  output logic [BlockSize*8-1:0] codes_o     // bits [8i +: 8]: code of element i (low bits)
);
  localparam int EMax = tessera_mx_pkg::fmt_emax(Format);

  // Stage 1: the block as presented.
  logic                    valid_q1;
  logic [BlockSize*32-1:0] values_q1;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q1  <= 1'b0;
      values_q1 <= '0;
    end else begin
      valid_q1  <= valid_i;
      values_q1 <= values_i;
    end
  end

  // amax over magnitudes (non-negative floats order like their bits), NaN/Inf detection, scale.
  logic [30:0] amax;
  logic        special;
  int          amax_log2, scale_exp;
  logic [7:0]  scale_d;
  always_comb begin
    amax = '0;
    special = 1'b0;
    for (int i = 0; i < BlockSize; i++) begin
      if (values_q1[32*i+23 +: 8] == 8'hFF) special = 1'b1;
      if (values_q1[32*i +: 31] > amax) amax = values_q1[32*i +: 31];
    end
    amax_log2 = (amax[30:23] != 8'd0) ? $signed({24'd0, amax[30:23]}) - 127
                                      : tessera_mx_pkg::bit_length32({9'd0, amax[22:0]}) - 150;
    scale_exp = amax_log2 - EMax;
    if (scale_exp < -127) scale_exp = -127;
    if (scale_exp > 127) scale_exp = 127;
    if (special) begin
      scale_d = 8'hFF;
    end else if (amax == 31'd0) begin
      scale_d = 8'h00;
    end else begin
      scale_d = 8'(scale_exp + 127);
    end
  end

  // Stage 2: values with their scale.
  logic                    valid_q2;
  logic [BlockSize*32-1:0] values_q2;
  logic [7:0]              scale_q2;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q2  <= 1'b0;
      values_q2 <= '0;
      scale_q2  <= '0;
    end else begin
      valid_q2  <= valid_q1;
      values_q2 <= values_q1;
      scale_q2  <= scale_d;
    end
  end

  // Element encoders. A NaN-scale block writes code 0x00 everywhere.
  logic signed [9:0]      scale_exp_q2;
  logic [BlockSize*8-1:0] codes_d;
  assign scale_exp_q2 = $signed({2'b00, scale_q2}) - 10'sd127;
  for (genvar i = 0; i < BlockSize; i++) begin : g_element
    logic [7:0] code;
    tessera_mx_encode #(.Format(Format)) u_encode (
      .value_i    (values_q2[32*i +: 32]),
      .scale_exp_i(scale_exp_q2),
      .code_o     (code)
    );
    assign codes_d[8*i +: 8] = (scale_q2 == 8'hFF) ? 8'h00 : code;
  end

  // Stage 3: outputs.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_o <= 1'b0;
      scale_o <= '0;
      codes_o <= '0;
    end else begin
      valid_o <= valid_q2;
      scale_o <= scale_q2;
      codes_o <= codes_d;
    end
  end
endmodule
