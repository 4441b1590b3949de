// One Q8 MAC lane: fma(fp32(signed int8 w), a, acc) with one rounding. fp32(w) is exact, so the lane is
// the fused datapath fed with the converted weight. p_sel_i feeds a block-scaled multiplicand p_i instead
// (q8bmacn / q4bmacn: smol_q8_block forms it exactly). Either multiplicand has at most 18 significant bits
// (a code's magnitude up to 127 has 7, 128 is a power of two, times an 11-bit scale), so the FMA drops
// the rows of its multiplier for the 6 low significand bits (an 18 x 24 product).
module smol_fp_q8_lane (
  input  [7:0]  w_i,
  input  [31:0] p_i,
  input         p_sel_i,
  input  [31:0] a_i,
  input  [31:0] acc_i,
  output [31:0] y_o
);
  wire       neg = w_i[7];
  wire [7:0] mag = neg ? (~w_i + 8'd1) : w_i;  // -128 gives 8'h80, read as unsigned 128

  reg [2:0] msb;  // position of the leading one of mag
  integer i;
  always @* begin
    msb = 3'd0;
    for (i = 0; i < 8; i = i + 1)
      if (mag[i]) msb = i[2:0];
  end
  wire [6:0]  aligned = mag[6:0] << (3'd7 - msb);  // the bits below the leading one, left-justified
  wire [31:0] w_fp = (mag == 8'd0) ? 32'd0 : {neg, 8'd127 + {5'd0, msb}, aligned, 16'd0};

  smol_fp_fma #(.LOW_ZERO(6)) u_fma (.a_i(p_sel_i ? p_i : w_fp), .b_i(a_i), .c_i(acc_i), .y_o(y_o));
endmodule
