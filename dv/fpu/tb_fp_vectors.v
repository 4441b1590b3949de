// Icarus testbench: add, mul and fma against vectors the ISS computed (fpu_vectors). Prints a PASS or
// FAIL line that icarus_test.sh checks.  vvp tb +vectors=FILE +count=N
module tb_fp_vectors;
  localparam MAX = 16384;
  reg  [31:0] mem [0:6*MAX-1];
  reg  [31:0] a, b, c;
  wire [31:0] y_add, y_mul, y_fma;
  smol_fp_add u_add (.a_i(a), .b_i(b), .y_o(y_add));
  smol_fp_mul u_mul (.a_i(a), .b_i(b), .y_o(y_mul));
  smol_fp_fma u_fma (.a_i(a), .b_i(b), .c_i(c), .y_o(y_fma));

  reg [8*512-1:0] path;
  integer i, n, errors;
  initial begin
    errors = 0;
    if (!$value$plusargs("vectors=%s", path) || !$value$plusargs("count=%d", n)) begin
      $display("FAIL: usage: +vectors=FILE +count=N");
      $finish;
    end
    if (n > MAX || n < 1) begin
      $display("FAIL: count %0d outside 1..%0d", n, MAX);
      $finish;
    end
    $readmemh(path, mem, 0, 6 * n - 1);
    for (i = 0; i < n; i = i + 1) begin
      a = mem[6*i];
      b = mem[6*i+1];
      c = mem[6*i+2];
      #1;
      if (y_add !== mem[6*i+3] || y_mul !== mem[6*i+4] || y_fma !== mem[6*i+5]) begin
        errors = errors + 1;
        if (errors <= 10)
          $display("MISMATCH a=%h b=%h c=%h add %h/%h mul %h/%h fma %h/%h (rtl/iss)", a, b, c, y_add, mem[6*i+3],
                   y_mul, mem[6*i+4], y_fma, mem[6*i+5]);
      end
    end
    if (errors == 0) $display("PASS: %0d vectors (add, mul, fma)", n);
    else $display("FAIL: %0d of %0d vectors mismatch", errors, n);
    $finish;
  end
endmodule
