// FP32 helpers on raw bits (finite values unless stated). Yosys 0.23 subset (no `return`).
package tessera_fp32_pkg;

  // Integer significand of |x| (hidden bit included; subnormals as they are).
  // (Arguments are the fields a function needs, so that no bit goes unused.)
  function automatic logic [23:0] significand(logic [30:0] magnitude);
    significand = {magnitude[30:23] != 8'd0, magnitude[22:0]};
  endfunction

  // Exponent of the significand's LSB: |x| = significand * 2^lsb_exponent.
  function automatic int lsb_exponent(logic [7:0] exponent_field);
    lsb_exponent = (exponent_field == 8'd0) ? -149 : $signed({24'd0, exponent_field}) - 150;
  endfunction

  function automatic logic is_zero(logic [30:0] magnitude);
    is_zero = (magnitude == 31'd0);
  endfunction

  // a < b for non-NaN floats (infinities allowed), IEEE order: -0 == +0.
  function automatic logic less(logic [31:0] a, logic [31:0] b);
    if (is_zero(a[30:0]) && is_zero(b[30:0])) begin
      less = 1'b0;
    end else if (a[31] != b[31]) begin
      less = a[31];
    end else if (a[31]) begin
      less = a[30:0] > b[30:0];
    end else begin
      less = a[30:0] < b[30:0];
    end
  endfunction

endpackage
