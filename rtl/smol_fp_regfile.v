// FP register file f0..f31 as plain flops (f0 reads 0, as the ISS). One write port: the retire port's
// registered f write, with write-through reads (see smol_int_regfile).
module smol_fp_regfile (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        we_i,
  input  wire [4:0]  waddr_i,
  input  wire [31:0] wdata_i,
  input  wire [4:0]  raddr_a_i,
  input  wire [4:0]  raddr_b_i,
  input  wire [4:0]  raddr_c_i,
  input  wire [4:0]  raddr_d_i,
  output wire [31:0] rdata_a_o,
  output wire [31:0] rdata_b_o,
  output wire [31:0] rdata_c_o,
  output wire [31:0] rdata_d_o
);
  reg [31:0] regs_q [1:31];

  genvar r;
  generate
    for (r = 1; r < 32; r = r + 1) begin : g_reg
      always @(posedge clk_i) begin
        if (!rst_ni)                    regs_q[r] <= 32'd0;
        else if (we_i && waddr_i == r)  regs_q[r] <= wdata_i;
      end
    end
  endgenerate

  // (explicit expressions, not a function: Icarus re-evaluates a function call only when its arguments change)
  assign rdata_a_o = (raddr_a_i == 5'd0) ? 32'd0 : (we_i && waddr_i == raddr_a_i) ? wdata_i : regs_q[raddr_a_i];
  assign rdata_b_o = (raddr_b_i == 5'd0) ? 32'd0 : (we_i && waddr_i == raddr_b_i) ? wdata_i : regs_q[raddr_b_i];
  assign rdata_c_o = (raddr_c_i == 5'd0) ? 32'd0 : (we_i && waddr_i == raddr_c_i) ? wdata_i : regs_q[raddr_c_i];
  assign rdata_d_o = (raddr_d_i == 5'd0) ? 32'd0 : (we_i && waddr_i == raddr_d_i) ? wdata_i : regs_q[raddr_d_i];
endmodule
