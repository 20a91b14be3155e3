// OCP MX v1.0 element formats as constant functions of the format number (MxFmt* in
// tessera_hw_pkg, numbered as golden's ElementFormat: 0 fp8_e4m3, 1 fp8_e5m2, 2 fp6_e3m2,
// 3 fp6_e2m3, 4 fp4_e2m1, 5 int8). The values mirror golden/mx/element_format.h element_spec().
// The case labels are literals: reading tessera_hw_pkg from procedural code makes Verilator 5.006
// flag every unused parameter of that package (UNUSEDPARAM), and tests/hw decodes every code of
// every format number against golden, so a renumbering cannot pass unnoticed. Written in the
// subset Yosys 0.23 reads (results assigned to the function name).
package tessera_mx_pkg;

  // Width of a code (codes sit in the low bits of a byte).
  function automatic int fmt_bits(int fmt);
    case (fmt)
      2, 3:    fmt_bits = 6;
      4:       fmt_bits = 4;
      default: fmt_bits = 8;
    endcase
  endfunction

  // Explicit mantissa bits (INT8: 6 fraction bits).
  function automatic int fmt_mbits(int fmt);
    case (fmt)
      0, 3:    fmt_mbits = 3;
      1, 2:    fmt_mbits = 2;
      4:       fmt_mbits = 1;
      default: fmt_mbits = 6;
    endcase
  endfunction

  function automatic int fmt_bias(int fmt);
    case (fmt)
      0:       fmt_bias = 7;
      1:       fmt_bias = 15;
      2:       fmt_bias = 3;
      3, 4:    fmt_bias = 1;
      default: fmt_bias = 0;
    endcase
  endfunction

  // Exponent of the largest power of two (emax_elem).
  function automatic int fmt_emax(int fmt);
    case (fmt)
      0:       fmt_emax = 8;
      1:       fmt_emax = 15;
      2:       fmt_emax = 4;
      3, 4:    fmt_emax = 2;
      default: fmt_emax = 0;
    endcase
  endfunction

  // Exponent of the smallest normal (1 - bias; 0 for INT8).
  function automatic int fmt_emin(int fmt);
    case (fmt)
      0:       fmt_emin = -6;
      1:       fmt_emin = -14;
      2:       fmt_emin = -2;
      default: fmt_emin = 0;
    endcase
  endfunction

  // Exponent of the smallest subnormal (INT8: 2^-6).
  function automatic int fmt_lsb(int fmt);
    case (fmt)
      0:       fmt_lsb = -9;
      1:       fmt_lsb = -16;
      2:       fmt_lsb = -4;
      3:       fmt_lsb = -3;
      4:       fmt_lsb = -1;
      default: fmt_lsb = -6;
    endcase
  endfunction

  // Max finite magnitude in units of 2^lsb.
  function automatic longint fmt_max_units(int fmt);
    case (fmt)
      0:       fmt_max_units = 64'd229376;      // 448 * 2^9
      1:       fmt_max_units = 64'd3758096384;  // 57344 * 2^16
      2:       fmt_max_units = 64'd448;         // 28 * 2^4
      3:       fmt_max_units = 64'd60;          // 7.5 * 2^3
      4:       fmt_max_units = 64'd12;          // 6 * 2^1
      default: fmt_max_units = 64'd127;         // 127/64 * 2^6
    endcase
  endfunction

  // Positive code of the max finite magnitude.
  function automatic int fmt_max_code(int fmt);
    case (fmt)
      0:       fmt_max_code = 'h7E;
      1:       fmt_max_code = 'h7B;
      2, 3:    fmt_max_code = 'h1F;
      4:       fmt_max_code = 'h7;
      default: fmt_max_code = 'h7F;
    endcase
  endfunction

  // Significand bits of a decoded element (hidden bit included; INT8: 8 for |-128|).
  function automatic int fmt_sig_bits(int fmt);
    fmt_sig_bits = (fmt == 5) ? 8 : fmt_mbits(fmt) + 1;
  endfunction

  // Largest (exponent - lsb) of a decoded element: how far its significand shifts left.
  function automatic int fmt_max_shift(int fmt);
    case (fmt)
      0:       fmt_max_shift = 14;  // exponent field 15: 15 - 7 - 3 + 9
      1:       fmt_max_shift = 29;  // exponent field 30: 30 - 15 - 2 + 16
      2:       fmt_max_shift = 6;   // 7 - 3 - 2 + 4
      3:       fmt_max_shift = 2;   // 3 - 1 - 3 + 3
      4:       fmt_max_shift = 2;   // 3 - 1 - 1 + 1
      default: fmt_max_shift = 0;
    endcase
  endfunction

  // Number of significant bits of x (0 for 0).
  function automatic int bit_length32(logic [31:0] x);
    bit_length32 = 0;
    for (int i = 0; i < 32; i++) begin
      if (x[i]) bit_length32 = i + 1;
    end
  endfunction

endpackage
