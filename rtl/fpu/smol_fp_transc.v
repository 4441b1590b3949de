// The transcendental instructions as the exact step sequences of docs/isa.md section 5, sequenced over
// one fused multiply-add (which also performs the sequence's adds as fma(x, 1, y) and multiplies as
// fma(x, y, -0), both exact rewrites) and one divide/square-root unit. op_i: 0 exp, 1 silu,
// 2 rsqrt = RN(1/RN(sqrt a)), 3 recip = RN(1/a), 4 sqrt. Same handshake as smol_fp_divsqrt.
// While idle (busy_o = 0) the fused multiply-add is free: fma_y_o = fma(fma_a_i, fma_b_i, fma_c_i),
// combinational, so a vector unit built of these sequencers does its element-wise adds, multiplies and
// fmas on the same datapaths instead of carrying a second set.
module smol_fp_transc (
  input         clk_i,
  input         rst_ni,
  input         start_i,
  input  [2:0]  op_i,
  input  [31:0] a_i,
  input  [31:0] fma_a_i,
  input  [31:0] fma_b_i,
  input  [31:0] fma_c_i,
  output        busy_o,
  output        valid_o,
  output [31:0] y_o,
  output [31:0] fma_y_o
);
  localparam [2:0] OP_EXP = 3'd0, OP_SILU = 3'd1, OP_RSQRT = 3'd2, OP_RECIP = 3'd3, OP_SQRT = 3'd4;

  localparam [31:0] ONE = 32'h3f800000, NEG_ZERO = 32'h80000000, SIGN = 32'h80000000;
  localparam [31:0] L2E = 32'h3fb8aa3b, LN2_HI = 32'h3f317200, LN2_LO = 32'h35bfbe8e, MAGIC = 32'h4b400000;
  localparam [31:0] C6 = 32'h3ab51224, C5 = 32'h3c091cea, C4 = 32'h3d2aac79, C3 = 32'h3e2aaa49,
                    C2 = 32'h3efffffe, C1 = 32'h3f800000, C0 = 32'h3f800000;

  // Program counter values. 0..12: exp's range reduction, polynomial and scaling of xr_q (shared by exp
  // and both silu paths); then each operation's own tail.
  localparam [4:0] PC_T = 5'd0, PC_U = 5'd1, PC_K = 5'd2, PC_R_HI = 5'd3, PC_R_LO = 5'd4, PC_P6 = 5'd5,
                   PC_P0 = 5'd10, PC_S1 = 5'd11, PC_S2 = 5'd12,
                   PC_POS_D = 5'd13, PC_POS_DIV = 5'd14,                          // silu, x >= 0
                   PC_NEG_D = 5'd15, PC_NEG_Q = 5'd16, PC_NEG_DIV = 5'd17,        // silu, x < 0
                   PC_NEG_S1 = 5'd18, PC_NEG_S2 = 5'd19,
                   PC_SQRT = 5'd20, PC_RECIP = 5'd21, PC_DONE = 5'd22;

  reg        busy_q, valid_q, wait_q;
  reg [2:0]  op_q;
  reg [4:0]  pc_q;
  reg [31:0] x_q;    // the operand
  reg [31:0] xr_q;   // the value exp's steps reduce: x, or -x for silu with x >= 0
  reg [31:0] k_q, r_q, p_q, v_q, d_q;
  reg signed [8:0] n_q;  // k as an integer, -174..128
  reg [31:0] y_q;

  // Constants of the polynomial in step order (pc 5 uses c6 and c5, pc 10 uses c0).
  reg [31:0] coeff;
  always @* begin
    case (pc_q)
      5'd5:    coeff = C5;
      5'd6:    coeff = C4;
      5'd7:    coeff = C3;
      5'd8:    coeff = C2;
      5'd9:    coeff = C1;
      5'd10:   coeff = C0;
      default: coeff = C0;
    endcase
  end

  // 2^e1 and 2^e2 with e1 = floor(n / 2), e2 = n - e1: both in -87..64, so both are normal numbers.
  wire [7:0]  e1 = n_q[8:1];          // arithmetic shift right by one
  wire [7:0]  e2 = n_q[7:0] - e1;     // fits 8 bits, so the subtraction mod 256 is exact
  wire [7:0]  e1_biased = e1 + 8'd127;
  wire [7:0]  e2_biased = e2 + 8'd127;
  wire [31:0] pow2_e1 = {1'b0, e1_biased, 23'd0};
  wire [31:0] pow2_e2 = {1'b0, e2_biased, 23'd0};

  // The fused datapath's operands for the current step.
  reg [31:0] fa, fb, fc;
  always @* begin
    fa = v_q;
    fb = ONE;
    fc = NEG_ZERO;
    case (pc_q)
      PC_T:      begin fa = xr_q;      fb = L2E; end
      PC_U:      begin fa = v_q;       fc = MAGIC; end
      PC_K:      begin fa = v_q;       fc = MAGIC ^ SIGN; end
      PC_R_HI:   begin fa = k_q ^ SIGN; fb = LN2_HI; fc = xr_q; end
      PC_R_LO:   begin fa = k_q ^ SIGN; fb = LN2_LO; fc = r_q; end
      PC_P6:     begin fa = C6;        fb = r_q; fc = coeff; end
      5'd6, 5'd7, 5'd8, 5'd9, PC_P0:
                 begin fa = p_q;       fb = r_q; fc = coeff; end
      PC_S1:     begin fa = p_q;       fb = pow2_e1; end
      PC_S2:     begin fa = v_q;       fb = pow2_e2; end
      PC_POS_D:  begin fa = v_q;       fc = ONE; end
      PC_NEG_D:  begin fa = v_q;       fc = ONE; end
      PC_NEG_Q:  begin fa = x_q;       fb = p_q; end
      PC_NEG_S1: begin fa = v_q;       fb = pow2_e1; end
      PC_NEG_S2: begin fa = v_q;       fb = pow2_e2; end
      default:   begin fa = v_q; end
    endcase
    if (!busy_q) begin fa = fma_a_i; fb = fma_b_i; fc = fma_c_i; end
  end
  wire [31:0] f_y;
  smol_fp_fma u_fma (.a_i(fa), .b_i(fb), .c_i(fc), .y_o(f_y));

  // The divide/square-root steps: start once, then wait for valid.
  reg        ds_sqrt;
  reg [31:0] ds_a, ds_b;
  always @* begin
    ds_sqrt = 1'b0;
    ds_a = ONE;
    ds_b = v_q;
    case (pc_q)
      PC_POS_DIV: begin ds_a = x_q; ds_b = v_q; end
      PC_NEG_DIV: begin ds_a = v_q; ds_b = d_q; end
      PC_SQRT:    begin ds_sqrt = 1'b1; ds_a = v_q; end
      PC_RECIP:   begin ds_a = ONE; ds_b = v_q; end
      default:    begin ds_a = ONE; end
    endcase
  end
  wire        ds_busy, ds_valid;
  wire ds_step = busy_q && !wait_q && !ds_busy &&
                 (pc_q == PC_POS_DIV || pc_q == PC_NEG_DIV || pc_q == PC_SQRT || pc_q == PC_RECIP);
  wire [31:0] ds_y;
  smol_fp_divsqrt u_divsqrt (.clk_i(clk_i), .rst_ni(rst_ni), .start_i(ds_step), .sqrt_i(ds_sqrt), .a_i(ds_a),
                             .b_i(ds_b), .busy_o(ds_busy), .valid_o(ds_valid), .y_o(ds_y));

  // Operand classes and the clamps of docs/isa.md, read from the bits (sign-magnitude order).
  wire a_nan     = (a_i[30:23] == 8'hff) && (a_i[22:0] != 23'd0);
  wire a_nonneg  = !a_i[31] || (a_i == 32'h80000000);              // x >= 0, -0 included
  wire exp_inf   = !a_i[31] && (a_i[30:0] > 31'h42b17217);          // x > 88.7228317
  wire exp_zero  = a_i[31] && (a_i[30:0] > 31'h42d00000);           // x < -104
  wire silu_zero = a_i[31] && (a_i[30:0] > 31'h42f00000);           // x < -120
  wire silu_pos_skip = !a_i[31] && (a_i[30:0] > 31'h42d00000);      // -x < -104: exp(-x) = +0

  // n = k as an integer: u = k + 1.5 * 2^23 has ulp 1, so k is u's fraction field minus 2^22; as n fits
  // 9 bits and 2^22 has none there, n is the low 9 bits of u itself.

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      valid_q <= 1'b0;
      wait_q <= 1'b0;
      op_q <= 3'd0;
      pc_q <= 5'd0;
      x_q <= 32'd0;
      xr_q <= 32'd0;
      k_q <= 32'd0;
      r_q <= 32'd0;
      p_q <= 32'd0;
      v_q <= 32'd0;
      d_q <= 32'd0;
      n_q <= 9'sd0;
      y_q <= 32'd0;
    end else begin
      valid_q <= 1'b0;
      if (!busy_q) begin
        if (start_i) begin
          busy_q <= 1'b1;
          wait_q <= 1'b0;
          op_q <= op_i;
          x_q <= a_i;
          xr_q <= a_i;
          v_q <= a_i;
          pc_q <= PC_T;
          case (op_i)
            OP_EXP: begin
              if (a_nan)         begin y_q <= 32'h7fc00000; pc_q <= PC_DONE; end
              else if (exp_inf)  begin y_q <= 32'h7f800000; pc_q <= PC_DONE; end
              else if (exp_zero) begin y_q <= 32'h00000000; pc_q <= PC_DONE; end
            end
            OP_SILU: begin
              if (a_nan)               begin y_q <= 32'h7fc00000; pc_q <= PC_DONE; end
              else if (a_nonneg) begin
                xr_q <= a_i ^ SIGN;
                if (silu_pos_skip) begin v_q <= 32'd0; pc_q <= PC_POS_D; end
              end
              else if (silu_zero)      begin y_q <= 32'h80000000; pc_q <= PC_DONE; end
            end
            OP_RSQRT: pc_q <= PC_SQRT;
            OP_RECIP: pc_q <= PC_RECIP;
            OP_SQRT:  pc_q <= PC_SQRT;
            default:  begin y_q <= 32'h7fc00000; pc_q <= PC_DONE; end
          endcase
        end
      end else begin
        case (pc_q)
          PC_T:    begin v_q <= f_y; pc_q <= PC_U; end
          PC_U:    begin v_q <= f_y; pc_q <= PC_K; end
          PC_K:    begin k_q <= f_y; n_q <= $signed(v_q[8:0]); pc_q <= PC_R_HI; end
          PC_R_HI: begin r_q <= f_y; pc_q <= PC_R_LO; end
          PC_R_LO: begin r_q <= f_y; pc_q <= PC_P6; end
          5'd5, 5'd6, 5'd7, 5'd8, 5'd9:
                   begin p_q <= f_y; pc_q <= pc_q + 5'd1; end
          PC_P0:   begin p_q <= f_y; pc_q <= PC_S1; end
          PC_S1:   begin v_q <= f_y; pc_q <= PC_S2; end
          PC_S2: begin
            v_q <= f_y;
            if (op_q == OP_EXP) begin y_q <= f_y; pc_q <= PC_DONE; end
            else if (!x_q[31] || x_q == 32'h80000000) pc_q <= PC_POS_D;
            else pc_q <= PC_NEG_D;
          end
          PC_POS_D:  begin v_q <= f_y; pc_q <= PC_POS_DIV; end
          PC_NEG_D:  begin d_q <= f_y; pc_q <= PC_NEG_Q; end
          PC_NEG_Q:  begin v_q <= f_y; pc_q <= PC_NEG_DIV; end
          PC_NEG_S1: begin v_q <= f_y; pc_q <= PC_NEG_S2; end
          PC_NEG_S2: begin y_q <= f_y; pc_q <= PC_DONE; end
          PC_POS_DIV, PC_NEG_DIV, PC_SQRT, PC_RECIP: begin
            if (!wait_q) wait_q <= 1'b1;
            else if (ds_valid) begin
              wait_q <= 1'b0;
              v_q <= ds_y;
              case (pc_q)
                PC_NEG_DIV: pc_q <= PC_NEG_S1;
                PC_SQRT:    if (op_q == OP_RSQRT) pc_q <= PC_RECIP; else begin y_q <= ds_y; pc_q <= PC_DONE; end
                default:    begin y_q <= ds_y; pc_q <= PC_DONE; end
              endcase
            end
          end
          PC_DONE: begin busy_q <= 1'b0; valid_q <= 1'b1; end
          default: begin busy_q <= 1'b0; valid_q <= 1'b1; y_q <= 32'h7fc00000; end
        endcase
      end
    end
  end

  assign busy_o = busy_q;
  assign valid_o = valid_q;
  assign y_o = y_q;
  assign fma_y_o = f_y;
endmodule
