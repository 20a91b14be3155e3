// Test top: the optical periphery (DAC, ADC, partial-sum unit, CodeWidth 16 so that q_levels up
// to 65,536 are exercised) and the FP32 building blocks, side by side in one verilated model.
module tessera_optical_all (
  input  logic        clk_i,
  input  logic        rst_ni,
  // FP32 building blocks (combinational)
  input  logic [31:0] fa_i,
  input  logic [31:0] fb_i,
  output logic [31:0] fadd_o,
  output logic [31:0] fmul_o,
  output logic [31:0] fdiv_o,
  // DAC
  input  logic [31:0] dac_min_i,
  input  logic [31:0] dac_max_i,
  input  logic [16:0] dac_levels_i,
  input  logic [31:0] dac_lut_min_i,
  input  logic        dac_valid_i,
  input  logic [31:0] dac_x_i,
  output logic        dac_valid_o,
  output logic [15:0] dac_code_o,
  output logic [1:0]  dac_floor_sign_o,
  // ADC
  input  logic [31:0] adc_min_i,
  input  logic [31:0] adc_max_i,
  input  logic [16:0] adc_levels_i,
  input  logic        adc_valid_i,
  input  logic [31:0] adc_y_i,
  input  logic [23:0] adc_rand24_i,
  output logic        adc_valid_o,
  output logic [15:0] adc_code_o,
  output logic [31:0] adc_value_o,
  // partial sums
  input  logic        ps_valid_i,
  input  logic        ps_first_i,
  input  logic [15:0] ps_qa_i,
  input  logic [15:0] ps_qw_i,
  input  logic [1:0]  ps_floor_sign_i,
  output logic [63:0] ps_n_plain_o,
  output logic [63:0] ps_n_pos_o,
  output logic [63:0] ps_n_neg_o,
  output logic [63:0] ps_sum_w_o,
  output logic [63:0] ps_sum_a_plain_o,
  output logic [63:0] ps_sum_aw_o,
  output logic [63:0] ps_sum_a_pos_o,
  output logic [63:0] ps_sum_a_neg_o
);
  tessera_fp32_add u_add (.a_i(fa_i), .b_i(fb_i), .sum_o(fadd_o));
  tessera_fp32_mul u_mul (.a_i(fa_i), .b_i(fb_i), .product_o(fmul_o));
  tessera_fp32_div u_div (.a_i(fa_i), .b_i(fb_i), .quotient_o(fdiv_o));

  tessera_optical_dac #(.CodeWidth(16)) u_dac (
    .clk_i, .rst_ni, .min_i(dac_min_i), .max_i(dac_max_i), .levels_i(dac_levels_i),
    .lut_min_i(dac_lut_min_i), .valid_i(dac_valid_i), .x_i(dac_x_i), .valid_o(dac_valid_o),
    .code_o(dac_code_o), .floor_sign_o(dac_floor_sign_o)
  );
  tessera_optical_adc #(.CodeWidth(16)) u_adc (
    .clk_i, .rst_ni, .min_i(adc_min_i), .max_i(adc_max_i), .levels_i(adc_levels_i),
    .valid_i(adc_valid_i), .y_i(adc_y_i), .rand24_i(adc_rand24_i), .valid_o(adc_valid_o),
    .code_o(adc_code_o), .value_o(adc_value_o)
  );
  tessera_optical_psum #(.CodeWidth(16)) u_psum (
    .clk_i, .rst_ni, .valid_i(ps_valid_i), .first_i(ps_first_i), .qa_i(ps_qa_i), .qw_i(ps_qw_i),
    .floor_sign_i(ps_floor_sign_i), .n_plain_o(ps_n_plain_o), .n_pos_o(ps_n_pos_o),
    .n_neg_o(ps_n_neg_o), .sum_w_o(ps_sum_w_o), .sum_a_plain_o(ps_sum_a_plain_o),
    .sum_aw_o(ps_sum_aw_o), .sum_a_pos_o(ps_sum_a_pos_o), .sum_a_neg_o(ps_sum_a_neg_o)
  );
endmodule
