// Rounds a positive significand to fp32, round to nearest, ties to even, subnormal and infinite results
// included. mant_i carries its leading one at bit W-1 (or is all zero) and exp_i is the biased exponent
// that bit would have; bits below the kept 24 and sticky_i (the exact value continues below mant_i) decide
// the rounding. A result below the normal range is first shifted right, collecting what falls out.
module smol_fp_round #(
  parameter W = 27  // at least 26: 24 kept bits, a round bit and one more
) (
  input                sign_i,
  input signed [11:0]  exp_i,
  input  [W-1:0]       mant_i,
  input                sticky_i,
  output [31:0]        y_o
);
  localparam SHW = 12;
  wire              tiny   = exp_i < 12'sd1;
  wire signed [SHW-1:0] sh_full = 12'sd1 - exp_i;
  // A shift past the whole significand leaves only sticky bits; clamp it so the shifter stays W+1 wide.
  wire [SHW-1:0]    sh     = !tiny ? {SHW{1'b0}} :
                             (sh_full > W + 1) ? (W + 1) : sh_full;
  wire [2*W-1:0]    ext    = {mant_i, {W{1'b0}}} >> sh;
  wire [W-1:0]      m      = ext[2*W-1:W];
  wire              lost   = |ext[W-1:0];
  wire [22:0]       frac   = m[W-2:W-24];  // m[W-1] becomes the exponent field's implicit one
  wire              rnd    = m[W-25];
  wire              sticky = (|m[W-26:0]) | lost | sticky_i;
  wire              inc    = rnd & (sticky | frac[0]);
  wire [7:0]        expf   = tiny ? 8'd0 : exp_i[7:0];
  // Exponent and fraction side by side: a carry out of the fraction moves the exponent up by one,
  // which turns the largest subnormal into the smallest normal and the largest finite value into inf.
  wire [30:0]       sum    = {expf, frac} + {30'd0, inc};
  wire              ovf    = (exp_i > 12'sd254) || (sum[30:23] == 8'hff);
  wire              zero   = (mant_i == {W{1'b0}});

  assign y_o = zero ? {sign_i, 31'd0} :
               ovf  ? {sign_i, 8'hff, 23'd0} : {sign_i, sum[30:0]};
endmodule
