// Vector register file v0..v7, 16 fp32 lanes each, as plain flops: 8 registers of 512 bits, each written
// whole from one write port (the retire port's registered vector write, which already carries all 16 lanes
// after the instruction, lanes at and above vl merged in), with write-through reads (see smol_int_regfile).
module smol_vec_regfile (
  input  wire         clk_i,
  input  wire         rst_ni,
  input  wire         we_i,
  input  wire [2:0]   waddr_i,
  input  wire [511:0] wdata_i,   // lane k at [32k +: 32]
  input  wire [2:0]   raddr_a_i,
  input  wire [2:0]   raddr_b_i,
  input  wire [2:0]   raddr_c_i,
  output wire [511:0] rdata_a_o,
  output wire [511:0] rdata_b_o,
  output wire [511:0] rdata_c_o
);
  reg [511:0] regs_q [0:7];

  genvar r;
  generate
    for (r = 0; r < 8; r = r + 1) begin : g_reg
      always @(posedge clk_i) begin
        if (!rst_ni)                    regs_q[r] <= 512'd0;
        else if (we_i && waddr_i == r)  regs_q[r] <= wdata_i;
      end
    end
  endgenerate

  // (explicit expressions, not a function: Icarus re-evaluates a function call only when its arguments change)
  assign rdata_a_o = (we_i && waddr_i == raddr_a_i) ? wdata_i : regs_q[raddr_a_i];
  assign rdata_b_o = (we_i && waddr_i == raddr_b_i) ? wdata_i : regs_q[raddr_b_i];
  assign rdata_c_o = (we_i && waddr_i == raddr_c_i) ? wdata_i : regs_q[raddr_c_i];
endmodule
