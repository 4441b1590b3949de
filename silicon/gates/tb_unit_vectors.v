`timescale 1ns/10ps
// Gate-level testbench (Icarus): one FP unit's mapped netlist, with the osu018 cells' own Verilog models,
// against vectors the ISS computed (fpu_vectors --op OP: a b c result per line). Prints PASS or FAIL.
// Compile with -DOP_<op> (add sub mul fma q8 eq lt le min max cvt_s_w cvt_w_s div sqrt).
//   vvp tb +vectors=FILE +count=N
module tb_unit_vectors;
  localparam MAX = 1 << 18;
  reg  [31:0] mem [0:4*MAX-1];
  reg  [31:0] a, b, c;
  wire [31:0] y;
  reg         clk, rst_n, start;

`ifdef OP_add
  smol_fp_add u_dut (.a_i(a), .b_i(b), .y_o(y));
`elsif OP_sub
  smol_fp_add u_dut (.a_i(a), .b_i(b ^ 32'h80000000), .y_o(y));  // how the core issues fsub
`elsif OP_mul
  smol_fp_mul u_dut (.a_i(a), .b_i(b), .y_o(y));
`elsif OP_fma
  smol_fp_fma u_dut (.a_i(a), .b_i(b), .c_i(c), .y_o(y));
`elsif OP_q8
  smol_fp_q8_lane u_dut (.w_i(a[7:0]), .p_i(32'd0), .p_sel_i(1'b0), .a_i(b), .acc_i(c), .y_o(y));
`elsif OP_cvt_s_w
  smol_fp_cvt_s_w u_dut (.a_i(a), .y_o(y));
`elsif OP_cvt_w_s
  smol_fp_cvt_w_s u_dut (.a_i(a), .y_o(y));
`elsif OP_div
  `define MULTI_CYCLE
  wire busy, valid;
  smol_fp_divsqrt u_dut (.clk_i(clk), .rst_ni(rst_n), .start_i(start), .sqrt_i(1'b0), .a_i(a), .b_i(b),
                         .busy_o(busy), .valid_o(valid), .y_o(y));
`elsif OP_sqrt
  `define MULTI_CYCLE
  wire busy, valid;
  smol_fp_divsqrt u_dut (.clk_i(clk), .rst_ni(rst_n), .start_i(start), .sqrt_i(1'b1), .a_i(a), .b_i(b),
                         .busy_o(busy), .valid_o(valid), .y_o(y));
`else
  // Compares: one smol_fp_cmp, the output named by the operation.
  wire eq, lt, le;
  wire [31:0] mn, mx;
  smol_fp_cmp u_dut (.a_i(a), .b_i(b), .eq_o(eq), .lt_o(lt), .le_o(le), .min_o(mn), .max_o(mx));
 `ifdef OP_eq
  assign y = {31'd0, eq};
 `elsif OP_lt
  assign y = {31'd0, lt};
 `elsif OP_le
  assign y = {31'd0, le};
 `elsif OP_min
  assign y = mn;
 `elsif OP_max
  assign y = mx;
 `else
  initial begin $display("FAIL: no -DOP_<op> given"); $finish; end
 `endif
`endif

  always #5 clk = ~clk;

  reg [8*512-1:0] path;
  integer i, n, errors, cycles;
  reg [31:0] got;
  initial begin
    errors = 0;
    clk = 0;
    rst_n = 0;
    start = 0;
    if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("count=%d", n)) begin
      $display("FAIL: usage: +vectors=FILE +count=N");
      $finish;
    end
    if (n > MAX || n < 1) begin
      $display("FAIL: count %0d outside 1..%0d", n, MAX);
      $finish;
    end
    $readmemh(path, mem, 0, 4 * n - 1);
`ifdef MULTI_CYCLE
    repeat (2) @(posedge clk);
    #1 rst_n = 1;
`endif
    for (i = 0; i < n; i = i + 1) begin
      a = mem[4*i];
      b = mem[4*i+1];
      c = mem[4*i+2];
`ifdef MULTI_CYCLE
      // The contract's handshake: start for one cycle while idle, then wait for the one-cycle valid.
      @(negedge clk);
      start = 1;
      @(negedge clk);
      start = 0;
      cycles = 0;
      while (valid !== 1'b1 && cycles < 256) begin
        @(negedge clk);
        cycles = cycles + 1;
      end
      got = y;
`else
      #1;
      got = y;
`endif
      if (got !== mem[4*i+3]) begin
        errors = errors + 1;
        if (errors <= 10)
          $display("MISMATCH a=%h b=%h c=%h gates=%h iss=%h", a, b, c, got, mem[4*i+3]);
      end
    end
    if (errors == 0) $display("PASS: %0d vectors", n);
    else $display("FAIL: %0d of %0d vectors mismatch", errors, n);
    $finish;
  end
endmodule
