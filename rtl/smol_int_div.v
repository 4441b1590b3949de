// Integer divider: restoring, one quotient bit per cycle (32 cycles) on the magnitudes; signs applied
// at the end. Division by zero is left to the core (docs/isa.md §3 defines its result from the operands).
module smol_int_div (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        start_i,
  input  wire        signed_i,
  input  wire [31:0] a_i,       // dividend
  input  wire [31:0] b_i,       // divisor
  output wire        done_o,    // quotient and remainder valid (until the next start)
  output wire [31:0] quo_o,
  output wire [31:0] rem_o
);
  reg [5:0]  cnt_q;
  reg [31:0] quo_q, rem_q, den_q;
  reg        neg_q_q, neg_r_q;

  wire [32:0] trial = {rem_q, quo_q[31]} - {1'b0, den_q};
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      cnt_q <= 6'd0; quo_q <= 32'd0; rem_q <= 32'd0; den_q <= 32'd0; neg_q_q <= 1'b0; neg_r_q <= 1'b0;
    end else if (start_i) begin
      quo_q <= (signed_i && a_i[31]) ? (32'd0 - a_i) : a_i;
      den_q <= (signed_i && b_i[31]) ? (32'd0 - b_i) : b_i;
      rem_q <= 32'd0; cnt_q <= 6'd32;
      neg_q_q <= signed_i && (a_i[31] ^ b_i[31]);
      neg_r_q <= signed_i && a_i[31];
    end else if (cnt_q != 6'd0) begin
      if (!trial[32]) begin
        rem_q <= trial[31:0]; quo_q <= {quo_q[30:0], 1'b1};
      end else begin
        rem_q <= {rem_q[30:0], quo_q[31]}; quo_q <= {quo_q[30:0], 1'b0};
      end
      cnt_q <= cnt_q - 6'd1;
    end
  end
  assign done_o = (cnt_q == 6'd0) && !start_i;
  assign quo_o  = neg_q_q ? (32'd0 - quo_q) : quo_q;
  assign rem_o  = neg_r_q ? (32'd0 - rem_q) : rem_q;
endmodule
