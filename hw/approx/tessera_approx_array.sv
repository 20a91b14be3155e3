// Weight-stationary systolic MAC array of Rows x Cols approximate-multiplier PEs.
//
// Computes, for every activation vector act_i (one per cycle while valid_i is high):
//   acc_o[c] = acc_i[c] + sum_r sign_extend(mul(act_i[r], W[r][c]))     (mod 2^AccWidth)
// i.e. one row of a GEMM tile C = A * W (+ C_in): Rows is the reduction dimension K, Cols the
// output dimension N. The activation enters port A of each multiplier, the weight port B.
//
// Timing: a vector presented at cycle t leaves at cycle t + Latency, Latency = Rows + Cols - 1,
// with valid_o. The skew of the systolic wavefront is internal (delay lines on the activation
// rows and on acc_i, de-skew on the outputs), so callers see plain vectors.
// Weights: while w_load_i is high, w_i[c] is written into PE (w_row_i, c). Load weights only
// when no vector is in flight (the array has no double buffer).
module tessera_approx_array #(
  parameter int unsigned Rows     = tessera_hw_pkg::ApproxArrayRows,
  parameter int unsigned Cols     = tessera_hw_pkg::ApproxArrayCols,
  parameter int unsigned AccWidth = tessera_hw_pkg::ApproxAccWidth,
  parameter int unsigned MulKind  = tessera_hw_pkg::MulKindExact,
  parameter int unsigned MulP0    = 0,
  parameter int unsigned MulP1    = 0,
  localparam int unsigned RowIdxWidth = Rows > 1 ? $clog2(Rows) : 1,
  localparam int unsigned Latency     = Rows + Cols - 1
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // weight load, one row per cycle
  input  logic                   w_load_i,
  input  logic [RowIdxWidth-1:0] w_row_i,
  input  logic [Cols*8-1:0]      w_i,      // bits [8c +: 8]: weight of column c
  // activation stream
  input  logic                   valid_i,
  input  logic [Rows*8-1:0]      act_i,    // bits [8r +: 8]: activation of row r (k index)
  input  logic [Cols*AccWidth-1:0] acc_i,  // bits [AccWidth*c +: AccWidth]: column c's C_in
  output logic                   valid_o,
  output logic [Cols*AccWidth-1:0] acc_o   // bits [AccWidth*c +: AccWidth]: column c's result
);
  // Flat vectors throughout: Yosys 0.23 reads neither unpacked nor multi-dimensional packed ports.
  // act slot r*(Cols+1) + c (8 bits) enters PE (r, c); slot r*(Cols+1) + Cols leaves unused.
  logic [Rows*(Cols+1)*8-1:0]      act;
  // psum slot r*Cols + c (AccWidth bits) enters PE (r, c) from above; slot Rows*Cols + c leaves.
  logic [(Rows+1)*Cols*AccWidth-1:0] psum;

  for (genvar r = 0; r < Rows; r++) begin : g_act_skew
    tessera_delay #(.Width(8), .Depth(r)) u_skew (
      .clk_i, .rst_ni, .d_i(act_i[8*r +: 8]), .q_o(act[8*(r*(Cols+1)) +: 8])
    );
  end

  for (genvar c = 0; c < Cols; c++) begin : g_col
    tessera_delay #(.Width(AccWidth), .Depth(c)) u_acc_skew (
      .clk_i, .rst_ni, .d_i(acc_i[AccWidth*c +: AccWidth]), .q_o(psum[AccWidth*c +: AccWidth])
    );
    tessera_delay #(.Width(AccWidth), .Depth(Cols - 1 - c)) u_deskew (
      .clk_i, .rst_ni, .d_i(psum[AccWidth*(Rows*Cols+c) +: AccWidth]),
      .q_o(acc_o[AccWidth*c +: AccWidth])
    );
  end

  for (genvar r = 0; r < Rows; r++) begin : g_pe_row
    for (genvar c = 0; c < Cols; c++) begin : g_pe_col
      tessera_approx_pe #(
        .AccWidth(AccWidth), .MulKind(MulKind), .MulP0(MulP0), .MulP1(MulP1)
      ) u_pe (
        .clk_i,
        .rst_ni,
        .w_load_i(w_load_i && (w_row_i == RowIdxWidth'(r))),
        .w_i     (w_i[8*c +: 8]),
        .act_i   (act[8*(r*(Cols+1)+c) +: 8]),
        .psum_i  (psum[AccWidth*(r*Cols+c) +: AccWidth]),
        .act_o   (act[8*(r*(Cols+1)+c+1) +: 8]),
        .psum_o  (psum[AccWidth*((r+1)*Cols+c) +: AccWidth])
      );
    end
  end

  tessera_delay #(.Width(1), .Depth(Latency)) u_valid (
    .clk_i, .rst_ni, .d_i(valid_i), .q_o(valid_o)
  );

  // The last column's activations leave the array; nothing reads them.
  logic [Rows-1:0] unused_act_out;
  for (genvar r = 0; r < Rows; r++) begin : g_unused
    assign unused_act_out[r] = ^act[8*(r*(Cols+1)+Cols) +: 8];
  end
endmodule
