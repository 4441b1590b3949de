// Testbench-only stand-in (rtl-contract.md) until rtl/fpu/smol_fp_q8_lane.v exists: fma(fp32(int8 w), a, acc).
module smol_fp_q8_lane (input wire [7:0] w_i, input wire [31:0] a_i, acc_i, output wire [31:0] y_o);
  import "DPI-C" pure function int unsigned smol_dpi_fp_q8(input int unsigned w, input int unsigned a,
                                                           input int unsigned acc);
  assign y_o = smol_dpi_fp_q8({24'd0, w_i}, a_i, acc_i);
endmodule
