// Splits an fp32 value into sign, class flags and a normalised significand: a subnormal's significand is
// shifted left until its leading one sits at bit 23 and the exponent is lowered to match, so every
// datapath after this sees significands in [2^23, 2^24) (or 0 for a zero) and one exponent rule.
module smol_fp_unpack (
  input  [31:0]       x_i,
  output              sign_o,
  output signed [9:0] exp_o,    // biased exponent of bit 23 of mant_o: 1 - leading zeros for a subnormal
  output [23:0]       mant_o,   // value = mant_o * 2^(exp_o - 150)
  output              zero_o,
  output              inf_o,
  output              nan_o
);
  wire [7:0]  e = x_i[30:23];
  wire [22:0] f = x_i[22:0];
  wire [23:0] m = {e != 8'd0, f};

  // Leading zeros of the 24-bit significand (only a subnormal has any) and the normalising shift, by
  // stages of 16, 8, 4, 2, 1. A zero stays 0 (its count is not used).
  reg [4:0]  lz;
  reg [23:0] n;
  always @* begin
    n = m;
    lz = 5'd0;
    if (n[23:8] == 16'd0) begin n = n << 16; lz[4] = 1'b1; end
    if (n[23:16] == 8'd0) begin n = n << 8;  lz[3] = 1'b1; end
    if (n[23:20] == 4'd0) begin n = n << 4;  lz[2] = 1'b1; end
    if (n[23:22] == 2'd0) begin n = n << 2;  lz[1] = 1'b1; end
    if (!n[23])           begin n = n << 1;  lz[0] = 1'b1; end
  end

  assign sign_o = x_i[31];
  assign mant_o = n;
  assign exp_o  = (e == 8'd0) ? (10'sd1 - $signed({5'd0, lz})) : $signed({2'd0, e});
  assign zero_o = (e == 8'd0) && (f == 23'd0);
  assign inf_o  = (e == 8'hff) && (f == 23'd0);
  assign nan_o  = (e == 8'hff) && (f != 23'd0);
endmodule
