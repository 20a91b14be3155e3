// Helpers shared by the approximate multipliers: keep masks of the partial-product arrays and a
// leading-one detector. Written in the subset Yosys 0.23 reads as well (results are assigned to
// the function name: its front end has no `return`, no int'() casts).
package tessera_approx_pkg;

  // trunc<k>: drop every p(i,j) with i + j < k (golden truncated_array).
  function automatic logic [63:0] trunc_keep_mask(int k);
    trunc_keep_mask = {64{1'b1}};
    for (int j = 0; j < 8; j++) begin
      for (int i = 0; i < 8; i++) begin
        if (i + j < k) trunc_keep_mask[8*j+i] = 1'b0;
      end
    end
  endfunction

  // bam_h<h>_v<v>: drop p(i,j) when i < 7 and (j < h (horizontal break) or i + j < v (vertical
  // break)); the sign column i = 7 stays, so 0 * x = 0 (golden broken_array).
  function automatic logic [63:0] bam_keep_mask(int h, int v);
    bam_keep_mask = {64{1'b1}};
    for (int j = 0; j < 8; j++) begin
      for (int i = 0; i < 8; i++) begin
        if (i < 7 && (j < h || i + j < v)) bam_keep_mask[8*j+i] = 1'b0;
      end
    end
  endfunction

  // Position of the leading one of m (0 when m == 0; callers treat zero separately).
  function automatic logic [2:0] leading_one(logic [7:0] m);
    leading_one = 3'd0;
    for (int t = 0; t < 8; t++) begin
      if (m[t]) leading_one = 3'(t);
    end
  endfunction

  // |x| of a two's complement byte, as 8 unsigned bits (-128 -> 128).
  function automatic logic [7:0] magnitude(logic [7:0] x);
    magnitude = x[7] ? 8'(~x + 8'd1) : x;
  endfunction

endpackage
