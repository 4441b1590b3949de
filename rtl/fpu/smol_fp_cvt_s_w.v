// int32 -> fp32, round to nearest even: magnitude, leading-one normalisation, one rounding.
module smol_fp_cvt_s_w (
  input  [31:0] a_i,
  output [31:0] y_o
);
  wire        neg = a_i[31];
  wire [31:0] mag = neg ? (~a_i + 32'd1) : a_i;  // -2^31 gives 32'h80000000, read as unsigned 2^31

  reg [4:0] msb;
  integer i;
  always @* begin
    msb = 5'd0;
    for (i = 0; i < 32; i = i + 1)
      if (mag[i]) msb = i[4:0];
  end
  wire [31:0] norm = mag << (5'd31 - msb);
  smol_fp_round #(.W(32)) u_round (.sign_i(neg), .exp_i(12'sd127 + $signed({7'd0, msb})), .mant_i(norm),
                                   .sticky_i(1'b0), .y_o(y_o));
endmodule
