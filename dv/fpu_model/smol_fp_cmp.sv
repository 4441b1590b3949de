// Testbench-only stand-in (rtl-contract.md) until rtl/fpu/smol_fp_cmp.v exists.
module smol_fp_cmp (input wire [31:0] a_i, b_i, output wire eq_o, lt_o, le_o, output wire [31:0] min_o, max_o);
  import "DPI-C" pure function int unsigned smol_dpi_fp_cmp(input int unsigned a, input int unsigned b);
  import "DPI-C" pure function int unsigned smol_dpi_fp_min(input int unsigned a, input int unsigned b);
  import "DPI-C" pure function int unsigned smol_dpi_fp_max(input int unsigned a, input int unsigned b);
  wire [31:0] c = smol_dpi_fp_cmp(a_i, b_i);
  assign eq_o = c[0];
  assign lt_o = c[1];
  assign le_o = c[2];
  assign min_o = smol_dpi_fp_min(a_i, b_i);
  assign max_o = smol_dpi_fp_max(a_i, b_i);
endmodule
