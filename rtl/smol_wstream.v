// Q8 weight stream: a FIFO of DEPTH memory lines fed by a sequential prefetcher that keeps running past
// the end of a Q8 instruction, so the next instruction (the next matrix row: the weight pointer walks on)
// finds its first lines already here and the memory latency is paid once per matrix, not once per row.
// start_i names the line a chunk begins at: if it lies in the streamed window [head, next) the lines
// before it are skipped, otherwise the window is flushed (responses still in flight are dropped) and the
// stream restarts there. A store into the window flushes it too, so a read never sees a stale line.
// Speculative requests stop at the end of memory; they never fault (faults are decided by the core).
// A step may consume up to 18 bytes (a block op's last group and the next block's scale), so the head
// shows the first byte of a third line too and up to two lines pop at once.
module smol_wstream #(
  parameter integer DEPTH = 32,
  parameter integer AW    = 5       // log2(DEPTH)
) (
  input  wire         clk_i,
  input  wire         rst_ni,
  input  wire [28:0]  mem_lines_i,   // memory size in lines
  input  wire         start_i,
  input  wire [27:0]  start_line_i,
  input  wire [1:0]   pop_i,         // head lines consumed (0..2, at most avail_o)
  output wire [AW:0]  avail_o,       // lines ready at the head (0 while skipping)
  output wire [263:0] head_o,        // {first byte of line head + 2, line head + 1, line head}
  output wire         req_valid_o,
  output wire [27:0]  req_line_o,
  input  wire         req_fire_i,    // the request was taken
  input  wire         rsp_valid_i,   // a weight-stream response (id 1)
  input  wire [127:0] rsp_data_i,
  input  wire         st_valid_i,    // a store to line st_line_i was taken
  input  wire [27:0]  st_line_i
);
  reg [127:0]  fifo_q [0:DEPTH-1];
  reg [AW-1:0] rd_ptr_q, wr_ptr_q;
  reg [AW:0]   count_q, inflight_q, drop_q, skip_q;
  reg [28:0]   head_line_q, next_line_q;   // 29 bits: the line after the last one of a 4 GiB memory
  reg          active_q;

  wire [AW-1:0] rd_ptr1 = rd_ptr_q + 1'b1;
  wire [AW-1:0] rd_ptr2 = rd_ptr1 + 1'b1;
  assign head_o = {fifo_q[rd_ptr2][7:0], fifo_q[rd_ptr1], fifo_q[rd_ptr_q]};
  assign avail_o     = (skip_q == 0) ? count_q : {(AW+1){1'b0}};

  localparam [AW+1:0] DEPTH_W = DEPTH[AW+1:0];
  wire [AW+1:0] used = {1'b0, count_q} + {1'b0, inflight_q} - {1'b0, drop_q};
  assign req_valid_o = active_q && (used < DEPTH_W) && (next_line_q < mem_lines_i);
  assign req_line_o  = next_line_q[27:0];

  wire [28:0] start_line = {1'b0, start_line_i};
  wire [28:0] st_line    = {1'b0, st_line_i};
  wire in_window_start = active_q && (start_line >= head_line_q) && (start_line < next_line_q);
  wire [AW:0] start_skip = start_line[AW:0] - head_line_q[AW:0];   // < DEPTH inside the window
  wire st_flush = st_valid_i && active_q && (st_line >= head_line_q) && (st_line < next_line_q);
  wire flush    = (start_i && !in_window_start) || st_flush;

  wire take = rsp_valid_i && (drop_q == 0);                 // a response that belongs to the window
  wire pop  = !start_i && (pop_i != 2'd0 || skip_q != 0) && count_q != 0;
  wire [1:0] pop_n = (skip_q != 0) ? 2'd1 : pop_i;   // skipping drops one line per cycle
  wire [AW:0] inflight_d = inflight_q + (req_fire_i ? 1 : 0) - (rsp_valid_i ? 1 : 0);

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      rd_ptr_q <= 0; wr_ptr_q <= 0; count_q <= 0; inflight_q <= 0; drop_q <= 0; skip_q <= 0;
      head_line_q <= 29'd0; next_line_q <= 29'd0; active_q <= 1'b0;
    end else begin
      inflight_q <= inflight_d;
      if (req_fire_i) next_line_q <= next_line_q + 29'd1;
      if (flush) begin
        // everything still outstanding after this cycle belongs to the old window
        rd_ptr_q <= 0; wr_ptr_q <= 0; count_q <= 0; skip_q <= 0;
        drop_q <= inflight_d;
        active_q <= start_i;
        head_line_q <= start_line; next_line_q <= start_line;
      end else begin
        if (rsp_valid_i && drop_q != 0) drop_q <= drop_q - 1'b1;
        if (take) begin
          fifo_q[wr_ptr_q] <= rsp_data_i;
          wr_ptr_q <= wr_ptr_q + 1'b1;
        end
        if (pop) begin
          rd_ptr_q <= rd_ptr_q + {{(AW-2){1'b0}}, pop_n};
          head_line_q <= head_line_q + {27'd0, pop_n};
        end
        count_q <= count_q + (take ? 1 : 0) - (pop ? {{(AW-1){1'b0}}, pop_n} : {(AW+1){1'b0}});
        if (start_i) skip_q <= start_skip;
        else if (pop && skip_q != 0) skip_q <= skip_q - 1'b1;
      end
    end
  end
endmodule
