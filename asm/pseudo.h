#pragma once
// Pseudo-instructions: each expands to one or more machine instructions from the table.
// LI/LA is the only one whose size depends on its operand; the first pass fixes that size and the
// second pass must keep it (a constant not known in the first pass always takes the two-word form).
#include "asm/encode.h"
#include "asm/source.h"

#include <optional>
#include <string>
#include <vector>

namespace smol::assembler {

bool is_pseudo(const std::string& mnemonic_lower);

// Number of machine instructions. For li/la: `value` is the first-pass value of the constant.
size_t pseudo_length(const statement& st, const std::string& mnemonic_lower, expr_value value);

// The machine instructions. For li/la: `value` is the final constant and `length` the first-pass size.
std::vector<instruction_request> expand_pseudo(const statement& st, const std::string& mnemonic_lower,
                                               expr_value value, size_t length);

// Checks the operand count of a pseudo-instruction (throws asm_error with its usage).
void check_pseudo_arity(const statement& st, const std::string& mnemonic_lower);

bool is_load_immediate(const std::string& mnemonic_lower);  // li, la: operand 1 is a 32-bit constant

}  // namespace smol::assembler
