// The FP32 nearest (ties to even) to (-1)^negative_i * magnitude_i * 2^exponent_i, subnormals
// honoured, overflow to infinity, underflow to a signed zero. A port of golden/mx/fp32_bits.h
// round_to_fp32_bits() for a Width-bit magnitude. Combinational.
module tessera_fp32_round #(
  parameter int Width = 64
) (
  input  logic             negative_i,
  input  logic [Width-1:0] magnitude_i,
  input  logic signed [11:0] exponent_i,
  output logic [31:0]      fp32_o
);
  logic [31:0]    sign;
  int             length, lead, quantum, shift, magnitude_bits;
  logic [Width-1:0] kept, rest, half;
  logic [24:0]    n;
  always_comb begin
    sign = negative_i ? 32'h8000_0000 : 32'h0;
    length = 0;
    for (int i = 0; i < Width; i++) begin
      if (magnitude_i[i]) length = i + 1;
    end
    lead    = length - 1 + 32'(exponent_i);
    quantum = ((lead < -126) ? -126 : lead) - 23;
    shift   = quantum - 32'(exponent_i);
    kept = '0;
    rest = '0;
    half = '0;
    n    = '0;
    magnitude_bits = 0;
    if (length == 0) begin
      fp32_o = sign;
    end else if (lead > 127) begin
      fp32_o = sign | 32'h7F80_0000;
    end else begin
      if (shift <= 0) begin
        n = 25'({25'd0, magnitude_i} << (-shift));  // lead <= quantum + 23: fits in 24 bits
      end else if (shift <= Width) begin
        kept = magnitude_i >> shift;
        rest = magnitude_i - (kept << shift);
        half = Width'(1) << (shift - 1);
        n = 25'(kept) + 25'((rest > half || (rest == half && kept[0])) ? 1 : 0);
      end
      // else: below half of the quantum, n = 0
      if (n == 25'h100_0000) begin         // rounding carried into a new binade
        n = n >> 1;
        quantum = quantum + 1;
      end
      magnitude_bits = ((quantum + 149) << 23) + 32'(n);
      if (n == 25'd0) begin
        fp32_o = sign;
      end else if (magnitude_bits >= 32'h7F80_0000) begin
        fp32_o = sign | 32'h7F80_0000;
      end else begin
        fp32_o = sign | 32'(magnitude_bits);
      end
    end
  end
endmodule
