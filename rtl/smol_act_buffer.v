// Activation buffer: WORDS fp32 words in 16 banks (word i in bank i mod 16), so a Q8 group reads 16
// consecutive words from any start in one cycle (one word per bank) and a memory line writes 4
// consecutive words (four different banks). Plain flops; each bank has one write and one read port.
module smol_act_buffer #(
  parameter integer WORDS = 2048,
  parameter integer AW    = 11      // log2(WORDS), at least 5
) (
  input  wire          clk_i,
  input  wire [3:0]    we_i,        // word k of the line is written to widx_i + k
  input  wire [AW-1:0] widx_i,
  input  wire [127:0]  wdata_i,
  input  wire [AW-1:0] ridx_i,      // lane j reads word ridx_i + j (mod WORDS)
  output wire [511:0]  rdata_o
);
  localparam integer ROWS = WORDS / 16;
  wire [511:0] bank_rd;   // bank b's word at [32b +: 32]

  genvar b, j;
  generate
    for (b = 0; b < 16; b = b + 1) begin : g_bank
      reg [31:0] mem_q [0:ROWS-1];
      // the word of this bank at or after a start index lies in the start's row, or the next one
      wire [3:0]    wk   = b[3:0] - widx_i[3:0];          // which word of the line lands in this bank
      wire [AW-5:0] wrow = widx_i[AW-1:4] + {{(AW-5){1'b0}}, (b[3:0] < widx_i[3:0])};
      wire [AW-5:0] rrow = ridx_i[AW-1:4] + {{(AW-5){1'b0}}, (b[3:0] < ridx_i[3:0])};
      always @(posedge clk_i) begin
        if (wk < 4'd4 && we_i[wk[1:0]]) mem_q[wrow] <= wdata_i[32*wk[1:0] +: 32];
      end
      assign bank_rd[32*b +: 32] = mem_q[rrow];
    end
    for (j = 0; j < 16; j = j + 1) begin : g_lane
      wire [3:0] bank = ridx_i[3:0] + j[3:0];
      assign rdata_o[32*j +: 32] = bank_rd[32*bank +: 32];
    end
  endgenerate
endmodule
