// Instruction cache: LINES direct-mapped 16-byte lines. The lookup is combinational (the execute cycle
// decodes the word it returns); a miss is filled by the core from its memory port; a store to a cached line
// invalidates it, so self-modifying code behaves as on the ISS.
module smol_icache #(
  parameter integer LINES = 64,
  parameter integer AW    = 6       // log2(LINES)
) (
  input  wire         clk_i,
  input  wire         rst_ni,
  input  wire [31:2]  pc_i,        // word address of the instruction
  output wire         hit_o,
  output wire [31:0]  insn_o,
  input  wire         fill_i,      // the line of pc_i arrived
  input  wire [127:0] fill_data_i,
  input  wire         inv_i,       // a store to line inv_line_i
  input  wire [27:0]  inv_line_i
);
  reg [127:0]     data_q [0:LINES-1];
  reg [27-AW:0]   tag_q  [0:LINES-1];
  reg [LINES-1:0] valid_q;

  wire [AW-1:0] idx     = pc_i[AW+3:4];
  wire [AW-1:0] inv_idx = inv_line_i[AW-1:0];
  wire [127:0]  line    = data_q[idx];
  assign hit_o  = valid_q[idx] && (tag_q[idx] == pc_i[31:AW+4]);
  assign insn_o = line[32*pc_i[3:2] +: 32];

  always @(posedge clk_i) begin
    if (fill_i) begin
      data_q[idx] <= fill_data_i;
      tag_q[idx]  <= pc_i[31:AW+4];
    end
  end
  always @(posedge clk_i) begin
    if (!rst_ni) valid_q <= {LINES{1'b0}};
    else if (fill_i) valid_q[idx] <= 1'b1;
    else if (inv_i && tag_q[inv_idx] == inv_line_i[27:AW]) valid_q[inv_idx] <= 1'b0;
  end
endmodule
