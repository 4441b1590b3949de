#pragma once
// Splits one source line into tokens, each with its 1-based column.
// Comments run from '#' or "//" to the end of the line.
#include "asm/diag.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smol::assembler {

enum class tok {
    ident,      // names, mnemonics, directives, registers; '.' alone is the current address
    integer,    // 42, 0x2a, 0b101010, 'c'
    floating,   // 1.5, 2e-3 (only .float takes them)
    string,     // "text" with C escapes; `str` holds the decoded bytes
    local_ref,  // 1b / 1f: numeric local label, backward or forward
    punct,      // , ( ) : + - * / % << >> & | ^ ~ !
    end,        // end of line (column just past the last character)
};

struct token {
    tok kind = tok::end;
    std::string text;     // the source spelling, quoted in error messages
    int col = 0;          // 1-based
    int64_t value = 0;    // integer value, or the local label number
    double fvalue = 0.0;  // floating value
    bool forward = false; // local_ref: 'f'
    std::string str;      // string: decoded contents

    bool is(tok k, std::string_view t) const { return kind == k && text == t; }
    bool is_punct(std::string_view t) const { return is(tok::punct, t); }
};

// `at` gives the file and line; its column is ignored. Throws asm_error on a malformed token
// (unterminated string, bad escape, number too large, stray character).
std::vector<token> lex_line(std::string_view line, source_loc at);

}  // namespace smol::assembler
