#pragma once
// Constant expressions: integers, symbols, '.', local label references, parentheses and the C operators
// unary - + ~ !, * / %, + -, << >>, &, ^, | (C precedence). Arithmetic is 64-bit two's complement.
// A symbol the first pass cannot know yet makes the whole value unknown instead of failing.
#include "asm/diag.h"
#include "asm/lexer.h"

#include <cstdint>
#include <functional>
#include <span>

namespace smol::assembler {

struct expr_value {
    int64_t value = 0;
    bool known = true;
};

// Resolves an ident (a symbol or '.') or a local_ref token; throws asm_error for an undefined symbol
// when undefined symbols are errors (the final pass), or returns {0, false} while they may still appear.
using symbol_lookup = std::function<expr_value(const token&)>;

// Evaluates the whole of `tokens`; `at` names the file and line, `end_col` the column for "expected an
// expression" when the tokens run out.
expr_value eval_expr(std::span<const token> tokens, const symbol_lookup& lookup, source_loc at, int end_col);

}  // namespace smol::assembler
