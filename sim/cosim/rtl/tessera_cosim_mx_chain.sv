// Top for `tessera cosim --unit mx` (sim/cosim/mx_cosim.h): the MX quantizer feeding the MX
// dot-product unit, one block pair per cycle, as the model's quantizer + dot engine. Block A
// arrives as FP32 and is quantized on the way; block B arrives already quantized (weights are
// quantized once, off the unit) and is delayed by the quantizer's latency so that both meet at the
// dot unit. Latency MxQuantizerLatency + MxDotLatency.
module tessera_cosim_mx_chain #(
  parameter int FormatA   = 0,
  parameter int FormatB   = 0,
  parameter int BlockSize = 32
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic                    valid_i,
  input  logic [BlockSize*32-1:0] values_a_i,  // bits [32i +: 32]: FP32 element i of block A
  input  logic [7:0]              scale_b_i,
  input  logic [BlockSize*8-1:0]  codes_b_i,
  output logic                    valid_o,
  output logic [31:0]             result_o
);
  logic                   q_valid;
  logic [7:0]             q_scale;
  logic [BlockSize*8-1:0] q_codes;
  logic [7:0]             b_scale;
  logic [BlockSize*8-1:0] b_codes;

  tessera_mx_quantizer #(.Format(FormatA), .BlockSize(BlockSize)) u_quantizer (
    .clk_i, .rst_ni, .valid_i, .values_i(values_a_i),
    .valid_o(q_valid), .scale_o(q_scale), .codes_o(q_codes)
  );

  tessera_delay #(.Width(8 + BlockSize*8), .Depth(tessera_hw_pkg::MxQuantizerLatency)) u_b_delay (
    .clk_i, .rst_ni, .d_i({scale_b_i, codes_b_i}), .q_o({b_scale, b_codes})
  );

  tessera_mx_dot #(.FormatA(FormatA), .FormatB(FormatB), .BlockSize(BlockSize)) u_dot (
    .clk_i, .rst_ni, .valid_i(q_valid),
    .scale_a_i(q_scale), .codes_a_i(q_codes), .scale_b_i(b_scale), .codes_b_i(b_codes),
    .valid_o, .result_o
  );
endmodule
