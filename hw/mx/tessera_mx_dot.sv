// MX dot-product unit: two blocks (scale + BlockSize codes each, formats FormatA and FormatB) in,
// their dot product as FP32 out: the block sum S = sum_i P_A,i * P_B,i is formed EXACTLY as an
// integer (in units of 2^(lsb_A + lsb_B)), then scaled by 2^(X_A + X_B) and rounded ONCE to FP32
// (ties to even, subnormals kept, overflow to Inf): golden/mx/dot.h mx_dot() of one block with
// the default Accumulation::fused_exact (the accumulator starts at -0).
// Specials: scale 0xFF on either side or any NaN element -> qNaN 0x7FC00000; Inf * 0 -> NaN;
// +Inf and -Inf products together -> NaN; otherwise an Inf product -> +-Inf. An exact zero sum
// is +0, except -0 when every product is -0.
// Pipeline: input registers -> (decode, multiply, exact adder tree) -> registers -> (normalise,
// round) -> output registers. One block pair per cycle; latency 3 (tessera_hw_pkg::MxDotLatency).
module tessera_mx_dot #(
  parameter int FormatA   = tessera_hw_pkg::MxFmtE4m3,
  parameter int FormatB   = tessera_hw_pkg::MxFmtE4m3,
  parameter int BlockSize = tessera_hw_pkg::MxBlockSize
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   valid_i,
  input  logic [7:0]             scale_a_i,
  input  logic [BlockSize*8-1:0] codes_a_i,  // bits [8i +: 8]: code i of block A
  input  logic [7:0]             scale_b_i,
  input  logic [BlockSize*8-1:0] codes_b_i,
  output logic                   valid_o,
  output logic [31:0]            result_o    // FP32 bits
);
  localparam int LsbA      = tessera_mx_pkg::fmt_lsb(FormatA);
  localparam int LsbB      = tessera_mx_pkg::fmt_lsb(FormatB);
  // Exact product and sum widths: significand bits plus the largest left shifts.
  localparam int ProdWidth = tessera_mx_pkg::fmt_sig_bits(FormatA) + tessera_mx_pkg::fmt_sig_bits(FormatB) +
                             tessera_mx_pkg::fmt_max_shift(FormatA) + tessera_mx_pkg::fmt_max_shift(FormatB);
  localparam int SumWidth  = ProdWidth + $clog2(BlockSize + 1) + 1;  // signed

  // Stage 1: inputs.
  logic                   valid_q1;
  logic [7:0]             scale_a_q1, scale_b_q1;
  logic [BlockSize*8-1:0] codes_a_q1, codes_b_q1;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q1   <= 1'b0;
      scale_a_q1 <= '0;
      scale_b_q1 <= '0;
      codes_a_q1 <= '0;
      codes_b_q1 <= '0;
    end else begin
      valid_q1   <= valid_i;
      scale_a_q1 <= scale_a_i;
      scale_b_q1 <= scale_b_i;
      codes_a_q1 <= codes_a_i;
      codes_b_q1 <= codes_b_i;
    end
  end

  // Decode every lane and form its exact product.
  logic [BlockSize-1:0]           lane_nan, lane_pos_inf, lane_neg_inf, lane_inf_zero, lane_neg_zero;
  logic [BlockSize*ProdWidth-1:0] lane_product;
  logic [BlockSize-1:0]           lane_negative;
  for (genvar i = 0; i < BlockSize; i++) begin : g_lane
    logic       nan_a, inf_a, neg_a, nan_b, inf_b, neg_b, negative;
    logic [7:0] sig_a, sig_b;
    logic [4:0] shift_a, shift_b;
    tessera_mx_decode #(.Format(FormatA)) u_decode_a (
      .code_i(codes_a_q1[8*i +: 8]), .nan_o(nan_a), .inf_o(inf_a), .negative_o(neg_a),
      .sig_o(sig_a), .shift_o(shift_a)
    );
    tessera_mx_decode #(.Format(FormatB)) u_decode_b (
      .code_i(codes_b_q1[8*i +: 8]), .nan_o(nan_b), .inf_o(inf_b), .negative_o(neg_b),
      .sig_o(sig_b), .shift_o(shift_b)
    );
    assign negative = neg_a ^ neg_b;
    assign lane_nan[i] = nan_a | nan_b;
    // Inf times a finite zero (a NaN on the other side is caught by lane_nan).
    assign lane_inf_zero[i] = (inf_a && !inf_b && !nan_b && sig_b == 8'd0) ||
                              (inf_b && !inf_a && !nan_a && sig_a == 8'd0);
    assign lane_pos_inf[i] = (inf_a | inf_b) & ~negative;
    assign lane_neg_inf[i] = (inf_a | inf_b) & negative;
    assign lane_product[ProdWidth*i +: ProdWidth] =
        (inf_a | inf_b | nan_a | nan_b) ? '0
                                         : (ProdWidth'(16'(sig_a) * 16'(sig_b)) << (6'(shift_a) + 6'(shift_b)));
    assign lane_negative[i] = negative;
    // A lane that is a -0 product (finite, zero, negative); Inf lanes do not matter here.
    assign lane_neg_zero[i] = negative && (sig_a == 8'd0 || sig_b == 8'd0);
  end

  // Exact signed sum (an adder tree after synthesis); SumWidth > ProdWidth, so the zero-extended
  // products are non-negative.
  logic signed [SumWidth-1:0] sum_d;
  always_comb begin
    sum_d = '0;
    for (int i = 0; i < BlockSize; i++) begin
      if (lane_negative[i]) begin
        sum_d = sum_d - $signed(SumWidth'(lane_product[ProdWidth*i +: ProdWidth]));
      end else begin
        sum_d = sum_d + $signed(SumWidth'(lane_product[ProdWidth*i +: ProdWidth]));
      end
    end
  end

  // Stage 2: the exact sum, its binary exponent and the special-case flags.
  logic                       valid_q2, nan_q2, inf_q2, inf_negative_q2, all_neg_zero_q2;
  logic signed [SumWidth-1:0] sum_q2;
  logic signed [11:0]         exponent_q2;
  logic                       nan_d, pos_inf_d, neg_inf_d;
  assign nan_d     = scale_a_q1 == 8'hFF || scale_b_q1 == 8'hFF || (|lane_nan) || (|lane_inf_zero) ||
                     ((|lane_pos_inf) && (|lane_neg_inf));
  assign pos_inf_d = |lane_pos_inf;
  assign neg_inf_d = |lane_neg_inf;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q2        <= 1'b0;
      nan_q2          <= 1'b0;
      inf_q2          <= 1'b0;
      inf_negative_q2 <= 1'b0;
      all_neg_zero_q2 <= 1'b0;
      sum_q2          <= '0;
      exponent_q2     <= '0;
    end else begin
      valid_q2        <= valid_q1;
      nan_q2          <= nan_d;
      inf_q2          <= pos_inf_d | neg_inf_d;
      inf_negative_q2 <= neg_inf_d;
      all_neg_zero_q2 <= &lane_neg_zero;
      sum_q2          <= sum_d;
      // X_A + X_B + lsb_A + lsb_B
      exponent_q2     <= $signed({4'd0, scale_a_q1}) + $signed({4'd0, scale_b_q1}) - 12'sd254 +
                         12'(LsbA + LsbB);
    end
  end

  // Normalise and round once.
  logic                negative_d;
  logic [SumWidth-1:0] magnitude_d;
  logic [31:0]         rounded, result_d;
  assign negative_d  = sum_q2 < 0 || (sum_q2 == 0 && all_neg_zero_q2);
  assign magnitude_d = (sum_q2 < 0) ? SumWidth'(-sum_q2) : SumWidth'(sum_q2);
  tessera_fp32_round #(.Width(SumWidth)) u_round (
    .negative_i (negative_d),
    .magnitude_i(magnitude_d),
    .exponent_i (exponent_q2),
    .fp32_o     (rounded)
  );
  assign result_d = nan_q2 ? 32'h7FC0_0000 :
                    inf_q2 ? (inf_negative_q2 ? 32'hFF80_0000 : 32'h7F80_0000) : rounded;

  // Stage 3: output.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_o  <= 1'b0;
      result_o <= '0;
    end else begin
      valid_o  <= valid_q2;
      result_o <= result_d;
    end
  end
endmodule
