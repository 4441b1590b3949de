// Testbench-only stand-in (rtl-contract.md) until rtl/fpu/smol_fp_fma.v exists: the ISS's fp32 fma via DPI.
module smol_fp_fma (input wire [31:0] a_i, b_i, c_i, output wire [31:0] y_o);
  import "DPI-C" pure function int unsigned smol_dpi_fp_fma(input int unsigned a, input int unsigned b,
                                                            input int unsigned c);
  assign y_o = smol_dpi_fp_fma(a_i, b_i, c_i);
endmodule
