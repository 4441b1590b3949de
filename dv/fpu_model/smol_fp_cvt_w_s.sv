// Testbench-only stand-in (rtl-contract.md) until rtl/fpu/smol_fp_cvt_w_s.v exists.
module smol_fp_cvt_w_s (input wire [31:0] a_i, output wire [31:0] y_o);
  import "DPI-C" pure function int unsigned smol_dpi_fp_cvt_w_s(input int unsigned a);
  assign y_o = smol_dpi_fp_cvt_w_s(a_i);
endmodule
