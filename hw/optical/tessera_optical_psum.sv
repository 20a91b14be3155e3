// Partial-sum accumulation of the optical MAC array in the code domain (golden/optical/matmul.h
// step 2, code_sums): per output, over k, with U = unfloored weights, P = floored to +t+,
// N = floored to -t-:
//   n_plain = |U|, n_pos = |P|, n_neg = |N|,  sum_w = sum_U qw,  sum_a_plain = sum_U qa,
//   sum_aw = sum_U qa*qw,  sum_a_pos = sum_P qa,  sum_a_neg = sum_N qa   (exact integers).
// The host combines them once in double (combine_code_sums); that step is not digital hardware.
// One (qa, qw) pair per cycle; first_i starts a new output (the accumulators load instead of
// add). The sums including the pair presented at cycle t are visible after that clock edge.
module tessera_optical_psum #(
  parameter int CodeWidth = tessera_hw_pkg::OpticalCodeWidth,
  parameter int SumWidth  = tessera_hw_pkg::OpticalSumWidth  // golden uses uint64
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 valid_i,
  input  logic                 first_i,       // this pair starts a new output
  input  logic [CodeWidth-1:0] qa_i,          // activation DAC code
  input  logic [CodeWidth-1:0] qw_i,          // weight modulator code
  input  logic [1:0]           floor_sign_i,  // from tessera_optical_dac: 01 +1, 11 -1, 00 none
  output logic [SumWidth-1:0]  n_plain_o,
  output logic [SumWidth-1:0]  n_pos_o,
  output logic [SumWidth-1:0]  n_neg_o,
  output logic [SumWidth-1:0]  sum_w_o,
  output logic [SumWidth-1:0]  sum_a_plain_o,
  output logic [SumWidth-1:0]  sum_aw_o,
  output logic [SumWidth-1:0]  sum_a_pos_o,
  output logic [SumWidth-1:0]  sum_a_neg_o
);
  logic                pos, neg, plain;
  logic [SumWidth-1:0] a, w, aw;
  assign pos   = floor_sign_i == 2'b01;
  assign neg   = floor_sign_i == 2'b11;
  assign plain = !pos && !neg;
  assign a     = SumWidth'(qa_i);
  assign w     = SumWidth'(qw_i);
  assign aw    = SumWidth'(qa_i) * SumWidth'(qw_i);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      n_plain_o     <= '0;
      n_pos_o       <= '0;
      n_neg_o       <= '0;
      sum_w_o       <= '0;
      sum_a_plain_o <= '0;
      sum_aw_o      <= '0;
      sum_a_pos_o   <= '0;
      sum_a_neg_o   <= '0;
    end else if (valid_i) begin
      n_plain_o     <= (first_i ? '0 : n_plain_o)     + SumWidth'(plain);
      n_pos_o       <= (first_i ? '0 : n_pos_o)       + SumWidth'(pos);
      n_neg_o       <= (first_i ? '0 : n_neg_o)       + SumWidth'(neg);
      sum_w_o       <= (first_i ? '0 : sum_w_o)       + (plain ? w : '0);
      sum_a_plain_o <= (first_i ? '0 : sum_a_plain_o) + (plain ? a : '0);
      sum_aw_o      <= (first_i ? '0 : sum_aw_o)      + (plain ? aw : '0);
      sum_a_pos_o   <= (first_i ? '0 : sum_a_pos_o)   + (pos ? a : '0);
      sum_a_neg_o   <= (first_i ? '0 : sum_a_neg_o)   + (neg ? a : '0);
    end
  end
endmodule
