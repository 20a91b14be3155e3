// Processing element of the weight-stationary array: a stationary weight register, the selected
// approximate multiplier (activation on port A, weight on port B) and a registered accumulate.
//   act_o  <= act_i                                 (activation moves right)
//   psum_o <= psum_i + sign_extend(mul(act_i, w_q)) (partial sum moves down, mod 2^AccWidth)
module tessera_approx_pe #(
  parameter int unsigned AccWidth = tessera_hw_pkg::ApproxAccWidth,
  parameter int unsigned MulKind  = tessera_hw_pkg::MulKindExact,
  parameter int unsigned MulP0    = 0,
  parameter int unsigned MulP1    = 0
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                w_load_i,  // load w_i into the weight register this cycle
  input  logic [7:0]          w_i,
  input  logic [7:0]          act_i,
  input  logic [AccWidth-1:0] psum_i,
  output logic [7:0]          act_o,
  output logic [AccWidth-1:0] psum_o
);
  logic [7:0]          w_q;
  logic [15:0]         product;
  logic [AccWidth-1:0] psum_d;

  tessera_mul8s #(.MulKind(MulKind), .MulP0(MulP0), .MulP1(MulP1)) u_mul (
    .a_i(act_i),
    .b_i(w_q),
    .p_o(product)
  );

  assign psum_d = psum_i + AccWidth'($signed(product));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      w_q    <= '0;
      act_o  <= '0;
      psum_o <= '0;
    end else begin
      if (w_load_i) w_q <= w_i;
      act_o  <= act_i;
      psum_o <= psum_d;
    end
  end
endmodule
