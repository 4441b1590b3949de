// Division and square root, correctly rounded, by radix-2 restoring digit recurrence: one quotient or
// root bit per cycle, 27 bits (the leading one, 23 fraction bits, a round bit and two more), then the
// remainder's nonzero-ness as the sticky bit and one rounding in smol_fp_round (subnormal quotients
// included). Latency: start_i, 27 iteration cycles, one rounding cycle; valid_o pulses with y_o.
module smol_fp_divsqrt (
  input         clk_i,
  input         rst_ni,
  input         start_i,
  input         sqrt_i,
  input  [31:0] a_i,
  input  [31:0] b_i,
  output        busy_o,
  output        valid_o,
  output [31:0] y_o
);
  localparam [4:0] STEPS = 5'd27;

  wire              sa, sb, za, zb, ia, ib, na, nb;
  wire signed [9:0] ea, eb;
  wire [23:0]       ma, mb;
  smol_fp_unpack u_a (.x_i(a_i), .sign_o(sa), .exp_o(ea), .mant_o(ma), .zero_o(za), .inf_o(ia), .nan_o(na));
  smol_fp_unpack u_b (.x_i(b_i), .sign_o(sb), .exp_o(eb), .mant_o(mb), .zero_o(zb), .inf_o(ib), .nan_o(nb));

  // Results that need no recurrence, decided when the operands are sampled.
  wire        div_nan  = na | nb | (za & zb) | (ia & ib);
  wire        div_inf  = ia | zb;
  wire        div_zero = za | ib;
  wire [31:0] div_special_y = div_nan ? 32'h7fc00000 : div_inf ? {sa ^ sb, 8'hff, 23'd0} : {sa ^ sb, 31'd0};
  wire        div_special = div_nan | div_inf | div_zero;
  wire        sqrt_nan = na | (sa & !za);
  wire        sqrt_special = sqrt_nan | za | ia;  // sqrt(+-0) = +-0, sqrt(+inf) = +inf
  wire [31:0] sqrt_special_y = sqrt_nan ? 32'h7fc00000 : a_i;

  // Division: a quotient in [1, 2) by pre-doubling a dividend smaller than the divisor.
  wire               a_below_b = ma < mb;
  wire [24:0]        div_rem0 = a_below_b ? {ma, 1'b0} : {1'b0, ma};
  wire signed [11:0] div_exp0 = {{2{ea[9]}}, ea} - {{2{eb[9]}}, eb} + 12'sd127 - {11'd0, a_below_b};
  // Square root: an even unbiased exponent halves exactly; an odd one moves a factor 2 into the radicand.
  wire signed [11:0] unbiased = {{2{ea[9]}}, ea} - 12'sd127;
  wire [24:0]        radicand = unbiased[0] ? {ma, 1'b0} : {1'b0, ma};  // value in [1, 4) with 23 fraction bits
  wire signed [11:0] sqrt_exp0 = (unbiased >>> 1) + 12'sd127;

  reg         busy_q, valid_q, sqrt_q, special_q, sign_q;
  reg [4:0]   count_q;
  reg [29:0]  rem_q;
  reg [26:0]  q_q;        // quotient or root bits so far
  reg [23:0]  divisor_q;
  reg [53:0]  rad_q;      // radicand bits not yet brought down, two per step
  reg signed [11:0] exp_q;
  reg [31:0]  special_y_q, y_q;

  // One recurrence step.
  wire [29:0] div_trial = {6'd0, divisor_q};
  wire        div_ge    = rem_q >= div_trial;
  wire [29:0] div_rem   = (div_ge ? rem_q - div_trial : rem_q) << 1;
  wire [29:0] sqrt_rem2 = {rem_q[27:0], rad_q[53:52]};
  wire [29:0] sqrt_trial = {1'b0, q_q, 2'b01};
  wire        sqrt_ge   = sqrt_rem2 >= sqrt_trial;
  wire [29:0] sqrt_rem  = sqrt_ge ? sqrt_rem2 - sqrt_trial : sqrt_rem2;
  wire        bit_d     = sqrt_q ? sqrt_ge : div_ge;

  wire [31:0] rounded;
  smol_fp_round #(.W(27)) u_round (.sign_i(sign_q), .exp_i(exp_q), .mant_i(q_q), .sticky_i(rem_q != 30'd0),
                                   .y_o(rounded));

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      valid_q <= 1'b0;
      sqrt_q <= 1'b0;
      special_q <= 1'b0;
      sign_q <= 1'b0;
      count_q <= 5'd0;
      rem_q <= 30'd0;
      q_q <= 27'd0;
      divisor_q <= 24'd0;
      rad_q <= 54'd0;
      exp_q <= 12'sd0;
      special_y_q <= 32'd0;
      y_q <= 32'd0;
    end else begin
      valid_q <= 1'b0;
      if (!busy_q) begin
        if (start_i) begin
          busy_q <= 1'b1;
          count_q <= STEPS;
          sqrt_q <= sqrt_i;
          q_q <= 27'd0;
          divisor_q <= mb;
          if (sqrt_i) begin
            special_q <= sqrt_special;
            special_y_q <= sqrt_special_y;
            sign_q <= 1'b0;
            exp_q <= sqrt_exp0;
            rem_q <= 30'd0;
            rad_q <= {radicand, 29'd0};
          end else begin
            special_q <= div_special;
            special_y_q <= div_special_y;
            sign_q <= sa ^ sb;
            exp_q <= div_exp0;
            rem_q <= {5'd0, div_rem0};
            rad_q <= 54'd0;
          end
        end
      end else if (count_q != 5'd0) begin
        count_q <= count_q - 5'd1;
        q_q <= {q_q[25:0], bit_d};
        rem_q <= sqrt_q ? sqrt_rem : div_rem;
        rad_q <= rad_q << 2;
      end else begin
        busy_q <= 1'b0;
        valid_q <= 1'b1;
        y_q <= special_q ? special_y_q : rounded;
      end
    end
  end

  assign busy_o = busy_q;
  assign valid_o = valid_q;
  assign y_o = y_q;
endmodule
