#pragma once
// The Verilog the gate tests synthesize.
namespace tessera::test {

inline constexpr const char* kMultiplierVerilog = R"(
module mul8s(input [7:0] a, input [7:0] b, output [15:0] p);
  assign p = $signed(a) * $signed(b);
endmodule
)";

// One register stage after the multiplier: the state depends only on the previous vector.
inline constexpr const char* kRegisteredMultiplierVerilog = R"(
module mul8s_reg(input clk_i, input [7:0] a, input [7:0] b, output reg [15:0] p);
  always @(posedge clk_i) p <= $signed(a) * $signed(b);
endmodule
)";

}  // namespace tessera::test
