// A Depth-cycle delay line (Depth = 0 is a wire). Used for the systolic skew and de-skew.
module tessera_delay #(
  parameter int Width = 8,
  parameter int Depth = 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic [Width-1:0] d_i,
  output logic [Width-1:0] q_o
);
  if (Depth == 0) begin : g_wire
    assign q_o = d_i;
    // No registers: the clock and reset are not needed (Verilator's default --unused-regexp
    // *unused* exempts this signal, the lowRISC idiom for intentionally unused inputs).
    logic unused_clk_rst;
    assign unused_clk_rst = clk_i ^ rst_ni;
  end else begin : g_regs
    logic [Width-1:0] stage_q [Depth];
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        for (int s = 0; s < Depth; s++) stage_q[s] <= '0;
      end else begin
        stage_q[0] <= d_i;
        for (int s = 1; s < Depth; s++) stage_q[s] <= stage_q[s-1];
      end
    end
    assign q_o = stage_q[Depth-1];
  end
endmodule
