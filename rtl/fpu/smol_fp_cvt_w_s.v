// fp32 -> int32, rounding toward zero; NaN -> 0, values >= 2^31 -> 32'h7fffffff, values < -2^31 ->
// 32'h80000000 (which is also -2^31 itself, so every negative value of magnitude >= 2^31 saturates).
module smol_fp_cvt_w_s (
  input  [31:0] a_i,
  output [31:0] y_o
);
  wire [7:0]  e    = a_i[30:23];
  wire        nan  = (e == 8'hff) && (a_i[22:0] != 23'd0);
  wire [23:0] m    = {1'b1, a_i[22:0]};
  wire        big  = e >= 8'd158;  // |x| >= 2^31 (infinities included)
  wire        frac_only = e < 8'd127;  // |x| < 1 (subnormals and zeros included)
  wire [4:0]  up   = e[4:0] + 5'd1;  // e - 127 (mod 32): 0..30 when neither of the above
  wire [30:0] mag  = {m, 7'd0} >> (5'd30 - up);  // m * 2^(e-150), fraction dropped
  wire [31:0] val  = a_i[31] ? (~{1'b0, mag} + 32'd1) : {1'b0, mag};

  assign y_o = nan ? 32'd0 :
               big ? (a_i[31] ? 32'h80000000 : 32'h7fffffff) :
               frac_only ? 32'd0 : val;
endmodule
