// SMOL-32 core: a multi-cycle sequencer over one scalar/lane fp datapath, a 16-lane Q8 MAC unit fed by a
// streamed weight port with its own line FIFO, an activation buffer, and a small instruction cache.
// Every instruction of docs/isa.md; a trap stops the core before any state changes. The retire port
// (rvfi_*) carries each instruction's commit record (docs/trace.md) for lockstep co-simulation.
// Memory port: docs/rtl.md (16-byte lines, valid/ready requests, in-order read responses with an id).
`include "smol32_decode.vh"
module smol_core #(
  parameter integer ABUF_WORDS  = 2048,  // activation buffer, fp32 words (a whole 1536-wide vector)
  parameter integer ABUF_AW     = 11,    // log2(ABUF_WORDS)
  parameter integer WFIFO_DEPTH = 32,    // weight-stream lines in flight or buffered (>= latency + 2)
  parameter integer WFIFO_AW    = 5,     // log2(WFIFO_DEPTH)
  parameter integer IC_LINES    = 64,    // instruction cache, 16-byte lines, direct mapped
  parameter integer IC_AW       = 6      // log2(IC_LINES)
) (
  input  wire         clk_i,
  input  wire         rst_ni,       // synchronous, active low: architectural reset
  input  wire [31:0]  boot_pc_i,    // pc after reset
  input  wire [32:0]  mem_size_i,   // bytes of memory, a multiple of 4 KiB, at most 2^32

  // Memory port: one request per cycle when ready; reads answered in order after any latency.
  output reg          mem_req_valid_o,
  input  wire         mem_req_ready_i,
  output reg  [27:0]  mem_req_line_o,   // byte address >> 4
  output reg          mem_req_we_o,
  output reg  [15:0]  mem_req_be_o,
  output reg  [127:0] mem_req_wdata_o,
  output reg          mem_req_id_o,     // 0: instruction/data, 1: Q8 weight stream
  input  wire         mem_rsp_valid_i,
  input  wire [127:0] mem_rsp_rdata_i,
  input  wire         mem_rsp_id_i,

  output wire         halted_o,         // stopped after halt or a trap
  output reg  [1:0]   stall_o,          // what this cycle waits for (docs/rtl.md): 0 none, 1 memory,
                                        // 2 dependency, 3 multi-cycle unit

  // Retire port: valid for one cycle per executed instruction (also the trapping one).
  output reg          rvfi_valid_o,
  output reg  [31:0]  rvfi_pc_o,
  output reg  [31:0]  rvfi_insn_o,
  output reg          rvfi_halt_o,
  output reg  [2:0]   rvfi_trap_o,      // 0 none, else trap kind (docs/rtl.md)
  output reg  [31:0]  rvfi_trap_addr_o,
  output reg          rvfi_x_we_o,
  output reg  [4:0]   rvfi_x_addr_o,
  output reg  [31:0]  rvfi_x_wdata_o,
  output reg          rvfi_f_we_o,
  output reg  [4:0]   rvfi_f_addr_o,
  output reg  [31:0]  rvfi_f_wdata_o,
  output reg          rvfi_v_we_o,
  output reg  [2:0]   rvfi_v_addr_o,
  output reg  [511:0] rvfi_v_lanes_o,
  output reg          rvfi_vl_we_o,
  output reg  [4:0]   rvfi_vl_o,
  output reg          rvfi_qscale_we_o,
  output reg          rvfi_qw_we_o,
  output reg          rvfi_qa_we_o,
  output reg  [31:0]  rvfi_qscale_o,
  output reg  [31:0]  rvfi_qw_o,
  output reg  [31:0]  rvfi_qa_o,
  output reg          rvfi_acc_we_o,
  output reg  [511:0] rvfi_acc_o,
  output reg          rvfi_mem_byte_o,  // one byte store
  output reg  [4:0]   rvfi_mem_words_o, // number of word stores (0..16), consecutive from rvfi_mem_addr_o
  output reg  [31:0]  rvfi_mem_addr_o,
  output reg  [511:0] rvfi_mem_wdata_o
);
  // ---------------------------------------------------------------- constants (not encodings)
  localparam [2:0] TRAP_NONE = 3'd0, TRAP_ILLEGAL = 3'd1, TRAP_FETCH_MISALIGNED = 3'd2,
                   TRAP_FETCH_FAULT = 3'd3, TRAP_LOAD_MISALIGNED = 3'd4, TRAP_LOAD_FAULT = 3'd5,
                   TRAP_STORE_MISALIGNED = 3'd6, TRAP_STORE_FAULT = 3'd7;
  localparam [31:0] FP_NEG_ZERO = 32'h80000000, FP_NEG_INF = 32'hff800000, FP_POS_INF = 32'h7f800000,
                    FP_ONE = 32'h3f800000;

  // S_EXEC fetches (instruction cache lookup) and executes in one cycle; the others are the multi-cycle parts
  localparam [4:0] S_FETCH_WAIT = 5'd1, S_EXEC = 5'd2, S_LOAD = 5'd3, S_STORE = 5'd4,
                   S_FLANE = 5'd5, S_RED_FILL = 5'd6, S_RED_TREE = 5'd7,
                   S_Q8_CHUNK = 5'd9, S_Q8_AFILL = 5'd10, S_Q8_STREAM = 5'd11, S_VQ8 = 5'd12,
                   S_STOP = 5'd13, S_DIV = 5'd14, S_ROW_WAIT = 5'd15;

  // fp lane functions
  localparam [3:0] F_ADD = 4'd0, F_MUL = 4'd1, F_FMA = 4'd2, F_MIN = 4'd3, F_MAX = 4'd4, F_MOVA = 4'd5,
                   F_DIV = 4'd6, F_SQRT = 4'd7, F_EXP = 4'd8, F_SILU = 4'd9, F_RSQRT = 4'd10,
                   F_RECIP = 4'd11;
  // what happens after the lane loop
  localparam [1:0] P_VREG = 2'd0, P_FREG = 2'd1, P_RED = 2'd2;

  // ---------------------------------------------------------------- architectural state
  reg [31:0] pc_q;          // x, f and v registers: smol_int_regfile, smol_fp_regfile, smol_vec_regfile
  reg [4:0]  vl_q;
  reg [511:0] acc_q;        // lane j at [32j +: 32]
  reg [31:0] qscale_q, qwptr_q, qaptr_q;

  // ---------------------------------------------------------------- micro-architectural state
  reg [4:0]  state_q;
  reg [31:0] ir_q;          // the instruction of the multi-cycle states (latched in S_EXEC)
  reg [`SMOL_DEC_OP_W-1:0] op_q;


  // generic reads (id 0): up to 5 lines into rbuf
  reg [27:0]  rd_line_q;
  reg [3:0]   rd_req_left_q;
  reg [3:0]   rd_rsp_idx_q;
  reg [3:0]   rd_rsp_total_q;
  reg [127:0] rbuf_q [0:4];

  // stores: up to 5 lines from a shifted image
  reg [639:0] st_img_q;
  reg [79:0]  st_mask_q;
  reg [27:0]  st_line_q;
  reg [2:0]   st_idx_q, st_last_q;

  // memory access of the current instruction
  reg [31:0]  ma_addr_q;

  // lane loop
  reg [3:0]   fop_q, red_fop_q;
  reg         neg_a_q, neg_b_q, neg_c_q, scalar_q, b_freg_q, b_same_q;
  reg [4:0]   lane_q, lane_end_q;
  reg [1:0]   post_q;
  reg         mc_started_q;
  reg [511:0] vres_q;       // lane results of the lane loop / tree
  reg [3:0]   step_q;
  reg         is_accread_q;
  // q8row's readout of the previous row beside this row's stream: 1 = vres_q holds the tree's four values
  // after levels 1-2, 2 = its two after level 3, 3 = the scaled sum is in row_sum_q; 0 = none pending
  reg [1:0]   rt_step_q;
  reg [31:0]  row_sum_q;
  wire        rt_bg = (state_q != S_EXEC) && (rt_step_q == 2'd1 || rt_step_q == 2'd2);

  // Q8 stream
  reg [31:0]  q8_n_q, q8_off_q;
  reg [ABUF_AW:0] chunk_n_q, g_left_q, g_idx_q;
  reg [31:0]  ac_q;         // byte address of the chunk's activations
  reg [3:0]   wc_q;         // byte offset in its line of the chunk's first weight
  reg [ABUF_AW-1:0] a_off_q;  // word offset of the chunk in the activation buffer
  reg [31:0]  abuf_base_q;
  reg [ABUF_AW:0] abuf_len_q;
  reg [27:0]  af_line_q;
  reg [9:0]   af_req_left_q, af_rsp_left_q;
  reg [1:0]   bph_q;        // q8bmacn / q4bmacn: 0 the chunk's first scale, 1 a block's first 16 elements, 2 the rest


  // ---------------------------------------------------------------- decode
  wire        ic_hit;
  wire [31:0] ic_insn;
  wire [31:0] ir = (state_q == S_EXEC) ? ic_insn : ir_q;
  wire [`SMOL_DEC_OP_W-1:0] dec_op;
  wire dec_valid;
  smol_decoder u_decoder (.instr_i(ir), .op_o(dec_op), .valid_o(dec_valid));

  wire [4:0]  f_rd    = `SMOL_DEC_RD(ir);
  wire [4:0]  f_rs1   = `SMOL_DEC_RS1(ir);
  wire [4:0]  f_rs2   = `SMOL_DEC_RS2(ir);
  wire [4:0]  f_brs1  = `SMOL_DEC_BRS1(ir);
  wire [4:0]  f_brs2  = `SMOL_DEC_BRS2(ir);
  wire [4:0]  f_fd    = `SMOL_DEC_FD(ir);
  wire [4:0]  f_fs1   = `SMOL_DEC_FS1(ir);
  wire [4:0]  f_fs2   = `SMOL_DEC_FS2(ir);
  wire [4:0]  f_fs3   = `SMOL_DEC_FS3(ir);
  wire [2:0]  f_vd    = `SMOL_DEC_VD(ir);
  wire [2:0]  f_vs1   = `SMOL_DEC_VS1(ir);
  wire [2:0]  f_vs2   = `SMOL_DEC_VS2(ir);
  wire [31:0] simm    = `SMOL_DEC_SIMM16(ir);
  wire [31:0] uimm    = `SMOL_DEC_UIMM16(ir);
  wire [31:0] boff    = `SMOL_DEC_BOFF16(ir);
  wire [31:0] joff    = `SMOL_DEC_JOFF21(ir);
  wire [31:0] shamt32 = `SMOL_DEC_SHAMT(ir);
  wire [31:0] lane32  = `SMOL_DEC_LANE(ir);
  wire [31:0] qn_count = `SMOL_DEC_QN(ir);  // 16, 32 or 64 elements
  wire [15:0] f_imm   = uimm[15:0];
  wire [4:0]  f_shamt = shamt32[4:0];
  wire [3:0]  f_lane  = lane32[3:0];

  // ---------------------------------------------------------------- register files
  // Written from the retire port's registers (the cycle after retirement), read with write-through.
  wire [31:0] xs1, xs2, xb1, xb2;
  wire [31:0] xrd;      // store data, q8macn count, qsetbase/fsetbase source
  wire [31:0] fs1v, fs2v, fs3v;
  wire [31:0] frd;      // sf data, qsetscale source
  wire [511:0] vs1_lanes, vs2_lanes, vd_lanes;
  smol_int_regfile u_int_regfile (
    .clk_i(clk_i), .rst_ni(rst_ni), .sp_reset_i(mem_size_i[31:0] - 32'd16),
    .we_i(rvfi_x_we_o), .waddr_i(rvfi_x_addr_o), .wdata_i(rvfi_x_wdata_o),
    .raddr_a_i(f_rs1), .raddr_b_i(f_rs2), .raddr_c_i(f_brs1), .raddr_d_i(f_brs2), .raddr_e_i(f_rd),
    .rdata_a_o(xs1), .rdata_b_o(xs2), .rdata_c_o(xb1), .rdata_d_o(xb2), .rdata_e_o(xrd));
  smol_fp_regfile u_fp_regfile (
    .clk_i(clk_i), .rst_ni(rst_ni),
    .we_i(rvfi_f_we_o), .waddr_i(rvfi_f_addr_o), .wdata_i(rvfi_f_wdata_o),
    .raddr_a_i(f_fs1), .raddr_b_i(f_fs2), .raddr_c_i(f_fs3), .raddr_d_i(f_fd),
    .rdata_a_o(fs1v), .rdata_b_o(fs2v), .rdata_c_o(fs3v), .rdata_d_o(frd));
  smol_vec_regfile u_vec_regfile (
    .clk_i(clk_i), .rst_ni(rst_ni),
    .we_i(rvfi_v_we_o), .waddr_i(rvfi_v_addr_o), .wdata_i(rvfi_v_lanes_o),
    .raddr_a_i(f_vs1), .raddr_b_i(f_vs2), .raddr_c_i(f_vd),
    .rdata_a_o(vs1_lanes), .rdata_b_o(vs2_lanes), .rdata_c_o(vd_lanes));

  // ---------------------------------------------------------------- integer ALU
  wire [63:0] mul_ss = $signed(xs1) * $signed(xs2);
  wire [63:0] mul_uu = xs1 * xs2;
  wire        slt_r  = $signed(xs1) < $signed(xs2);
  wire        sltu_r = xs1 < xs2;
  wire        slti_r = $signed(xs1) < $signed(simm);
  wire        sltiu_r = xs1 < simm;

  // ---------------------------------------------------------------- address checks
  wire [31:0] ls_addr = xs1 + simm;                 // loads, stores (lvinc/svinc have imm 0)
  wire [33:0] mem_size34 = {1'b0, mem_size_i};
  wire [33:0] vbytes = {27'd0, vl_q, 2'b00};
  function automatic inside_f(input [31:0] a, input [33:0] n, input [33:0] size);
    inside_f = ({2'b00, a} + n) <= size;
  endfunction

  // ---------------------------------------------------------------- fp datapath
  reg  [31:0] fa, fb, fc;
  wire [31:0] fa_s = fa ^ {neg_a_q, 31'd0};
  wire [31:0] fb_s = fb ^ {neg_b_q, 31'd0};
  wire [31:0] fc_s = fc ^ {neg_c_q, 31'd0};
  wire [31:0] add_y, mul_y, fma_y, min_y, max_y;
  wire        cmp_eq, cmp_lt, cmp_le;
  wire        ds_busy, ds_valid, tr_busy, tr_done;
  wire [31:0] ds_y, cvt_sw_y, cvt_ws_y;
  wire [511:0] tr_y;
  reg  [3:0]  cur_fop;

  smol_fp_add u_fadd (.a_i(fa_s), .b_i(fb_s), .y_o(add_y));
  smol_fp_mul u_fmul (.a_i(fa_s), .b_i(fb_s), .y_o(mul_y));
  smol_fp_fma u_ffma (.a_i(fa_s), .b_i(fb_s), .c_i(fc_s), .y_o(fma_y));
  smol_fp_cmp u_fcmp (.a_i(fa), .b_i(fb), .eq_o(cmp_eq), .lt_o(cmp_lt), .le_o(cmp_le),
                      .min_o(min_y), .max_o(max_y));
  smol_fp_cvt_s_w u_cvt_sw (.a_i(xs1), .y_o(cvt_sw_y));
  smol_fp_cvt_w_s u_cvt_ws (.a_i(fs1v), .y_o(cvt_ws_y));

  wire lane_active = (state_q == S_FLANE) && (lane_q != lane_end_q);
  wire fop_multi   = (fop_q >= F_DIV);
  wire mc_start    = lane_active && fop_multi && !mc_started_q;
  // div and the scalar sqrt use the divider; every other multi-cycle op runs on the transcendental bank,
  // all active lanes of a vector at once (sqrt through the bank's own dividers, the same recurrence).
  wire use_bank    = !(fop_q == F_DIV || (fop_q == F_SQRT && scalar_q));
  wire ds_start    = mc_start && !use_bank && !ds_busy;
  wire tr_start    = mc_start && use_bank && !tr_busy;
  reg  [15:0] tr_en;
  reg  [2:0] tr_op;
  always @(*) begin
    case (fop_q)
      F_EXP:   tr_op = 3'd0;
      F_SILU:  tr_op = 3'd1;
      F_RSQRT: tr_op = 3'd2;
      F_RECIP: tr_op = 3'd3;
      default: tr_op = 3'd4;
    endcase
  end
  smol_fp_divsqrt u_divsqrt (.clk_i(clk_i), .rst_ni(rst_ni), .start_i(ds_start), .sqrt_i(fop_q == F_SQRT),
                             .a_i(fa), .b_i(fb), .busy_o(ds_busy), .valid_o(ds_valid), .y_o(ds_y));
  // Vector add/sub/mul/fma (and the products of vdot/vredsqs) run on the bank's sixteen idle fmas, all
  // lanes in one cycle: a + b as fma(a, 1, b) and a * b as fma(a, b, -0), exact rewrites of one rounding,
  // so bit for bit the lane loop's smol_fp_add/smol_fp_mul.
  wire vec_fma = !scalar_q && (fop_q == F_ADD || fop_q == F_MUL || fop_q == F_FMA);
  reg  [511:0] vx_a, vx_b, vx_c;
  wire [511:0] vx_y;
  // tree step: level sizes 8, 4, 2, 1
  reg [3:0] tree_i, tree_stride;
  always @(*) begin
    if (step_q < 4'd8)       begin tree_i = step_q;         tree_stride = 4'd8; end
    else if (step_q < 4'd12) begin tree_i = step_q - 4'd8;  tree_stride = 4'd4; end
    else if (step_q < 4'd14) begin tree_i = step_q - 4'd12; tree_stride = 4'd2; end
    else                     begin tree_i = 4'd0;           tree_stride = 4'd1; end
  end
  wire [3:0] tree_j = tree_i + tree_stride;

  always @(*) begin
    fa = 32'd0; fb = 32'd0; fc = 32'd0; cur_fop = fop_q;
    case (state_q)
      S_RED_TREE: begin
        if (red_fop_q == F_ADD) begin   // the sum tree is on the Q8 lanes; accread scales its root
          fa = vx_y[31:0]; fb = qscale_q; cur_fop = F_MUL;
        end else begin
          fa = vres_q[32*(tree_i) +: 32]; fb = vres_q[32*(tree_j) +: 32]; cur_fop = red_fop_q;
        end
      end
      default: begin
        if (rt_bg) begin                  // q8row's readout: the tree's root times the scale
          fa = vx_y[31:0]; fb = qscale_q; cur_fop = F_MUL;
        end else if (scalar_q || state_q == S_EXEC) begin  // fp compares read f registers in S_EXEC
          fa = fs1v; fb = fs2v; fc = fs3v;
        end else begin
          fa = vs1_lanes[32*lane_q[3:0] +: 32];
          fb = b_freg_q ? fs2v : (b_same_q ? vs1_lanes[32*lane_q[3:0] +: 32] : vs2_lanes[32*lane_q[3:0] +: 32]);
          fc = vres_q[32*(lane_q[3:0]) +: 32];
        end
      end
    endcase
  end
  // tree and scale steps never negate (the neg flags belong to the lane loop, cleared before them)
  reg [31:0] fres;
  always @(*) begin
    case (cur_fop)
      F_ADD:   fres = add_y;
      F_MUL:   fres = mul_y;
      F_FMA:   fres = fma_y;
      F_MIN:   fres = min_y;
      F_MAX:   fres = max_y;
      default: fres = fa;
    endcase
  end

  // ---------------------------------------------------------------- Q8 lanes
  wire [511:0] abuf_rd;    // the 16 activations of the current group
  reg  [127:0] q8_w;
  reg  [511:0] q8_a, q8_acc;
  reg  [15:0]  q8_en;
  wire [511:0] q8_y;
  wire [511:0] qb_p;
  smol_q8_lanes u_q8 (.w_i(q8_w), .p_i(qb_p), .p_sel_i(qb_sel), .a_i(q8_a), .acc_i(q8_acc), .en_i(q8_en),
                      .y_o(q8_y));

  wire [263:0] whead;                   // the stream's head line, the one after it, a byte of the third
  wire [WFIFO_AW:0] ws_avail;
  wire [4:0]  g_k = (g_left_q >= 16) ? 5'd16 : g_left_q[4:0];   // elements in this group
  // block ops (docs/isa.md §7): two steps per block, its two 16-element groups (bph_q 1, 2); q8_0 groups
  // take 16 code bytes each, q4_0's two read the same 16 bytes (low, then high nibbles). The second group
  // also loads the next block's 2-byte scale when that block is in this chunk, so only a chunk's first
  // block costs a scale step (bph_q 0). The byte cursor wc_q moves by g_wadv, a step needs g_wneed bytes
  // at the head (up to 18: three lines when wc_q is 15) and pops the lines it finished (up to two).
  wire        qb_op   = (op_q == `SMOL_OP_Q8BMACN_ID || op_q == `SMOL_OP_Q4BMACN_ID);
  wire        qb_q4   = (op_q == `SMOL_OP_Q4BMACN_ID);
  wire        qb_sel  = qb_op && (state_q == S_Q8_STREAM);
  wire        qb_next = (bph_q == 2'd2) && (g_left_q > 16);     // the next block's scale comes along
  wire [4:0]  g_wneed = !qb_op ? g_k : (bph_q == 2'd0) ? 5'd2 : qb_next ? 5'd18 : 5'd16;
  wire [4:0]  g_wadv  = !qb_op ? g_k : (bph_q == 2'd0) ? 5'd2 : (qb_q4 && bph_q == 2'd1) ? 5'd0 : g_wneed;
  wire [5:0]  g_wend  = {2'b00, wc_q[3:0]} + {1'b0, g_wneed};          // 1 .. 33
  wire [1:0]  g_lines = g_wend[5:4] + {1'b0, g_wend[3:0] != 4'd0};      // lines it touches
  wire        g_ready = (state_q == S_Q8_STREAM) && (g_left_q != 0) &&
                        (ws_avail >= {{(WFIFO_AW-1){1'b0}}, g_lines});
  wire [255:0] wpair_sh = whead[255:0] >> {wc_q[3:0], 3'b000};
  wire [15:0]  qb_dnext = whead[{2'b00, wc_q[3:0], 3'b000} + 9'd128 +: 16];  // bytes wc_q + 16, + 17
  wire [639:0] rcat = {rbuf_q[4], rbuf_q[3], rbuf_q[2], rbuf_q[1], rbuf_q[0]};
  wire [639:0] rcat_sh = rcat >> {ma_addr_q[3:0], 3'b000};
  wire [ABUF_AW-1:0] a_group = a_off_q + g_idx_q[ABUF_AW-1:0];  // first activation of the group
  smol_q8_block u_q8_block (
    .clk_i(clk_i), .rst_ni(rst_ni), .load_i(g_ready && qb_op && (bph_q == 2'd0 || qb_next)),
    .d_i(bph_q == 2'd0 ? wpair_sh[15:0] : qb_dnext),
    // Operand isolation: outside the block ops the front end's sixteen products see constant codes,
    // so they do not switch with every weight group (an event-driven simulator then skips them too).
    .bytes_i(qb_op ? wpair_sh[127:0] : 128'd0), .q4_i(qb_q4), .hi_i(bph_q == 2'd2), .p_o(qb_p));
  // Two sum tree levels per cycle: lane j < stride of the Q8 lanes computes fma(1, v[j + stride], v[j]),
  // which rounds v[j] + v[j + stride] once, bit for bit the fp add of docs/isa.md §6 (+0 + -0 and NaNs
  // included), and the transcendental bank's idle fmas take the level of stride / 2 from their results
  // (fma(u[j + stride / 2], 1, u[j]), the same single rounding). Strides 8 and 4, then 2 and 1: accread
  // takes its first two levels in its execute cycle and the last two with the scale in the next.
  // q8row takes the same first two levels in its execute cycle (its stream starts in the next), then levels
  // 3 and 4 one per cycle on the bank's fmas while the Q8 lanes stream (rt_bg), the scale on the fp unit.
  wire        sum_tree = (state_q == S_RED_TREE && red_fop_q == F_ADD) ||
                         (state_q == S_EXEC && (dec_op == `SMOL_OP_ACCREAD_ID || dec_op == `SMOL_OP_Q8ROW_ID));
  wire [511:0] sum_in  = (state_q == S_EXEC) ? acc_q : vres_q;
  wire [3:0]   sum_stride = (state_q == S_EXEC || !step_q[0]) ? 4'd8 : 4'd2;
  wire [511:0] sum_hi  = sum_in >> {sum_stride, 5'd0};
  // The Q8 lanes' results enter the bank's fmas only in a tree step; isolated otherwise, so the bank
  // does not switch with every Q8 group (nor does an event-driven simulator re-evaluate it).
  wire [511:0] tree_y  = sum_tree ? q8_y : 512'd0;
  wire [511:0] sum2_hi = tree_y >> {sum_stride[3:1], 5'd0};
  wire [511:0] rt_hi   = (rt_step_q == 2'd1) ? (vres_q >> 64) : (vres_q >> 32);
  integer j;
  always @(*) begin
    q8_w = 128'd0; q8_a = 512'd0; q8_acc = 512'd0; q8_en = 16'd0;
    if (sum_tree) begin
      q8_w = {16{8'h01}};
      q8_a = sum_hi; q8_acc = sum_in;
      for (j = 0; j < 16; j = j + 1) q8_en[j] = (j < sum_stride);
    end else if (state_q == S_VQ8) begin
      q8_w = rcat_sh[127:0];
      for (j = 0; j < 16; j = j + 1) begin
        q8_a[32*j +: 32]   = (op_q == `SMOL_OP_VQ8MAC_ID) ? fs1v : qscale_q;
        q8_acc[32*j +: 32] = (op_q == `SMOL_OP_VQ8MAC_ID) ? vd_lanes[32*j +: 32] : FP_NEG_ZERO;
        q8_en[j]           = (j < vl_q);
      end
    end else begin
      q8_w = wpair_sh[127:0];
      for (j = 0; j < 16; j = j + 1) begin
        q8_a[32*j +: 32]   = abuf_rd[32*j +: 32];
        q8_acc[32*j +: 32] = acc_q[32*(j) +: 32];
        q8_en[j]           = (j < g_k);
      end
    end
  end

  // Operand isolation: vx_y is read only in a sum tree step, q8row's readout and the vector fp loop;
  // in every other cycle the bank's sixteen fmas see constant zeros, so they do not switch with every
  // register read or loop step (silicon power; an event-driven simulator skips them too).
  wire vx_live = sum_tree || rt_bg || (state_q == S_FLANE && vec_fma);
  integer t;
  always @(*) begin
    for (t = 0; t < 16; t = t + 1) begin
      tr_en[t] = scalar_q ? (t == 0) : (t < lane_end_q);
      vx_a[32*t +: 32] = vs1_lanes[32*t +: 32] ^ {neg_a_q, 31'd0};
      vx_b[32*t +: 32] = (b_freg_q ? fs2v : (b_same_q ? vs1_lanes[32*t +: 32] : vs2_lanes[32*t +: 32])) ^
                         {neg_b_q, 31'd0};
      vx_c[32*t +: 32] = vres_q[32*t +: 32] ^ {neg_c_q, 31'd0};
      if (fop_q == F_ADD) begin vx_c[32*t +: 32] = vx_b[32*t +: 32]; vx_b[32*t +: 32] = FP_ONE; end
      else if (fop_q == F_MUL) vx_c[32*t +: 32] = FP_NEG_ZERO;
      if (sum_tree) begin   // the tree's next level, after the Q8 lanes' one in the same cycle
        vx_a[32*t +: 32] = sum2_hi[32*t +: 32]; vx_b[32*t +: 32] = FP_ONE; vx_c[32*t +: 32] = tree_y[32*t +: 32];
      end else if (rt_bg) begin   // q8row: stride 2, then stride 1
        vx_a[32*t +: 32] = rt_hi[32*t +: 32]; vx_b[32*t +: 32] = FP_ONE; vx_c[32*t +: 32] = vres_q[32*t +: 32];
      end
      if (!vx_live) begin vx_a[32*t +: 32] = 32'd0; vx_b[32*t +: 32] = 32'd0; vx_c[32*t +: 32] = 32'd0; end
    end
  end
  smol_vec_transc u_transc (.clk_i(clk_i), .rst_ni(rst_ni), .start_i(tr_start), .op_i(tr_op),
                            .a_i(scalar_q ? {480'd0, fs1v} : vs1_lanes), .en_i(tr_en),
                            .fma_a_i(vx_a), .fma_b_i(vx_b), .fma_c_i(vx_c),
                            .busy_o(tr_busy), .done_o(tr_done), .y_o(tr_y), .fma_y_o(vx_y));

  // ---------------------------------------------------------------- memory requests
  wire        ws_req_valid;
  wire [27:0] ws_req_line;
  wire rd_active = (rd_req_left_q != 0) &&
                   (state_q == S_FETCH_WAIT || state_q == S_LOAD || state_q == S_VQ8);
  always @(*) begin
    mem_req_valid_o = 1'b0; mem_req_line_o = 28'd0; mem_req_we_o = 1'b0; mem_req_be_o = 16'd0;
    mem_req_wdata_o = 128'd0; mem_req_id_o = 1'b0;
    if (rd_active) begin
      mem_req_valid_o = 1'b1; mem_req_line_o = rd_line_q;
    end else if (state_q == S_Q8_AFILL && af_req_left_q != 10'd0) begin
      mem_req_valid_o = 1'b1; mem_req_line_o = af_line_q;
    end else if (state_q == S_STORE) begin
      mem_req_valid_o = 1'b1; mem_req_line_o = st_line_q + {25'd0, st_idx_q}; mem_req_we_o = 1'b1;
      mem_req_be_o    = st_mask_q[16*st_idx_q +: 16];
      mem_req_wdata_o = st_img_q[128*st_idx_q +: 128];
    end else if (ws_req_valid) begin   // the weight prefetch takes the port's idle cycles
      mem_req_valid_o = 1'b1; mem_req_line_o = ws_req_line; mem_req_id_o = 1'b1;
    end
  end
  wire req_fire = mem_req_valid_o && mem_req_ready_i;
  wire rsp0 = mem_rsp_valid_i && !mem_rsp_id_i;
  wire rsp1 = mem_rsp_valid_i && mem_rsp_id_i;

  smol_icache #(.LINES(IC_LINES), .AW(IC_AW)) u_icache (
    .clk_i(clk_i), .rst_ni(rst_ni), .pc_i(pc_q[31:2]), .hit_o(ic_hit), .insn_o(ic_insn),
    .fill_i(state_q == S_FETCH_WAIT && rsp0), .fill_data_i(mem_rsp_rdata_i),
    .inv_i(req_fire && mem_req_we_o), .inv_line_i(mem_req_line_o));
  // S_EXEC executes the word the cache returns (a misaligned or faulting pc traps there instead)
  wire exec_go = (state_q == S_EXEC) && pc_q[1:0] == 2'b00 && inside_f(pc_q, 34'd4, mem_size34) && ic_hit;

  // store overlaps the activation buffer / a cached instruction line
  wire [33:0] st_byte = {2'b00, mem_req_line_o, 4'b0000};
  wire [33:0] abuf_end = {2'b00, abuf_base_q} + {{(31-ABUF_AW){1'b0}}, abuf_len_q, 2'b00};
  wire st_hits_abuf = (abuf_len_q != 0) && (st_byte < abuf_end) && (st_byte + 34'd16 > {2'b00, abuf_base_q});

  // ---------------------------------------------------------------- vector image of a store
  reg [511:0] vimg;
  integer jv;
  always @(*) begin
    for (jv = 0; jv < 16; jv = jv + 1) vimg[32*jv +: 32] = vd_lanes[32*jv +: 32];
  end

  assign halted_o = (state_q == S_STOP);

  // ---------------------------------------------------------------- stall cause (for profiles)
  localparam [1:0] STALL_NONE = 2'd0, STALL_MEMORY = 2'd1, STALL_MULTICYCLE = 2'd3;
  always @(*) begin
    case (state_q)
      S_FETCH_WAIT, S_LOAD, S_VQ8, S_STORE, S_Q8_AFILL: stall_o = STALL_MEMORY;
      S_Q8_STREAM: stall_o = (!g_ready && g_left_q != 0) ? STALL_MEMORY : STALL_NONE;
      S_FLANE, S_RED_FILL, S_RED_TREE, S_DIV, S_Q8_CHUNK, S_ROW_WAIT: stall_o = STALL_MULTICYCLE;
      S_EXEC: stall_o = exec_go || pc_q[1:0] != 2'b00 || !inside_f(pc_q, 34'd4, mem_size34) ? STALL_NONE
                                                                                       : STALL_MEMORY;
      default: stall_o = STALL_NONE;   // stopped
    endcase
  end

  // ---------------------------------------------------------------- helpers for the sequencer
  wire [31:0] pc_next = pc_q + 32'd4;
  wire        dec_qb = (dec_op == `SMOL_OP_Q8BMACN_ID || dec_op == `SMOL_OP_Q4BMACN_ID);
  // elements; a block op's 32 rs1 may be cut to 34 bits here: such a count traps on its activation range
  wire [33:0] q8_count = (dec_op == `SMOL_OP_Q8MACN_ID || dec_op == `SMOL_OP_Q8ROW_ID) ? {2'b00, xs1} :
                         dec_qb ? {xs1[28:0], 5'd0} : {2'b00, qn_count};
  // a block op's weight and activation bytes, without wrap-around (38 and 39 bits)
  wire [37:0] qb_wbytes = (dec_op == `SMOL_OP_Q8BMACN_ID) ? ({1'b0, xs1, 5'd0} + {5'd0, xs1, 1'b0})
                                                          : ({2'b0, xs1, 4'd0} + {5'd0, xs1, 1'b0});
  wire [38:0] qb_abytes = {xs1, 7'd0};
  // the weight bytes of the q8_n_q / 32 blocks of a block op, or of its first off / 32 blocks
  function automatic [31:0] qb_bytes_f(input q4, input [26:0] blocks);
    qb_bytes_f = q4 ? ({1'b0, blocks, 4'd0} + {4'd0, blocks, 1'b0}) : ({blocks, 5'd0} + {4'd0, blocks, 1'b0});
  endfunction
  // the next chunk: in S_EXEC the instruction's first (its count from the decode), later from the registers
  wire [31:0] q8_n_cur   = (state_q == S_EXEC) ? q8_count[31:0] : q8_n_q;
  wire [31:0] q8_off_cur = (state_q == S_EXEC) ? 32'd0 : q8_off_q;
  wire [ABUF_AW:0] chunk_calc = ((q8_n_cur - q8_off_cur) > ABUF_WORDS) ? ABUF_WORDS[ABUF_AW:0]
                                                                        : (q8_n_cur[ABUF_AW:0] - q8_off_cur[ABUF_AW:0]);
  wire [31:0] ac_calc = qaptr_q + {q8_off_cur[29:0], 2'b00};
  wire [31:0] wc_calc = qwptr_q + ((state_q != S_EXEC && qb_op) ? qb_bytes_f(qb_q4, q8_off_cur[31:5]) : q8_off_cur);
  wire [31:0] q8_wadv = qb_op ? qb_bytes_f(qb_q4, q8_n_q[31:5]) : q8_n_q;   // wptr's advance at retirement
  wire q8_last_chunk = (q8_off_q + {{(31-ABUF_AW){1'b0}}, chunk_n_q}) == q8_n_q;
  wire [33:0] abuf_rel = {2'b00, ac_calc} - {2'b00, abuf_base_q};
  wire abuf_hit = (abuf_len_q != 0) && !abuf_rel[33] &&
                  (abuf_rel[33:2] + {{(31-ABUF_AW){1'b0}}, chunk_calc} <= {{(32-ABUF_AW-1){1'b0}}, abuf_len_q});

  wire [15:0] af_lines = ({14'd0, ac_calc[3:2]} + {{(15-ABUF_AW){1'b0}}, chunk_calc} + 16'd3) >> 2;
  wire ws_fire = req_fire && mem_req_id_o;
  // a group pops the head line once it has used the line's last byte (a row may end mid-line: the next
  // row starts there)
  wire [5:0] ws_wnext = {2'b00, wc_q} + {1'b0, g_wadv};
  wire [1:0] ws_pop   = g_ready ? ws_wnext[5:4] : 2'd0;
  // (a Q8 instruction that then traps only restarts the stream: prefetches never fault)
  wire ws_start = ((state_q == S_Q8_CHUNK) && (q8_off_q != q8_n_q)) ||
                  (exec_go && dec_valid && q8_count != 34'd0 &&
                   (dec_op == `SMOL_OP_Q8MAC_ID || dec_op == `SMOL_OP_Q8MACINC_ID || dec_op == `SMOL_OP_Q8MACN_ID ||
                    dec_op == `SMOL_OP_Q8ROW_ID || dec_qb));
  smol_wstream #(.DEPTH(WFIFO_DEPTH), .AW(WFIFO_AW)) u_wstream (
    .clk_i(clk_i), .rst_ni(rst_ni), .mem_lines_i(mem_size_i[32:4]),
    .start_i(ws_start), .start_line_i(wc_calc[31:4]), .pop_i(ws_pop), .avail_o(ws_avail),
    .head_o(whead), .req_valid_o(ws_req_valid), .req_line_o(ws_req_line), .req_fire_i(ws_fire),
    .rsp_valid_i(rsp1), .rsp_data_i(mem_rsp_rdata_i),
    .st_valid_i(req_fire && mem_req_we_o), .st_line_i(mem_req_line_o));
  // activation fill: where the four words of the arriving line go in the buffer
  wire [27:0] fill_line = af_line_q - {18'd0, af_rsp_left_q} + {18'd0, af_req_left_q};
  wire [33:0] fill_rel  = {2'b00, fill_line, 4'b0000} - {2'b00, ac_q};  // bytes from the chunk start
  wire [33:0] fill_rel0 = fill_rel, fill_rel1 = fill_rel + 34'd4, fill_rel2 = fill_rel + 34'd8,
              fill_rel3 = fill_rel + 34'd12;
  wire [33:0] chunk_bytes = {{(31-ABUF_AW){1'b0}}, chunk_n_q, 2'b00};
  wire [3:0]  fill_ok = {!fill_rel3[33] && fill_rel3 < chunk_bytes, !fill_rel2[33] && fill_rel2 < chunk_bytes,
                         !fill_rel1[33] && fill_rel1 < chunk_bytes, !fill_rel0[33] && fill_rel0 < chunk_bytes};
  wire [ABUF_AW-1:0] fill_idx0 = fill_rel0[ABUF_AW+1:2];   // the line's words go to fill_idx0 + k

  // ---------------------------------------------------------------- integer divider
  wire div_start = exec_go && dec_valid &&
                   (dec_op == `SMOL_OP_DIV_ID || dec_op == `SMOL_OP_DIVU_ID ||
                    dec_op == `SMOL_OP_REM_ID || dec_op == `SMOL_OP_REMU_ID);
  wire        div_done;
  wire [31:0] div_quo, div_rem;
  smol_int_div u_int_div (
    .clk_i(clk_i), .rst_ni(rst_ni), .start_i(div_start),
    .signed_i(dec_op == `SMOL_OP_DIV_ID || dec_op == `SMOL_OP_REM_ID), .a_i(xs1), .b_i(xs2),
    .done_o(div_done), .quo_o(div_quo), .rem_o(div_rem));

  // ---------------------------------------------------------------- activation buffer
  smol_act_buffer #(.WORDS(ABUF_WORDS), .AW(ABUF_AW)) u_act_buffer (
    .clk_i(clk_i), .we_i((state_q == S_Q8_AFILL && rsp0) ? fill_ok : 4'd0), .widx_i(fill_idx0),
    .wdata_i(mem_rsp_rdata_i), .ridx_i(a_group), .rdata_o(abuf_rd));

  integer i;
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= S_EXEC;
      pc_q <= boot_pc_i;
      acc_q <= 512'd0;
      vres_q <= 512'd0;
      vl_q <= 5'd16;
      qscale_q <= FP_ONE; qwptr_q <= 32'd0; qaptr_q <= 32'd0;
      abuf_len_q <= 0; abuf_base_q <= 32'd0;
      rd_req_left_q <= 4'd0; rd_rsp_idx_q <= 4'd0; rd_rsp_total_q <= 4'd0; rd_line_q <= 28'd0;
      af_req_left_q <= 10'd0; af_rsp_left_q <= 10'd0; af_line_q <= 28'd0; bph_q <= 2'd0;
      ir_q <= 32'd0; op_q <= 0;
      fop_q <= F_MOVA; red_fop_q <= F_ADD; neg_a_q <= 1'b0; neg_b_q <= 1'b0; neg_c_q <= 1'b0;
      scalar_q <= 1'b0; b_freg_q <= 1'b0; b_same_q <= 1'b0; lane_q <= 5'd0; lane_end_q <= 5'd0;
      post_q <= P_VREG; mc_started_q <= 1'b0; step_q <= 4'd0; is_accread_q <= 1'b0;
      rt_step_q <= 2'd0; row_sum_q <= 32'd0;
      st_idx_q <= 3'd0; st_last_q <= 3'd0; st_line_q <= 28'd0; st_img_q <= 640'd0; st_mask_q <= 80'd0;
      ma_addr_q <= 32'd0;
      q8_n_q <= 32'd0; q8_off_q <= 32'd0; chunk_n_q <= 0; g_left_q <= 0; g_idx_q <= 0;
      ac_q <= 32'd0; wc_q <= 4'd0; a_off_q <= 0;
      rvfi_valid_o <= 1'b0; rvfi_pc_o <= 32'd0; rvfi_insn_o <= 32'd0; rvfi_halt_o <= 1'b0;
      rvfi_trap_o <= TRAP_NONE; rvfi_trap_addr_o <= 32'd0;
      rvfi_x_we_o <= 1'b0; rvfi_x_addr_o <= 5'd0; rvfi_x_wdata_o <= 32'd0;
      rvfi_f_we_o <= 1'b0; rvfi_f_addr_o <= 5'd0; rvfi_f_wdata_o <= 32'd0;
      rvfi_v_we_o <= 1'b0; rvfi_v_addr_o <= 3'd0; rvfi_v_lanes_o <= 512'd0;
      rvfi_vl_we_o <= 1'b0; rvfi_vl_o <= 5'd0;
      rvfi_qscale_we_o <= 1'b0; rvfi_qw_we_o <= 1'b0; rvfi_qa_we_o <= 1'b0;
      rvfi_qscale_o <= 32'd0; rvfi_qw_o <= 32'd0; rvfi_qa_o <= 32'd0;
      rvfi_acc_we_o <= 1'b0; rvfi_acc_o <= 512'd0;
      rvfi_mem_byte_o <= 1'b0; rvfi_mem_words_o <= 5'd0; rvfi_mem_addr_o <= 32'd0; rvfi_mem_wdata_o <= 512'd0;
    end else begin
      // a commit record lives for the one cycle rvfi_valid_o is 1 (the register files write from it then)
      rvfi_valid_o <= 1'b0;
      rvfi_x_we_o <= 1'b0; rvfi_f_we_o <= 1'b0; rvfi_v_we_o <= 1'b0; rvfi_vl_we_o <= 1'b0;
      rvfi_qscale_we_o <= 1'b0; rvfi_qw_we_o <= 1'b0; rvfi_qa_we_o <= 1'b0; rvfi_acc_we_o <= 1'b0;
      rvfi_mem_byte_o <= 1'b0; rvfi_mem_words_o <= 5'd0; rvfi_halt_o <= 1'b0; rvfi_trap_o <= TRAP_NONE;

      // -------- q8row's readout, one tree level per cycle beside the stream (any state but S_EXEC)
      if (rt_bg) begin
        vres_q <= vx_y; rt_step_q <= rt_step_q + 2'd1;
        if (rt_step_q == 2'd2) row_sum_q <= fres;
      end

      // -------- memory responses and request bookkeeping (any state)
      if (req_fire) begin
        if (rd_active) begin
          rd_req_left_q <= rd_req_left_q - 4'd1; rd_line_q <= rd_line_q + 28'd1;
        end else if (state_q == S_Q8_AFILL && af_req_left_q != 10'd0) begin
          af_req_left_q <= af_req_left_q - 10'd1; af_line_q <= af_line_q + 28'd1;
        end
        if (mem_req_we_o && st_hits_abuf) abuf_len_q <= 0;
      end
      if (rsp0) begin
        if (state_q == S_Q8_AFILL) begin
          af_rsp_left_q <= af_rsp_left_q - 10'd1;
        end else begin
          rbuf_q[rd_rsp_idx_q[2:0]] <= mem_rsp_rdata_i;
          rd_rsp_idx_q <= rd_rsp_idx_q + 4'd1;
        end
      end
      case (state_q)
        // ------------------------------------------------------------ fetch
        S_FETCH_WAIT: begin   // the cache fills itself from this response; S_EXEC then hits
          if (rsp0) state_q <= S_EXEC;
        end

        // ------------------------------------------------------------ execute
        S_EXEC: begin
          rvfi_pc_o <= pc_q; rvfi_insn_o <= ir;
          if (pc_q[1:0] != 2'b00) begin
            rvfi_valid_o <= 1'b1; rvfi_insn_o <= 32'd0; rvfi_trap_o <= TRAP_FETCH_MISALIGNED;
            rvfi_trap_addr_o <= pc_q; state_q <= S_STOP;
          end else if (!inside_f(pc_q, 34'd4, mem_size34)) begin
            rvfi_valid_o <= 1'b1; rvfi_insn_o <= 32'd0; rvfi_trap_o <= TRAP_FETCH_FAULT;
            rvfi_trap_addr_o <= pc_q; state_q <= S_STOP;
          end else if (!ic_hit) begin
            rd_line_q <= pc_q[31:4]; rd_req_left_q <= 4'd1; rd_rsp_idx_q <= 4'd0;
            state_q <= S_FETCH_WAIT;
          end else begin : execute
          ir_q <= ir;
          op_q <= dec_op;
          neg_a_q <= 1'b0; neg_b_q <= 1'b0; neg_c_q <= 1'b0; scalar_q <= 1'b0; b_freg_q <= 1'b0;
          b_same_q <= 1'b0; lane_q <= 5'd0; mc_started_q <= 1'b0; step_q <= 4'd0; is_accread_q <= 1'b0;
          vres_q <= vd_lanes;
          if (!dec_valid) begin
            rvfi_valid_o <= 1'b1; rvfi_trap_o <= TRAP_ILLEGAL; rvfi_trap_addr_o <= pc_q; state_q <= S_STOP;
          end else begin
            // defaults: a one-cycle instruction that retires now
            state_q <= S_EXEC;
            pc_q <= pc_next;
            rvfi_valid_o <= 1'b1;
            case (dec_op)
              `SMOL_OP_ADD_ID:   xw(f_rd, xs1 + xs2);
              `SMOL_OP_SUB_ID:   xw(f_rd, xs1 - xs2);
              `SMOL_OP_MUL_ID:   xw(f_rd, mul_uu[31:0]);
              `SMOL_OP_MULH_ID:  xw(f_rd, mul_ss[63:32]);
              `SMOL_OP_MULHU_ID: xw(f_rd, mul_uu[63:32]);
              `SMOL_OP_DIV_ID, `SMOL_OP_DIVU_ID, `SMOL_OP_REM_ID, `SMOL_OP_REMU_ID: begin
                rvfi_valid_o <= 1'b0; pc_q <= pc_q;
                state_q <= S_DIV;
              end
              `SMOL_OP_AND_ID:   xw(f_rd, xs1 & xs2);
              `SMOL_OP_OR_ID:    xw(f_rd, xs1 | xs2);
              `SMOL_OP_XOR_ID:   xw(f_rd, xs1 ^ xs2);
              `SMOL_OP_SLL_ID:   xw(f_rd, xs1 << xs2[4:0]);
              `SMOL_OP_SRL_ID:   xw(f_rd, xs1 >> xs2[4:0]);
              `SMOL_OP_SRA_ID:   xw(f_rd, $unsigned($signed(xs1) >>> xs2[4:0]));
              `SMOL_OP_SLT_ID:   xw(f_rd, {31'd0, slt_r});
              `SMOL_OP_SLTU_ID:  xw(f_rd, {31'd0, sltu_r});
              `SMOL_OP_ADDI_ID:  xw(f_rd, xs1 + simm);
              `SMOL_OP_ANDI_ID:  xw(f_rd, xs1 & uimm);
              `SMOL_OP_ORI_ID:   xw(f_rd, xs1 | uimm);
              `SMOL_OP_XORI_ID:  xw(f_rd, xs1 ^ uimm);
              `SMOL_OP_SLTI_ID:  xw(f_rd, {31'd0, slti_r});
              `SMOL_OP_SLTIU_ID: xw(f_rd, {31'd0, sltiu_r});
              `SMOL_OP_LUI_ID:   xw(f_rd, {f_imm, 16'd0});
              `SMOL_OP_AUIPC_ID: xw(f_rd, pc_q + {f_imm, 16'd0});
              `SMOL_OP_SLLI_ID:  xw(f_rd, xs1 << f_shamt);
              `SMOL_OP_SRLI_ID:  xw(f_rd, xs1 >> f_shamt);
              `SMOL_OP_SRAI_ID:  xw(f_rd, $unsigned($signed(xs1) >>> f_shamt));

              `SMOL_OP_LW_ID, `SMOL_OP_LF_ID, `SMOL_OP_LB_ID, `SMOL_OP_LBU_ID: begin
                if ((dec_op == `SMOL_OP_LW_ID || dec_op == `SMOL_OP_LF_ID) && ls_addr[1:0] != 2'b00)
                  trap(TRAP_LOAD_MISALIGNED, ls_addr);
                else if (!inside_f(ls_addr, (dec_op == `SMOL_OP_LW_ID || dec_op == `SMOL_OP_LF_ID) ? 34'd4 : 34'd1,
                                   mem_size34))
                  trap(TRAP_LOAD_FAULT, ls_addr);
                else start_read(ls_addr, 3'd1, S_LOAD);
              end
              `SMOL_OP_LV_ID, `SMOL_OP_LVINC_ID: begin
                if (vl_q == 5'd0) start_read(ls_addr, 3'd0, S_LOAD);
                else if (ls_addr[1:0] != 2'b00) trap(TRAP_LOAD_MISALIGNED, ls_addr);
                else if (!inside_f(ls_addr, vbytes, mem_size34)) trap(TRAP_LOAD_FAULT, ls_addr);
                else start_read(ls_addr, nlines(ls_addr, vbytes), S_LOAD);
              end
              `SMOL_OP_SW_ID, `SMOL_OP_SF_ID: begin
                if (ls_addr[1:0] != 2'b00) trap(TRAP_STORE_MISALIGNED, ls_addr);
                else if (!inside_f(ls_addr, 34'd4, mem_size34)) trap(TRAP_STORE_FAULT, ls_addr);
                else start_store(ls_addr, {480'd0, (dec_op == `SMOL_OP_SW_ID) ? xrd : frd}, 7'd4);
              end
              `SMOL_OP_SB_ID: begin
                if (!inside_f(ls_addr, 34'd1, mem_size34)) trap(TRAP_STORE_FAULT, ls_addr);
                else start_store(ls_addr, {480'd0, xrd}, 7'd1);
              end
              `SMOL_OP_SV_ID, `SMOL_OP_SVINC_ID: begin
                if (vl_q == 5'd0) store_done(ls_addr, 5'd0);
                else if (ls_addr[1:0] != 2'b00) trap(TRAP_STORE_MISALIGNED, ls_addr);
                else if (!inside_f(ls_addr, vbytes, mem_size34)) trap(TRAP_STORE_FAULT, ls_addr);
                else start_store(ls_addr, vimg, {vl_q, 2'b00});
              end
              `SMOL_OP_FLUI_ID: fw(f_fd, {f_imm, 16'd0});

              `SMOL_OP_BEQ_ID:  if (xb1 == xb2) pc_q <= pc_q + boff;
              `SMOL_OP_BNE_ID:  if (xb1 != xb2) pc_q <= pc_q + boff;
              `SMOL_OP_BLT_ID:  if ($signed(xb1) < $signed(xb2)) pc_q <= pc_q + boff;
              `SMOL_OP_BGE_ID:  if ($signed(xb1) >= $signed(xb2)) pc_q <= pc_q + boff;
              `SMOL_OP_BLTU_ID: if (xb1 < xb2) pc_q <= pc_q + boff;
              `SMOL_OP_BGEU_ID: if (xb1 >= xb2) pc_q <= pc_q + boff;
              `SMOL_OP_LOOP_ID: begin
                xw(f_brs1, xb1 - 32'd1);
                if (xb1 != 32'd1) pc_q <= pc_q + boff;
              end
              `SMOL_OP_JAL_ID: begin
                xw(f_rd, pc_next);
                pc_q <= pc_q + joff;
              end
              `SMOL_OP_JALR_ID: begin
                if (ls_addr[1:0] != 2'b00) trap(TRAP_FETCH_MISALIGNED, ls_addr);
                else begin
                  xw(f_rd, pc_next);
                  pc_q <= ls_addr;
                end
              end
              `SMOL_OP_HALT_ID: begin
                pc_q <= pc_q; rvfi_halt_o <= 1'b1; state_q <= S_STOP;
              end

              // scalar fp through the lane loop (one lane)
              `SMOL_OP_FADD_ID:   sfp(F_ADD, 1'b0, 1'b0, 1'b0);
              `SMOL_OP_FSUB_ID:   sfp(F_ADD, 1'b0, 1'b1, 1'b0);
              `SMOL_OP_FMUL_ID:   sfp(F_MUL, 1'b0, 1'b0, 1'b0);
              `SMOL_OP_FDIV_ID:   sfp(F_DIV, 1'b0, 1'b0, 1'b0);
              `SMOL_OP_FMIN_ID:   sfp(F_MIN, 1'b0, 1'b0, 1'b0);
              `SMOL_OP_FMAX_ID:   sfp(F_MAX, 1'b0, 1'b0, 1'b0);
              `SMOL_OP_FSQRT_ID:  sfp(F_SQRT, 1'b0, 1'b0, 1'b0);
              `SMOL_OP_FRSQRT_ID: sfp(F_RSQRT, 1'b0, 1'b0, 1'b0);
              `SMOL_OP_FEXP_ID:   sfp(F_EXP, 1'b0, 1'b0, 1'b0);
              `SMOL_OP_FRECIP_ID: sfp(F_RECIP, 1'b0, 1'b0, 1'b0);
              `SMOL_OP_FSILU_ID:  sfp(F_SILU, 1'b0, 1'b0, 1'b0);
              `SMOL_OP_FMADD_ID:  sfp(F_FMA, 1'b0, 1'b0, 1'b0);
              `SMOL_OP_FMSUB_ID:  sfp(F_FMA, 1'b0, 1'b0, 1'b1);
              `SMOL_OP_FNMSUB_ID: sfp(F_FMA, 1'b1, 1'b0, 1'b0);
              `SMOL_OP_FCVT_S_W_ID: fw(f_fd, cvt_sw_y);
              `SMOL_OP_FCVT_W_S_ID: xw(f_rd, cvt_ws_y);
              `SMOL_OP_FEQ_ID:    xw(f_rd, {31'd0, cmp_eq});
              `SMOL_OP_FLT_ID:    xw(f_rd, {31'd0, cmp_lt});
              `SMOL_OP_FLE_ID:    xw(f_rd, {31'd0, cmp_le});
              `SMOL_OP_FMOV_ID:   fw(f_fd, fs1v);
              `SMOL_OP_FNEG_ID:   fw(f_fd, fs1v ^ FP_NEG_ZERO);
              `SMOL_OP_FABS_ID:   fw(f_fd, fs1v & ~FP_NEG_ZERO);
              `SMOL_OP_FMV_X_W_ID: xw(f_rd, fs1v);
              `SMOL_OP_FMV_W_X_ID: fw(f_fd, xs1);

              // vector element-wise
              `SMOL_OP_VADD_ID:   vfp(F_ADD, 1'b0, 1'b0, 1'b0, P_VREG);
              `SMOL_OP_VSUB_ID:   vfp(F_ADD, 1'b0, 1'b1, 1'b0, P_VREG);
              `SMOL_OP_VMUL_ID:   vfp(F_MUL, 1'b0, 1'b0, 1'b0, P_VREG);
              `SMOL_OP_VFMA_ID:   vfp(F_FMA, 1'b0, 1'b0, 1'b0, P_VREG);
              `SMOL_OP_VFNMS_ID:  vfp(F_FMA, 1'b1, 1'b0, 1'b0, P_VREG);
              `SMOL_OP_VMAX_ID:   vfp(F_MAX, 1'b0, 1'b0, 1'b0, P_VREG);
              `SMOL_OP_VMIN_ID:   vfp(F_MIN, 1'b0, 1'b0, 1'b0, P_VREG);
              `SMOL_OP_VADDS_ID:  begin vfp(F_ADD, 1'b0, 1'b0, 1'b0, P_VREG); b_freg_q <= 1'b1; end
              `SMOL_OP_VSUBS_ID:  begin vfp(F_ADD, 1'b0, 1'b1, 1'b0, P_VREG); b_freg_q <= 1'b1; end
              `SMOL_OP_VMULS_ID:  begin vfp(F_MUL, 1'b0, 1'b0, 1'b0, P_VREG); b_freg_q <= 1'b1; end
              `SMOL_OP_VFMAS_ID:  begin vfp(F_FMA, 1'b0, 1'b0, 1'b0, P_VREG); b_freg_q <= 1'b1; end
              `SMOL_OP_VSQRT_ID:  vfp(F_SQRT, 1'b0, 1'b0, 1'b0, P_VREG);
              `SMOL_OP_VRSQRT_ID: vfp(F_RSQRT, 1'b0, 1'b0, 1'b0, P_VREG);
              `SMOL_OP_VEXP_ID:   vfp(F_EXP, 1'b0, 1'b0, 1'b0, P_VREG);
              `SMOL_OP_VSILU_ID:  vfp(F_SILU, 1'b0, 1'b0, 1'b0, P_VREG);
              `SMOL_OP_VRECIP_ID: vfp(F_RECIP, 1'b0, 1'b0, 1'b0, P_VREG);
              `SMOL_OP_VMOV_ID:   vfp(F_MOVA, 1'b0, 1'b0, 1'b0, P_VREG);
              `SMOL_OP_VBCAST_ID: vw_lanes(f_vd, {16{fs1v}});
              // reductions: lane function in the lane loop, identities, then the fixed tree
              `SMOL_OP_VREDSUM_ID: begin vfp(F_MOVA, 1'b0, 1'b0, 1'b0, P_RED); red_fop_q <= F_ADD; end
              `SMOL_OP_VREDMAX_ID: begin vfp(F_MOVA, 1'b0, 1'b0, 1'b0, P_RED); red_fop_q <= F_MAX; end
              `SMOL_OP_VREDMIN_ID: begin vfp(F_MOVA, 1'b0, 1'b0, 1'b0, P_RED); red_fop_q <= F_MIN; end
              `SMOL_OP_VREDSQS_ID: begin
                vfp(F_MUL, 1'b0, 1'b0, 1'b0, P_RED); red_fop_q <= F_ADD; b_same_q <= 1'b1;
              end
              `SMOL_OP_VDOT_ID:    begin vfp(F_MUL, 1'b0, 1'b0, 1'b0, P_RED); red_fop_q <= F_ADD; end
              `SMOL_OP_VGETL_ID:  fw(f_fd, vs1_lanes[32*f_lane +: 32]);
              `SMOL_OP_VSETL_ID: begin   // every lane is written (vl does not apply)
                rvfi_v_we_o <= 1'b1; rvfi_v_addr_o <= f_vd; rvfi_v_lanes_o <= vd_lanes;
                rvfi_v_lanes_o[32*f_lane +: 32] <= fs1v;
              end
              `SMOL_OP_SETVL_ID: begin
                vl_q <= (xs1 > 32'd16) ? 5'd16 : xs1[4:0];
                rvfi_vl_we_o <= 1'b1; rvfi_vl_o <= (xs1 > 32'd16) ? 5'd16 : xs1[4:0];
                xw(f_rd, (xs1 > 32'd16) ? 32'd16 : xs1);
              end

              // Q8
              `SMOL_OP_QSETSCALE_ID: begin
                qscale_q <= fs1v; rvfi_qscale_we_o <= 1'b1; rvfi_qscale_o <= fs1v;
              end
              `SMOL_OP_QSETBASE_ID: begin qwptr_q <= xs1; rvfi_qw_we_o <= 1'b1; rvfi_qw_o <= xs1; end
              `SMOL_OP_FSETBASE_ID: begin qaptr_q <= xs1; rvfi_qa_we_o <= 1'b1; rvfi_qa_o <= xs1; end
              `SMOL_OP_QGETBASE_ID: xw(f_rd, qwptr_q);
              `SMOL_OP_FGETBASE_ID: xw(f_rd, qaptr_q);
              `SMOL_OP_ACCZERO_ID: begin
                for (i = 0; i < 16; i = i + 1) acc_q[32*(i) +: 32] <= 32'd0;
                rvfi_acc_we_o <= 1'b1; rvfi_acc_o <= 512'd0;
              end
              `SMOL_OP_ACCREAD_ID: begin   // the tree's first two levels now, two more in S_RED_TREE
                vres_q <= vx_y; step_q <= 4'd1;
                rvfi_valid_o <= 1'b0; pc_q <= pc_q; red_fop_q <= F_ADD; is_accread_q <= 1'b1;
                state_q <= S_RED_TREE;
              end
              `SMOL_OP_Q8MAC_ID, `SMOL_OP_Q8MACINC_ID, `SMOL_OP_Q8MACN_ID, `SMOL_OP_Q8ROW_ID: begin
                if (q8_count != 0 && !inside_f(qwptr_q, q8_count, mem_size34))
                  trap(TRAP_LOAD_FAULT, qwptr_q);
                else if (q8_count != 0 && qaptr_q[1:0] != 2'b00)
                  trap(TRAP_LOAD_MISALIGNED, qaptr_q);
                else if (q8_count != 0 && !inside_f(qaptr_q, {q8_count[31:0], 2'b00}, mem_size34))
                  trap(TRAP_LOAD_FAULT, qaptr_q);
                else begin
                  rvfi_valid_o <= 1'b0; pc_q <= pc_q;
                  q8_n_q <= q8_count[31:0]; q8_off_q <= 32'd0;
                  if (dec_op == `SMOL_OP_Q8ROW_ID) begin   // the old sum's first levels; the lanes restart
                    vres_q <= vx_y; rt_step_q <= 2'd1;
                    for (i = 0; i < 16; i = i + 1) acc_q[32*(i) +: 32] <= 32'd0;
                  end
                  if (q8_count == 34'd0) state_q <= S_Q8_CHUNK;
                  else q8_chunk_begin;   // the first chunk starts now
                end
              end
              `SMOL_OP_Q8BMACN_ID, `SMOL_OP_Q4BMACN_ID: begin
                if (xs1 != 0 && (qb_wbytes[37:34] != 4'd0 || !inside_f(qwptr_q, qb_wbytes[33:0], mem_size34)))
                  trap(TRAP_LOAD_FAULT, qwptr_q);
                else if (xs1 != 0 && qaptr_q[1:0] != 2'b00)
                  trap(TRAP_LOAD_MISALIGNED, qaptr_q);
                else if (xs1 != 0 && (qb_abytes[38:34] != 5'd0 || !inside_f(qaptr_q, qb_abytes[33:0], mem_size34)))
                  trap(TRAP_LOAD_FAULT, qaptr_q);
                else begin
                  rvfi_valid_o <= 1'b0; pc_q <= pc_q;
                  q8_n_q <= q8_count[31:0]; q8_off_q <= 32'd0;
                  if (q8_count == 34'd0) state_q <= S_Q8_CHUNK;
                  else q8_chunk_begin;
                end
              end
              `SMOL_OP_VQ8MUL_ID, `SMOL_OP_VQ8MAC_ID: begin
                if (vl_q != 5'd0 && !inside_f(qwptr_q, {29'd0, vl_q}, mem_size34))
                  trap(TRAP_LOAD_FAULT, qwptr_q);
                else start_read(qwptr_q, (vl_q == 5'd0) ? 3'd0 : nlines(qwptr_q, {29'd0, vl_q}), S_VQ8);
              end
              default: trap(TRAP_ILLEGAL, pc_q);
            endcase
          end
          end
        end

        // ------------------------------------------------------------ integer division (1 bit/cycle)
        S_DIV: begin
          if (div_done) begin
            // quotient/remainder of the magnitudes, then signs and the special cases of docs/isa.md §3
            rvfi_valid_o <= 1'b1; pc_q <= pc_next; state_q <= S_EXEC;
            if (xs2 == 32'd0)
              xw(f_rd, (op_q == `SMOL_OP_DIV_ID || op_q == `SMOL_OP_DIVU_ID) ? 32'hffffffff : xs1);
            else if (op_q == `SMOL_OP_DIV_ID || op_q == `SMOL_OP_DIVU_ID)
              xw(f_rd, div_quo);
            else
              xw(f_rd, div_rem);
          end
        end

        // ------------------------------------------------------------ loads
        S_LOAD, S_VQ8: begin
          if (rd_req_left_q == 4'd0 && rd_rsp_idx_q == rd_rsp_total_q) begin
            rvfi_valid_o <= 1'b1; pc_q <= pc_next; state_q <= S_EXEC;
            if (state_q == S_VQ8) begin
              vw_lanes(f_vd, q8_y);
              qwptr_q <= qwptr_q + {27'd0, vl_q}; rvfi_qw_we_o <= 1'b1; rvfi_qw_o <= qwptr_q + {27'd0, vl_q};
            end else case (op_q)
              `SMOL_OP_LW_ID:  xw(f_rd, rcat_sh[31:0]);
              `SMOL_OP_LF_ID:  fw(f_fd, rcat_sh[31:0]);
              `SMOL_OP_LB_ID:  xw(f_rd, {{24{rcat_sh[7]}}, rcat_sh[7:0]});
              `SMOL_OP_LBU_ID: xw(f_rd, {24'd0, rcat_sh[7:0]});
              default: begin  // lv, lvinc
                vw_lanes(f_vd, rcat_sh[511:0]);
                if (op_q == `SMOL_OP_LVINC_ID) xw(f_rs1, xs1 + {25'd0, vl_q, 2'b00});
              end
            endcase
          end
        end

        // ------------------------------------------------------------ stores
        S_STORE: begin
          if (req_fire) begin
            if (st_idx_q == st_last_q) begin
              rvfi_valid_o <= 1'b1; pc_q <= pc_next; state_q <= S_EXEC;
              if (op_q == `SMOL_OP_SB_ID) begin
                rvfi_mem_byte_o <= 1'b1; rvfi_mem_addr_o <= ma_addr_q;
                rvfi_mem_wdata_o <= {504'd0, xrd[7:0]};
              end else if (op_q == `SMOL_OP_SW_ID || op_q == `SMOL_OP_SF_ID) begin
                rvfi_mem_words_o <= 5'd1; rvfi_mem_addr_o <= ma_addr_q;
                rvfi_mem_wdata_o <= {480'd0, (op_q == `SMOL_OP_SW_ID) ? xrd : frd};
              end else
                store_done(ma_addr_q, vl_q);
            end
            st_idx_q <= st_idx_q + 3'd1;
          end
        end

        // ------------------------------------------------------------ lane loop (fp)
        S_FLANE: begin
          if (lane_q == lane_end_q) begin
            case (post_q)
              P_FREG: begin
                fw(f_fd, vres_q[32*(0) +: 32]); rvfi_valid_o <= 1'b1; pc_q <= pc_next; state_q <= S_EXEC;
              end
              P_RED: begin
                state_q <= S_RED_FILL;
              end
              default: begin
                vw_vres(f_vd); rvfi_valid_o <= 1'b1; pc_q <= pc_next; state_q <= S_EXEC;
              end
            endcase
          end else if (vec_fma) begin    // every active lane in one cycle
            for (i = 0; i < 16; i = i + 1)
              if (tr_en[i]) vres_q[32*(i) +: 32] <= vx_y[32*(i) +: 32];
            lane_q <= lane_end_q;
          end else if (!fop_multi) begin
            vres_q[32*(lane_q[3:0]) +: 32] <= fres;
            lane_q <= lane_q + 5'd1;
          end else if (use_bank) begin   // every active lane in one go
            if (tr_start) mc_started_q <= 1'b1;
            if (mc_started_q && tr_done) begin
              for (i = 0; i < 16; i = i + 1)
                if (tr_en[i]) vres_q[32*(i) +: 32] <= tr_y[32*(i) +: 32];
              lane_q <= lane_end_q;
              mc_started_q <= 1'b0;
            end
          end else begin
            if (ds_start) mc_started_q <= 1'b1;
            if (mc_started_q && ds_valid) begin
              vres_q[32*(lane_q[3:0]) +: 32] <= ds_y;
              lane_q <= lane_q + 5'd1;
              mc_started_q <= 1'b0;
            end
          end
        end
        S_RED_FILL: begin
          for (i = 0; i < 16; i = i + 1)
            if (i >= vl_q) vres_q[32*(i) +: 32] <= (red_fop_q == F_MAX) ? FP_NEG_INF :
                                        (red_fop_q == F_MIN) ? FP_POS_INF : FP_NEG_ZERO;
          neg_a_q <= 1'b0; neg_b_q <= 1'b0; neg_c_q <= 1'b0;
          state_q <= S_RED_TREE;
        end
        S_RED_TREE: begin
          step_q <= step_q + 4'd1;
          if (red_fop_q == F_ADD) begin   // two levels per cycle (strides 8 and 4, then 2 and 1)
            vres_q <= vx_y;
            if (step_q == 4'd1) begin
              fw(f_fd, is_accread_q ? fres : vx_y[31:0]); rvfi_valid_o <= 1'b1; pc_q <= pc_next;
              state_q <= S_EXEC;
            end
          end else begin                  // max/min: one compare per cycle
            vres_q[32*(tree_i) +: 32] <= fres;
            if (step_q == 4'd14) begin
              fw(f_fd, fres); rvfi_valid_o <= 1'b1; pc_q <= pc_next; state_q <= S_EXEC;
            end
          end
        end

        // ------------------------------------------------------------ Q8 MAC stream
        S_Q8_CHUNK: begin
          if (q8_off_q == q8_n_q) q8_finish(acc_q);   // count 0
          else begin
            q8_chunk_begin;
          end
        end
        S_Q8_AFILL: begin
          if (af_req_left_q == 10'd0 && af_rsp_left_q == 10'd0) begin
            abuf_base_q <= ac_q; abuf_len_q <= chunk_n_q;
            state_q <= S_Q8_STREAM;
          end
        end
        S_Q8_STREAM: begin
          if (g_ready && qb_op) begin   // block ops: a scale step, then each block's two groups
            wc_q <= ws_wnext[3:0];
            bph_q <= (bph_q == 2'd2 && !qb_next) ? 2'd0 : (bph_q == 2'd2) ? 2'd1 : bph_q + 2'd1;
            if (bph_q != 2'd0) begin
              acc_q <= q8_y;
              g_left_q <= g_left_q - {{(ABUF_AW-4){1'b0}}, g_k};
              g_idx_q <= g_idx_q + {{(ABUF_AW-4){1'b0}}, g_k};
              if (g_left_q == {{(ABUF_AW-4){1'b0}}, g_k} && q8_last_chunk) q8_finish(q8_y);
            end
          end else if (g_ready) begin
            acc_q <= q8_y;
            g_left_q <= g_left_q - {{(ABUF_AW-4){1'b0}}, g_k};
            g_idx_q <= g_idx_q + {{(ABUF_AW-4){1'b0}}, g_k};
            if (g_left_q == {{(ABUF_AW-4){1'b0}}, g_k} && q8_last_chunk) q8_finish(q8_y);
          end else if (g_left_q == 0) begin
            q8_off_q <= q8_off_q + {{(31-ABUF_AW){1'b0}}, chunk_n_q};
            state_q <= S_Q8_CHUNK;
          end
        end

        S_ROW_WAIT: if (rt_step_q == 2'd2) q8_retire(acc_q);   // a short q8row: its readout ends now

        S_STOP: ;
        default: state_q <= S_STOP;
      endcase
    end
  end

  // ---------------------------------------------------------------- sequencer tasks
  task q8_chunk_begin;
    begin
      chunk_n_q <= chunk_calc; g_left_q <= chunk_calc; g_idx_q <= 0; bph_q <= 2'd0;
      ac_q <= ac_calc; wc_q <= wc_calc[3:0];
      if (abuf_hit) begin
        a_off_q <= abuf_rel[ABUF_AW+1:2];
        state_q <= S_Q8_STREAM;
      end else begin
        abuf_len_q <= 0; a_off_q <= 0;
        af_line_q <= ac_calc[31:4];
        af_req_left_q <= af_lines[9:0];
        af_rsp_left_q <= af_lines[9:0];
        state_q <= S_Q8_AFILL;
      end
    end
  endtask
  // the stream is done: a q8row whose readout is not yet done waits for it in S_ROW_WAIT
  task q8_finish(input [511:0] accv);
    begin
      if (op_q == `SMOL_OP_Q8ROW_ID && rt_step_q == 2'd1) begin
        acc_q <= accv; state_q <= S_ROW_WAIT;
      end else q8_retire(accv);
    end
  endtask
  task q8_retire(input [511:0] accv);
    begin
      rvfi_valid_o <= 1'b1; pc_q <= pc_next; state_q <= S_EXEC;
      rvfi_acc_we_o <= 1'b1; rvfi_acc_o <= accv;
      if (op_q == `SMOL_OP_Q8ROW_ID) begin   // vd[lane] = the previous row's sum; aptr stays
        rvfi_v_we_o <= 1'b1; rvfi_v_addr_o <= f_vd; rvfi_v_lanes_o <= vd_lanes;
        rvfi_v_lanes_o[32*f_lane +: 32] <= (rt_step_q == 2'd2) ? fres : row_sum_q;
        rt_step_q <= 2'd0;
        qwptr_q <= qwptr_q + q8_n_q; rvfi_qw_we_o <= 1'b1; rvfi_qw_o <= qwptr_q + q8_n_q;
      end else if (op_q != `SMOL_OP_Q8MAC_ID) begin   // a block op's 32 n elements: 4 bytes of activation each
        qwptr_q <= qwptr_q + q8_wadv; qaptr_q <= qaptr_q + {q8_n_q[29:0], 2'b00};
        rvfi_qw_we_o <= 1'b1; rvfi_qw_o <= qwptr_q + q8_wadv;
        rvfi_qa_we_o <= 1'b1; rvfi_qa_o <= qaptr_q + {q8_n_q[29:0], 2'b00};
      end
    end
  endtask
  task xw(input [4:0] r, input [31:0] v);
    begin
      if (r != 5'd0) begin
        rvfi_x_we_o <= 1'b1; rvfi_x_addr_o <= r; rvfi_x_wdata_o <= v;
      end
    end
  endtask
  task fw(input [4:0] r, input [31:0] v);
    begin
      if (r != 5'd0) begin
        rvfi_f_we_o <= 1'b1; rvfi_f_addr_o <= r; rvfi_f_wdata_o <= v;
      end
    end
  endtask
  // lanes below vl from `lanes`, the others keep their value
  task vw_lanes(input [2:0] r, input [511:0] lanes);
    integer k;
    reg [511:0] merged;
    begin
      for (k = 0; k < 16; k = k + 1) begin
        merged[32*k +: 32] = (k < vl_q) ? lanes[32*k +: 32] : vd_lanes[32*k +: 32];  // r is always vd
      end
      rvfi_v_we_o <= 1'b1; rvfi_v_addr_o <= r; rvfi_v_lanes_o <= merged;
    end
  endtask
  task vw_vres(input [2:0] r);
    integer k;
    begin
      for (k = 0; k < 16; k = k + 1) begin
        rvfi_v_lanes_o[32*k +: 32] <= vres_q[32*(k) +: 32];
      end
      rvfi_v_we_o <= 1'b1; rvfi_v_addr_o <= r;
    end
  endtask
  task trap(input [2:0] kind, input [31:0] addr);
    begin
      rvfi_valid_o <= 1'b1; rvfi_trap_o <= kind; rvfi_trap_addr_o <= addr;
      pc_q <= pc_q; state_q <= S_STOP;
    end
  endtask
  function automatic [2:0] nlines(input [31:0] a, input [33:0] n);
    reg [33:0] last;
    reg [29:0] diff;
    begin
      last = {2'b00, a} + n - 34'd1;
      diff = last[33:4] - {2'd0, a[31:4]} + 30'd1;
      nlines = diff[2:0];
    end
  endfunction
  task start_read(input [31:0] a, input [2:0] lines, input [4:0] next_state);
    begin
      rvfi_valid_o <= 1'b0; pc_q <= pc_q;
      ma_addr_q <= a; rd_line_q <= a[31:4]; rd_req_left_q <= {1'b0, lines}; rd_rsp_idx_q <= 4'd0;
      rd_rsp_total_q <= {1'b0, lines};
      state_q <= next_state;
    end
  endtask
  task start_store(input [31:0] a, input [511:0] data, input [6:0] nbytes);
    reg [79:0] m;
    reg [33:0] last;
    reg [29:0] ldiff;
    begin
      rvfi_valid_o <= 1'b0; pc_q <= pc_q;
      m = (80'd1 << nbytes) - 80'd1;
      st_mask_q <= m << a[3:0];
      st_img_q <= {128'd0, data} << {a[3:0], 3'b000};
      st_line_q <= a[31:4]; st_idx_q <= 3'd0;
      last = {2'b00, a} + {27'd0, nbytes} - 34'd1;
      ldiff = last[33:4] - {2'd0, a[31:4]};
      st_last_q <= ldiff[2:0];
      ma_addr_q <= a;
      state_q <= S_STORE;
    end
  endtask
  // a vector store's record: vl words, then the svinc pointer update
  task store_done(input [31:0] a, input [4:0] words);
    begin
      rvfi_valid_o <= 1'b1; pc_q <= pc_next; state_q <= S_EXEC;
      rvfi_mem_words_o <= words; rvfi_mem_addr_o <= a; rvfi_mem_wdata_o <= vimg;
      if (((state_q == S_EXEC) ? dec_op : op_q) == `SMOL_OP_SVINC_ID)
        xw(f_rs1, xs1 + {25'd0, vl_q, 2'b00});
    end
  endtask
  task sfp(input [3:0] fop, input na, input nb, input nc);
    begin
      rvfi_valid_o <= 1'b0; pc_q <= pc_q;
      fop_q <= fop; neg_a_q <= na; neg_b_q <= nb; neg_c_q <= nc; scalar_q <= 1'b1;
      lane_end_q <= 5'd1; post_q <= P_FREG; state_q <= S_FLANE;
    end
  endtask
  task vfp(input [3:0] fop, input na, input nb, input nc, input [1:0] post);
    begin
      rvfi_valid_o <= 1'b0; pc_q <= pc_q;
      fop_q <= fop; neg_a_q <= na; neg_b_q <= nb; neg_c_q <= nc; scalar_q <= 1'b0;
      lane_end_q <= vl_q; post_q <= post; state_q <= S_FLANE;
    end
  endtask
endmodule
