// Testbench-only stand-in (rtl-contract.md) until rtl/fpu/smol_fp_transc.v exists: the contract's
// handshake with a fixed 24-cycle latency, the result from the ISS's exp/silu/rsqrt/recip/sqrt via DPI.
module smol_fp_transc (input wire clk_i, rst_ni, start_i, input wire [2:0] op_i, input wire [31:0] a_i,
                       output wire busy_o, output reg valid_o, output reg [31:0] y_o);
  import "DPI-C" function int unsigned smol_dpi_fp_transc(input int unsigned op, input int unsigned a);
  reg [4:0] cnt_q;
  reg [31:0] res_q;
  assign busy_o = cnt_q != 5'd0;
  always @(posedge clk_i) begin
    valid_o <= 1'b0;
    if (!rst_ni) begin
      cnt_q <= 5'd0; y_o <= 32'd0; res_q <= 32'd0;
    end else if (start_i && !busy_o) begin
      cnt_q <= 5'd24; res_q <= smol_dpi_fp_transc({29'd0, op_i}, a_i);
    end else if (busy_o) begin
      cnt_q <= cnt_q - 5'd1;
      if (cnt_q == 5'd1) begin valid_o <= 1'b1; y_o <= res_q; end
    end
  end
endmodule
