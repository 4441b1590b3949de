#pragma once
// Operands as written: a register, an expression, or a memory reference `offset(register)`.
#include "asm/lexer.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smol::assembler {

struct reg_ref {
    char file = 'r';     // 'r' integer, 'f' floating point, 'v' vector
    int64_t index = 0;   // not yet range-checked: the field width decides
};

// r0..r31, f0..f31, v0..v7 (any case, any number of digits), and the ABI names of docs/asm.md.
std::optional<reg_ref> parse_register(std::string_view name);

struct operand {
    enum class kind { reg, expr, mem } k = kind::expr;
    reg_ref reg;                 // reg, or the base of mem
    int reg_col = 0;             // where the register is written
    std::string reg_text;
    std::vector<token> expr;     // expr, or the offset of mem (empty: 0)
    int col = 0;
    std::string text;            // the operand's spelling, quoted in errors
};

operand parse_operand(const std::vector<token>& tokens, int col);

// Joins token spellings back into one operand (for messages).
std::string spell(const std::vector<token>& tokens);

}  // namespace smol::assembler
