#pragma once
// Encodes one machine instruction written in source form, checking each operand against the table's
// syntax template and field ranges.
#include "asm/expr.h"
#include "asm/isa_view.h"
#include "asm/source.h"

#include <cstdint>
#include <vector>

namespace smol::assembler {

// A machine instruction to encode: mnemonic and operands, either from a source line or from a
// pseudo-instruction's expansion (whose synthetic tokens carry the columns of the line they came from).
struct instruction_request {
    token mnemonic;
    std::vector<std::vector<token>> args;
    std::vector<int> arg_cols;
};

// `line` gives the file and line for messages; `pc` is the instruction's own address.
uint32_t encode_instruction(const instruction_info& insn, const instruction_request& req, uint32_t pc,
                            const symbol_lookup& lookup, source_loc line);

}  // namespace smol::assembler
