// a + b, correctly rounded: the fused datapath with b scaled by the constant 1.0 (a * 1.0 is exact, so
// the one rounding is the sum's). Synthesis folds the constant multiplier away.
module smol_fp_add (
  input  [31:0] a_i,
  input  [31:0] b_i,
  output [31:0] y_o
);
  smol_fp_fma u_fma (.a_i(a_i), .b_i(32'h3f800000), .c_i(b_i), .y_o(y_o));
endmodule
