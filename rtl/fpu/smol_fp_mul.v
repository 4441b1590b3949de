// a * b, correctly rounded: the fused datapath with addend -0.0, which leaves every product unchanged
// (a zero product keeps its own sign since x + -0 = x for x = +-0).
module smol_fp_mul (
  input  [31:0] a_i,
  input  [31:0] b_i,
  output [31:0] y_o
);
  smol_fp_fma u_fma (.a_i(a_i), .b_i(b_i), .c_i(32'h80000000), .y_o(y_o));
endmodule
