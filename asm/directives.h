#pragma once
// Data and layout directives: .org .align .word .half .byte .float .space .ascii .asciz.
// (.equ/.set, .global and .include act on the symbol table or the source list: see assembler.cpp.)
#include "asm/expr.h"
#include "asm/source.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace smol::assembler {

// Evaluates one operand of the statement being handled.
using operand_eval = std::function<expr_value(const std::vector<token>& tokens, int col)>;

bool is_data_directive(const std::string& name);

struct directive_layout {
    uint64_t size = 0;                 // bytes emitted at the current address
    std::optional<uint64_t> new_address;  // .org
};

// First pass: the directive's size (its size-determining operands must be known here).
directive_layout layout_directive(const statement& st, const std::string& name, uint64_t address,
                                  const operand_eval& eval);

// Second pass: the directive's bytes.
std::vector<uint8_t> emit_directive(const statement& st, const std::string& name, uint64_t address,
                                    const operand_eval& eval);

}  // namespace smol::assembler
