// Sixteen transcendental sequencers (smol_fp_transc), one per vector lane, so vexp/vsilu/vrsqrt/vrecip/
// vsqrt take one sequence's time for the whole vector instead of vl of them (~50 cycles per silu each).
// Every lane runs the same step sequence of docs/isa.md section 5 as the scalar unit, so the results are
// those of the ISS bit for bit. Lane 0 also serves the scalar instructions (en_i = 1).
// start_i (while !busy_o) samples op_i, a_i and en_i; done_o is 1 in the one cycle where every enabled lane
// has finished (the cycle after start_i if en_i = 0), and y_o holds the results until the next start.
// While the bank is idle its sixteen fused multiply-adds are free: fma_y_o = fma(fma_a_i, fma_b_i, fma_c_i)
// lane by lane, combinational (the vector unit's one-cycle element-wise ops).
// Lanes finish at different times (special operands skip the sequence); a lane's busy_o falls in the
// cycle its result is final, so the bank is done when no lane is busy.
module smol_vec_transc (
  input          clk_i,
  input          rst_ni,
  input          start_i,
  input  [2:0]   op_i,
  input  [511:0] a_i,     // word j = operand of lane j
  input  [15:0]  en_i,
  input  [511:0] fma_a_i,
  input  [511:0] fma_b_i,
  input  [511:0] fma_c_i,
  output         busy_o,
  output         done_o,
  output [511:0] y_o,     // word j = result of lane j
  output [511:0] fma_y_o
);
  reg         busy_q;
  wire [15:0] lane_busy;

  genvar j;
  generate
    for (j = 0; j < 16; j = j + 1) begin : g_lane
      smol_fp_transc u_transc (
        .clk_i  (clk_i),
        .rst_ni (rst_ni),
        .start_i(start_i && !busy_q && en_i[j]),
        .op_i   (op_i),
        .a_i    (a_i[32*j +: 32]),
        .busy_o (lane_busy[j]),
        .valid_o(),
        .fma_a_i(fma_a_i[32*j +: 32]),
        .fma_b_i(fma_b_i[32*j +: 32]),
        .fma_c_i(fma_c_i[32*j +: 32]),
        .y_o    (y_o[32*j +: 32]),
        .fma_y_o(fma_y_o[32*j +: 32])
      );
    end
  endgenerate

  assign done_o = busy_q && (lane_busy == 16'd0);

  always @(posedge clk_i) begin
    if (!rst_ni) busy_q <= 1'b0;
    else if (!busy_q) busy_q <= start_i;
    else if (done_o) busy_q <= 1'b0;
  end

  assign busy_o = busy_q;
endmodule
