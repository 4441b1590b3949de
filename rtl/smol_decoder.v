// SMOL-32 instruction decoder: the instruction's dense opcode id from the generated decode function
// (isa/generated/smol32_decode_fn.vh, derived from isa/opcodes.tbl); no encoding is written here.
`include "smol32_decode.vh"
module smol_decoder (
  input  wire [31:0]                 instr_i,
  output wire [`SMOL_DEC_OP_W-1:0]   op_o,
  output wire                        valid_o
);
  `include "smol32_decode_fn.vh"
  assign op_o    = smol_decode_op(instr_i);
  assign valid_o = (op_o != `SMOL_DEC_OP_INVALID);
endmodule
