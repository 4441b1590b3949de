// Icarus Verilog testbench of the SMOL-32 core: MEM_LINES 16-byte lines of memory (1 MiB unless the build
// overrides it; +mem_size=BYTES uses a prefix) behind the memory port (docs/rtl.md) with a read latency of
// LATENCY cycles, loaded from +image=FILE ($readmemh, one 16-byte line per row; `@line` skips the zero lines
// of a sparse image), run until halt, a trap or +max_cycles=N. Writes the commit log of docs/trace.md
// without the disassembly column to +log=FILE (the test strips it from the Verilator log and compares the
// two with diff; +log=none writes none), and with +dump=FILE +dump_addr=HEX +dump_words=N the words of
// memory from that address at the end, one hex word per line (a forward pass's logits).
`timescale 1ns / 1ps
module smol_tb;
  parameter integer LATENCY = 1;
  parameter integer MEM_LINES = 65536;

  reg clk = 1'b0;
  reg rst_n = 1'b0;
  reg [127:0] mem [0:MEM_LINES-1];

  wire         req_valid, req_we, req_id;
  wire [27:0]  req_line;
  wire [15:0]  req_be;
  wire [127:0] req_wdata;
  reg          rsp_valid;
  reg  [127:0] rsp_rdata;
  reg          rsp_id;

  wire         rv_valid, rv_halt, rv_x_we, rv_f_we, rv_v_we, rv_vl_we, rv_qs_we, rv_qw_we, rv_qa_we, rv_acc_we;
  wire         rv_mem_byte;
  wire [2:0]   rv_trap, rv_v_addr;
  wire [4:0]   rv_x_addr, rv_f_addr, rv_vl, rv_mem_words;
  wire [31:0]  rv_pc, rv_insn, rv_trap_addr, rv_x_wdata, rv_f_wdata, rv_qs, rv_qw, rv_qa, rv_mem_addr;
  wire [511:0] rv_v_lanes, rv_acc, rv_mem_wdata;
  wire         halted;

  smol_core dut (
    .clk_i(clk), .rst_ni(rst_n), .boot_pc_i(boot_pc), .mem_size_i(mem_size),
    .mem_req_valid_o(req_valid), .mem_req_ready_i(1'b1), .mem_req_line_o(req_line), .mem_req_we_o(req_we),
    .mem_req_be_o(req_be), .mem_req_wdata_o(req_wdata), .mem_req_id_o(req_id),
    .mem_rsp_valid_i(rsp_valid), .mem_rsp_rdata_i(rsp_rdata), .mem_rsp_id_i(rsp_id),
    .halted_o(halted),
    .rvfi_valid_o(rv_valid), .rvfi_pc_o(rv_pc), .rvfi_insn_o(rv_insn), .rvfi_halt_o(rv_halt),
    .rvfi_trap_o(rv_trap), .rvfi_trap_addr_o(rv_trap_addr),
    .rvfi_x_we_o(rv_x_we), .rvfi_x_addr_o(rv_x_addr), .rvfi_x_wdata_o(rv_x_wdata),
    .rvfi_f_we_o(rv_f_we), .rvfi_f_addr_o(rv_f_addr), .rvfi_f_wdata_o(rv_f_wdata),
    .rvfi_v_we_o(rv_v_we), .rvfi_v_addr_o(rv_v_addr), .rvfi_v_lanes_o(rv_v_lanes),
    .rvfi_vl_we_o(rv_vl_we), .rvfi_vl_o(rv_vl),
    .rvfi_qscale_we_o(rv_qs_we), .rvfi_qw_we_o(rv_qw_we), .rvfi_qa_we_o(rv_qa_we),
    .rvfi_qscale_o(rv_qs), .rvfi_qw_o(rv_qw), .rvfi_qa_o(rv_qa),
    .rvfi_acc_we_o(rv_acc_we), .rvfi_acc_o(rv_acc),
    .rvfi_mem_byte_o(rv_mem_byte), .rvfi_mem_words_o(rv_mem_words), .rvfi_mem_addr_o(rv_mem_addr),
    .rvfi_mem_wdata_o(rv_mem_wdata)
  );

  // read pipeline: LATENCY stages
  reg          pipe_v [0:LATENCY-1];
  reg          pipe_id [0:LATENCY-1];
  reg  [127:0] pipe_d [0:LATENCY-1];
  integer k, b, fd;
  reg [31:0] boot_pc;
  reg [63:0] seq, cycles, max_cycles, progress_every;
  reg [32:0] mem_size;
  reg [31:0] dump_addr, dump_words, mem_size_arg;
  reg [8*256-1:0] image, logname, dumpname;
  reg logging;

  always @(posedge clk) begin
    rsp_valid <= pipe_v[LATENCY-1]; rsp_id <= pipe_id[LATENCY-1]; rsp_rdata <= pipe_d[LATENCY-1];
    for (k = LATENCY - 1; k > 0; k = k - 1) begin
      pipe_v[k] <= pipe_v[k-1]; pipe_id[k] <= pipe_id[k-1]; pipe_d[k] <= pipe_d[k-1];
    end
    pipe_v[0] <= 1'b0;
    if (rst_n && req_valid) begin
      if (req_we) begin
        for (b = 0; b < 16; b = b + 1)
          if (req_be[b]) mem[req_line][8*b +: 8] <= req_wdata[8*b +: 8];
      end else begin
        pipe_v[0] <= 1'b1; pipe_id[0] <= req_id; pipe_d[0] <= mem[req_line];
      end
    end
  end

  function [8*20-1:0] trap_name(input [2:0] t);
    case (t)
      3'd1: trap_name = "illegal-instruction";
      3'd2: trap_name = "fetch-misaligned";
      3'd3: trap_name = "fetch-fault";
      3'd4: trap_name = "load-misaligned";
      3'd5: trap_name = "load-fault";
      3'd6: trap_name = "store-misaligned";
      3'd7: trap_name = "store-fault";
      default: trap_name = "none";
    endcase
  endfunction

  task lanes(input [511:0] l);
    integer i;
    begin
      for (i = 0; i < 16; i = i + 1) begin
        if (i != 0) $fwrite(fd, ",");
        $fwrite(fd, "%h", l[32*i +: 32]);
      end
    end
  endtask

  always @(posedge clk) begin
    if (rst_n && rv_valid) seq = seq + 1;
    if (rst_n && rv_valid && logging) begin
      $fwrite(fd, "%0d %h %h", seq, rv_pc, rv_insn);
      if (rv_trap != 3'd0) begin
        $fwrite(fd, " ; trap=%0s addr=%h\n", trap_name(rv_trap), rv_trap_addr);
      end else begin
        if (rv_x_we || rv_f_we || rv_v_we || rv_vl_we || rv_qs_we || rv_qw_we || rv_qa_we || rv_acc_we ||
            rv_mem_byte || rv_mem_words != 5'd0) $fwrite(fd, " ;");
        if (rv_x_we) $fwrite(fd, " x%0d=%h", rv_x_addr, rv_x_wdata);
        if (rv_f_we) $fwrite(fd, " f%0d=%h", rv_f_addr, rv_f_wdata);
        if (rv_v_we) begin $fwrite(fd, " v%0d=", rv_v_addr); lanes(rv_v_lanes); end
        if (rv_vl_we) $fwrite(fd, " vl=%0d", rv_vl);
        if (rv_qs_we) $fwrite(fd, " qscale=%h", rv_qs);
        if (rv_qw_we) $fwrite(fd, " qw=%h", rv_qw);
        if (rv_qa_we) $fwrite(fd, " qa=%h", rv_qa);
        if (rv_acc_we) begin $fwrite(fd, " acc="); lanes(rv_acc); end
        if (rv_mem_byte) $fwrite(fd, " m8[%h]=%h", rv_mem_addr, rv_mem_wdata[7:0]);
        for (k = 0; k < rv_mem_words; k = k + 1) $fwrite(fd, " m32[%h]=%h", rv_mem_addr + 4 * k, rv_mem_wdata[32*k +: 32]);
        $fwrite(fd, "\n");
      end
    end
  end

  initial begin
    if (!$value$plusargs("image=%s", image)) begin $display("smol_tb: +image=FILE is required"); $finish; end
    if (!$value$plusargs("log=%s", logname)) logname = "icarus_commit.log";
    logging = logname != "none";
    if (!$value$plusargs("entry=%h", boot_pc)) boot_pc = 32'h1000;
    if (!$value$plusargs("max_cycles=%d", max_cycles)) max_cycles = 64'd10000000;
    if (!$value$plusargs("progress=%d", progress_every)) progress_every = 64'd0;
    if ($value$plusargs("mem_size=%d", mem_size_arg)) mem_size = {1'b0, mem_size_arg};
    else mem_size = 16 * MEM_LINES;
    if (mem_size > 16 * MEM_LINES || mem_size[3:0] != 4'd0) begin
      $display("smol_tb: +mem_size=%0d is not a multiple of 16 within the %0d bytes of this build", mem_size,
               16 * MEM_LINES);
      $finish;
    end
    for (k = 0; k < mem_size / 16; k = k + 1) mem[k] = 128'd0;
    for (k = 0; k < LATENCY; k = k + 1) begin pipe_v[k] = 1'b0; pipe_id[k] = 1'b0; pipe_d[k] = 128'd0; end
    rsp_valid = 1'b0; rsp_id = 1'b0; rsp_rdata = 128'd0;
    $readmemh(image, mem);
    if (logging) fd = $fopen(logname, "w");
    seq = 0; cycles = 0;
    repeat (2) begin #5 clk = 1'b1; #5 clk = 1'b0; end
    rst_n = 1'b1;
    while (!halted && cycles < max_cycles) begin
      #5 clk = 1'b1; #5 clk = 1'b0;
      cycles = cycles + 1;
      if (progress_every != 0 && cycles % progress_every == 0)
        $display("smol_tb: %0d cycles, %0d instructions", cycles, seq);
    end
    #5 clk = 1'b1; #5 clk = 1'b0;
    if (logging) $fclose(fd);
    $display("smol_tb: %0s after %0d cycles, %0d records", halted ? "stopped" : "cycle limit", cycles, seq);
    if ($value$plusargs("dump=%s", dumpname)) begin
      if (!$value$plusargs("dump_addr=%h", dump_addr)) dump_addr = 32'd0;
      if (!$value$plusargs("dump_words=%d", dump_words)) dump_words = 32'd0;
      fd = $fopen(dumpname, "w");
      for (k = 0; k < dump_words; k = k + 1)
        $fwrite(fd, "%h\n", mem[(dump_addr + 4 * k) >> 4][32 * (((dump_addr + 4 * k) >> 2) & 3) +: 32]);
      $fclose(fd);
    end
    $finish;
  end
endmodule
