// One MX element code decoded exactly (golden/mx/element_format.h decode_element):
//   value = (-1)^negative_o * sig_o * 2^(lsb + shift_o), lsb = the format's smallest exponent,
// or NaN / Inf (E5M2 S.11111.mm; E4M3 S.1111.111). INT8 is a two's complement payload * 2^-6
// (sig_o = 128 for payload -128). Combinational.
module tessera_mx_decode #(
  parameter int Format = tessera_hw_pkg::MxFmtE4m3
) (
  input  logic [7:0] code_i,     // code in the low fmt_bits(Format) bits; higher bits ignored
  output logic       nan_o,
  output logic       inf_o,
  output logic       negative_o,
  output logic [7:0] sig_o,      // integer significand (hidden bit included)
  output logic [4:0] shift_o     // exponent - lsb, in [0, fmt_max_shift(Format)]
);
  localparam int         Bits     = tessera_mx_pkg::fmt_bits(Format);
  localparam int         MBits    = tessera_mx_pkg::fmt_mbits(Format);
  localparam bit         IsInt    = (Format == tessera_hw_pkg::MxFmtInt8);
  localparam bit         IsE5m2   = (Format == tessera_hw_pkg::MxFmtE5m2);
  localparam bit         IsE4m3   = (Format == tessera_hw_pkg::MxFmtE4m3);
  localparam int         EBits    = IsInt ? 0 : Bits - 1 - MBits;
  localparam logic [7:0] CodeMask = 8'((1 << Bits) - 1);
  localparam logic [7:0] MantMask = 8'((1 << MBits) - 1);
  localparam logic [7:0] ExpOnes  = 8'((1 << EBits) - 1);

  logic [7:0] code, exp_field, mant;
  always_comb begin
    code       = code_i & CodeMask;
    exp_field  = (code >> MBits) & ExpOnes;
    mant       = code & MantMask;
    nan_o      = 1'b0;
    inf_o      = 1'b0;
    negative_o = code[Bits-1];
    sig_o      = '0;
    shift_o    = '0;
    if (IsInt) begin
      sig_o = code[7] ? 8'(-code) : code;  // |payload|, 128 for -128
    end else if (IsE5m2 && exp_field == ExpOnes) begin
      inf_o = (mant == 8'd0);              // E5M2 S.11111.00
      nan_o = (mant != 8'd0);
    end else if (IsE4m3 && exp_field == ExpOnes && mant == MantMask) begin
      nan_o = 1'b1;                        // E4M3 S.1111.111
    end else if (exp_field == 8'd0) begin
      sig_o = mant;                        // subnormal (or zero): exponent = lsb
    end else begin
      sig_o   = mant | 8'(1 << MBits);
      shift_o = 5'(exp_field - 8'd1);      // exponent - lsb = exp_field - 1 (lsb = 1 - bias - mbits)
    end
  end

  // Codes narrower than 8 bits leave the upper input bits unread (documented above).
  logic unused_code_bits;
  assign unused_code_bits = ^code_i;
endmodule
