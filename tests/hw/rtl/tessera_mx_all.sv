// Test top: every MX unit of hw/mx side by side in one verilated model.
//   decoders:   one per format on code_i (combinational)
//   quantizers: one per format, BlockSize 32, on values_i; plus fp4_e2m1 with BlockSize 5 on
//               the first 5 values (a block size that is not a power of two)
//   dot units:  one per format (A and B the same), BlockSize 32, on the same codes and scales
//               (each unit reads the low bits its format uses); mixed pairs
//               e2m1.e4m3, int8.e2m3, e5m2.e3m2; and e4m3 with BlockSize 8 on the first 8 lanes
module tessera_mx_all (
  input  logic          clk_i,
  input  logic          rst_ni,
  // decoders
  input  logic [7:0]    code_i,
  output logic [5:0]    dec_nan_o,
  output logic [5:0]    dec_inf_o,
  output logic [5:0]    dec_negative_o,
  output logic [47:0]   dec_sig_o,      // [8f +: 8]
  output logic [29:0]   dec_shift_o,    // [5f +: 5]
  // quantizers
  input  logic          q_valid_i,
  input  logic [1023:0] q_values_i,     // 32 x FP32
  output logic [6:0]    q_valid_o,      // [f] for f = 0..5; [6] the BlockSize-5 unit
  output logic [55:0]   q_scale_o,      // [8u +: 8]
  output logic [1575:0] q_codes_o,      // unit u (0..5): [256u +: 256]; unit 6: [1536 +: 40]
  // dot units
  input  logic          d_valid_i,
  input  logic [7:0]    d_scale_a_i,
  input  logic [255:0]  d_codes_a_i,
  input  logic [7:0]    d_scale_b_i,
  input  logic [255:0]  d_codes_b_i,
  output logic [9:0]    d_valid_o,      // [u]: units 0..5 same format, 6..8 mixed, 9 BlockSize 8
  output logic [319:0]  d_result_o      // [32u +: 32]
);
  for (genvar f = 0; f < 6; f++) begin : g_format
    tessera_mx_decode #(.Format(f)) u_decode (
      .code_i, .nan_o(dec_nan_o[f]), .inf_o(dec_inf_o[f]), .negative_o(dec_negative_o[f]),
      .sig_o(dec_sig_o[8*f +: 8]), .shift_o(dec_shift_o[5*f +: 5])
    );
    tessera_mx_quantizer #(.Format(f), .BlockSize(32)) u_quantizer (
      .clk_i, .rst_ni, .valid_i(q_valid_i), .values_i(q_values_i),
      .valid_o(q_valid_o[f]), .scale_o(q_scale_o[8*f +: 8]), .codes_o(q_codes_o[256*f +: 256])
    );
    tessera_mx_dot #(.FormatA(f), .FormatB(f), .BlockSize(32)) u_dot (
      .clk_i, .rst_ni, .valid_i(d_valid_i),
      .scale_a_i(d_scale_a_i), .codes_a_i(d_codes_a_i), .scale_b_i(d_scale_b_i), .codes_b_i(d_codes_b_i),
      .valid_o(d_valid_o[f]), .result_o(d_result_o[32*f +: 32])
    );
  end

  tessera_mx_quantizer #(.Format(tessera_hw_pkg::MxFmtE2m1), .BlockSize(5)) u_quantizer_5 (
    .clk_i, .rst_ni, .valid_i(q_valid_i), .values_i(q_values_i[159:0]),
    .valid_o(q_valid_o[6]), .scale_o(q_scale_o[48 +: 8]), .codes_o(q_codes_o[1536 +: 40])
  );

  tessera_mx_dot #(.FormatA(tessera_hw_pkg::MxFmtE2m1), .FormatB(tessera_hw_pkg::MxFmtE4m3)) u_dot_6 (
    .clk_i, .rst_ni, .valid_i(d_valid_i),
    .scale_a_i(d_scale_a_i), .codes_a_i(d_codes_a_i), .scale_b_i(d_scale_b_i), .codes_b_i(d_codes_b_i),
    .valid_o(d_valid_o[6]), .result_o(d_result_o[32*6 +: 32])
  );
  tessera_mx_dot #(.FormatA(tessera_hw_pkg::MxFmtInt8), .FormatB(tessera_hw_pkg::MxFmtE2m3)) u_dot_7 (
    .clk_i, .rst_ni, .valid_i(d_valid_i),
    .scale_a_i(d_scale_a_i), .codes_a_i(d_codes_a_i), .scale_b_i(d_scale_b_i), .codes_b_i(d_codes_b_i),
    .valid_o(d_valid_o[7]), .result_o(d_result_o[32*7 +: 32])
  );
  tessera_mx_dot #(.FormatA(tessera_hw_pkg::MxFmtE5m2), .FormatB(tessera_hw_pkg::MxFmtE3m2)) u_dot_8 (
    .clk_i, .rst_ni, .valid_i(d_valid_i),
    .scale_a_i(d_scale_a_i), .codes_a_i(d_codes_a_i), .scale_b_i(d_scale_b_i), .codes_b_i(d_codes_b_i),
    .valid_o(d_valid_o[8]), .result_o(d_result_o[32*8 +: 32])
  );
  tessera_mx_dot #(.FormatA(tessera_hw_pkg::MxFmtE4m3), .FormatB(tessera_hw_pkg::MxFmtE4m3),
                   .BlockSize(8)) u_dot_9 (
    .clk_i, .rst_ni, .valid_i(d_valid_i),
    .scale_a_i(d_scale_a_i), .codes_a_i(d_codes_a_i[63:0]), .scale_b_i(d_scale_b_i),
    .codes_b_i(d_codes_b_i[63:0]),
    .valid_o(d_valid_o[9]), .result_o(d_result_o[32*9 +: 32])
  );
endmodule
