// IEEE quiet comparisons and min/max. Any NaN makes eq/lt/le false and min/max the canonical NaN;
// -0 == +0 for the comparisons, while min/max order -0 below +0.
module smol_fp_cmp (
  input  [31:0] a_i,
  input  [31:0] b_i,
  output        eq_o,
  output        lt_o,
  output        le_o,
  output [31:0] min_o,
  output [31:0] max_o
);
  wire a_nan = (a_i[30:23] == 8'hff) && (a_i[22:0] != 23'd0);
  wire b_nan = (b_i[30:23] == 8'hff) && (b_i[22:0] != 23'd0);
  wire unordered = a_nan | b_nan;
  wire both_zero = (a_i[30:0] == 31'd0) && (b_i[30:0] == 31'd0);

  // Sign-magnitude order: positive values order by their bits, negative ones in reverse.
  wire mag_lt = a_i[30:0] < b_i[30:0];
  wire mag_gt = a_i[30:0] > b_i[30:0];
  wire a_lt_b = (a_i[31] != b_i[31]) ? a_i[31] : (a_i[31] ? mag_gt : mag_lt);  // bit order, -0 < +0

  assign eq_o = !unordered && ((a_i == b_i) || both_zero);
  assign lt_o = !unordered && !both_zero && a_lt_b;
  assign le_o = eq_o | lt_o;
  assign min_o = unordered ? 32'h7fc00000 : (a_lt_b ? a_i : b_i);
  assign max_o = unordered ? 32'h7fc00000 : (a_lt_b ? b_i : a_i);
endmodule
