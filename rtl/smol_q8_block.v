// Block-scaled Q8 front end (docs/isa.md §7, q8bmacn / q4bmacn): holds the current block's fp16 scale d,
// widened to fp32 once, in the step before the block's first group (a chunk's scale step, or the previous
// block's second group, which reads the next two bytes beside its codes), and forms the 16 multiplicands
// p[k] = fp32(code[k]) * s of one 16-element group in front of the Q8 lanes. The product is exact (an
// 8 x 11-bit integer product has at most 18 significant bits, inside the 24-bit significand, and the lane
// relies on the 6 below them being zero; every non-zero |p| lies in 2^-24 .. 2^24, the normal range), so
// there is no rounder: a leading-one search places the product and the exponents add. The lanes' fma is
// then the element's only rounding, as the ISA says.
module smol_q8_block (
  input  wire         clk_i,
  input  wire         rst_ni,
  input  wire         load_i,    // d_i is the scale of the block whose first group comes next
  input  wire [15:0]  d_i,       // little-endian binary16 from the block's first two bytes
  input  wire [127:0] bytes_i,   // the group's 16 code bytes (q8_0) or the block's 16 nibble bytes (q4_0)
  input  wire         q4_i,      // codes are nibble - 8
  input  wire         hi_i,      // q4_0: the high nibbles (elements 16..31)
  output wire [511:0] p_o        // word k = fp32 multiplicand of lane k
);
  // the widened scale, kept as its classes and an 11-bit significand with the leading one at bit 10
  reg        s_sign_q, s_zero_q, s_inf_q, s_nan_q;
  reg [7:0]  s_exp_q;            // fp32 biased exponent of s
  reg [10:0] s_sig_q;

  wire [4:0] h_e = d_i[14:10];
  wire [9:0] h_m = d_i[9:0];
  reg  [3:0] h_msb;              // leading one of a subnormal half's fraction
  integer i;
  always @* begin
    h_msb = 4'd0;
    for (i = 0; i < 10; i = i + 1)
      if (h_m[i]) h_msb = i[3:0];
  end
  // a subnormal half m * 2^-24 is the normal fp32 2^(msb-24) * 1.f
  wire [10:0] sub_sig = {1'b0, h_m} << (4'd10 - h_msb);

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      s_sign_q <= 1'b0; s_zero_q <= 1'b1; s_inf_q <= 1'b0; s_nan_q <= 1'b0;
      s_exp_q <= 8'd0; s_sig_q <= 11'd0;
    end else if (load_i) begin
      s_sign_q <= d_i[15];
      s_zero_q <= (h_e == 5'd0) && (h_m == 10'd0);
      s_inf_q  <= (h_e == 5'd31) && (h_m == 10'd0);
      s_nan_q  <= (h_e == 5'd31) && (h_m != 10'd0);
      if (h_e == 5'd0) begin
        s_exp_q <= 8'd103 + {4'd0, h_msb};
        s_sig_q <= sub_sig;
      end else begin
        s_exp_q <= {3'd0, h_e} + 8'd112;
        s_sig_q <= {1'b1, h_m};
      end
    end
  end

  genvar k;
  generate
    for (k = 0; k < 16; k = k + 1) begin : g_lane
      wire [7:0] byte_k = bytes_i[8*k +: 8];
      wire [3:0] nib    = hi_i ? byte_k[7:4] : byte_k[3:0];
      wire [7:0] code   = q4_i ? ({4'd0, nib} - 8'd8) : byte_k;
      wire       c_neg  = code[7];
      wire [7:0] c_mag  = c_neg ? (~code + 8'd1) : code;  // -128 gives 8'h80, read as unsigned 128
      wire [18:0] prod  = {11'd0, c_mag} * {8'd0, s_sig_q};
      reg  [4:0] p_msb;                                  // 10..18 when both factors are non-zero
      integer b;
      always @* begin
        p_msb = 5'd0;
        for (b = 0; b < 19; b = b + 1)
          if (prod[b]) p_msb = b[4:0];
      end
      wire [17:0] frac   = prod[17:0] << (5'd18 - p_msb);  // the leading one shifted out at the top
      wire [7:0]  p_exp  = s_exp_q + {3'd0, p_msb} - 8'd10;
      wire        p_sign = c_neg ^ s_sign_q;
      reg  [31:0] p;
      always @* begin
        if (s_nan_q || (s_inf_q && c_mag == 8'd0)) p = 32'h7fc00000;  // NaN, 0 * inf: the canonical NaN
        else if (s_inf_q)                           p = {p_sign, 8'hff, 23'd0};
        else if (s_zero_q || c_mag == 8'd0)         p = {p_sign, 31'd0};  // +0 * s keeps s's sign
        else                                        p = {p_sign, p_exp, frac, 5'd0};
      end
      assign p_o[32*k +: 32] = p;
    end
  endgenerate
endmodule
