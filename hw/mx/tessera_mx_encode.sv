// One MX element: an FP32 value divided by the block scale 2^X, rounded to the nearest element
// (ties to even) and saturated at the format's max finite magnitude. A line-by-line port of
// golden/mx/element_encode.h encode_element() for ElementRounding::nearest_even and
// Overflow::saturate, entered the way quantize_element() enters it (FP32 split into significand
// and LSB exponent, the exponent lowered by X). Combinational.
//
// The value must be finite (a block with NaN or Inf gets scale 0xFF and never reaches here).
// Range facts used below: X in [-127, 127] and the element quantum is >= 2^lsb >= 2^-16, so the
// number of discarded bits `shift` is always >= 6 (never a left shift); shift >= 25 leaves less
// than half a quantum (the 24-bit significand is below 2^24), which rounds to zero.
module tessera_mx_encode #(
  parameter int Format = tessera_hw_pkg::MxFmtE4m3
) (
  input  logic [31:0]       value_i,      // FP32 bits, finite
  input  logic signed [9:0] scale_exp_i,  // X = scale byte - 127
  output logic [7:0]        code_o        // element code in the low fmt_bits(Format) bits
);
  localparam int          Bits     = tessera_mx_pkg::fmt_bits(Format);
  localparam int          MBits    = tessera_mx_pkg::fmt_mbits(Format);
  localparam int          Bias     = tessera_mx_pkg::fmt_bias(Format);
  localparam int          EMax     = tessera_mx_pkg::fmt_emax(Format);
  localparam int          EMin     = tessera_mx_pkg::fmt_emin(Format);
  localparam int          Lsb      = tessera_mx_pkg::fmt_lsb(Format);
  localparam logic [63:0] MaxUnits = tessera_mx_pkg::fmt_max_units(Format);
  localparam logic [7:0]  MaxCode  = 8'(tessera_mx_pkg::fmt_max_code(Format));
  localparam bit          IsInt    = (Format == tessera_hw_pkg::MxFmtInt8);
  localparam logic [7:0]  SignBit  = IsInt ? 8'd0 : 8'(1 << (Bits - 1));
  localparam logic [7:0]  MantMask = 8'((1 << MBits) - 1);

  logic        negative;
  logic [7:0]  exp_field;
  logic [23:0] sig;
  logic [7:0]  sign;
  logic [7:0]  saturated;
  int          exponent, lead, quantum, shift, rounded_lead;
  logic [23:0] kept, rest, half;
  logic [24:0] n;
  logic [63:0] units;

  always_comb begin
    negative  = value_i[31];
    exp_field = value_i[30:23];
    sig       = {exp_field != 8'd0, value_i[22:0]};
    sign      = negative ? SignBit : 8'd0;
    saturated = IsInt ? (negative ? 8'h81 : MaxCode) : (sign | MaxCode);
    exponent  = ((exp_field == 8'd0) ? -149 : $signed({24'd0, exp_field}) - 150) - 32'(scale_exp_i);
    lead      = tessera_mx_pkg::bit_length32({8'd0, sig}) - 1 + exponent;
    quantum   = IsInt ? Lsb : (((lead < EMin) ? EMin : lead) - MBits);
    shift     = quantum - exponent;
    kept = '0;
    rest = '0;
    half = '0;
    n = '0;
    units = '0;
    rounded_lead = 0;
    if (sig == 24'd0) begin
      code_o = sign;                       // a signed zero
    end else if (lead > EMax + 1) begin
      code_o = saturated;                  // at or above 2^(emax+2): too large even rounded down
    end else begin
      if (shift < 25) begin
        kept = sig >> shift;
        rest = sig - (kept << shift);
        half = 24'd1 << (shift - 1);
        n = {1'b0, kept} + 25'((rest > half || (rest == half && kept[0])) ? 1 : 0);
      end
      units = 64'(n) << (quantum - Lsb);
      if (units > MaxUnits) begin
        code_o = saturated;
      end else if (IsInt) begin
        code_o = negative ? 8'(-n) : n[7:0];
      end else if (n == 25'd0) begin
        code_o = sign;
      end else begin
        rounded_lead = tessera_mx_pkg::bit_length32({7'd0, n}) - 1 + quantum;
        if (rounded_lead < EMin) begin
          code_o = sign | n[7:0];          // subnormal element
        end else begin
          code_o = sign | 8'((rounded_lead + Bias) << MBits) |
                   (8'(n >> (rounded_lead - MBits - quantum)) & MantMask);
        end
      end
    end
  end
endmodule
