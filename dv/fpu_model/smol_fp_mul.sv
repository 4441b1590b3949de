// Testbench-only stand-in (rtl-contract.md) until rtl/fpu/smol_fp_mul.v exists: the ISS's fp32 mul via DPI.
module smol_fp_mul (input wire [31:0] a_i, b_i, output wire [31:0] y_o);
  import "DPI-C" pure function int unsigned smol_dpi_fp_mul(input int unsigned a, input int unsigned b);
  assign y_o = smol_dpi_fp_mul(a_i, b_i);
endmodule
