// Sixteen Q8 MAC lanes: y[j] = fma(fp32(int8 w[j]), a[j], acc[j]) for one 16-element group per cycle
// (docs/isa.md §7). Lanes with en_i[j] = 0 pass acc[j] through unchanged (the tail of a group).
module smol_q8_lanes (
  input  wire [127:0] w_i,    // byte j = weight of lane j
  input  wire [511:0] p_i,    // word j = fp32 multiplicand of lane j, used instead of w_i when p_sel_i
  input  wire         p_sel_i,
  input  wire [511:0] a_i,    // word j = activation of lane j
  input  wire [511:0] acc_i,  // word j = accumulator of lane j
  input  wire [15:0]  en_i,
  output wire [511:0] y_o
);
  genvar j;
  generate
    for (j = 0; j < 16; j = j + 1) begin : g_lane
      wire [31:0] lane_y;
      smol_fp_q8_lane u_lane (
        .w_i  (w_i[8*j +: 8]),
        .p_i  (p_i[32*j +: 32]),
        .p_sel_i(p_sel_i),
        .a_i  (a_i[32*j +: 32]),
        .acc_i(acc_i[32*j +: 32]),
        .y_o  (lane_y)
      );
      assign y_o[32*j +: 32] = en_i[j] ? lane_y : acc_i[32*j +: 32];
    end
  endgenerate
endmodule
