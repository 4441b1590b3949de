#pragma once
// Reads a program into a flat list of statements, following .include (paths relative to the including
// file, then the -I directories) and refusing include cycles.
#include "asm/diag.h"
#include "asm/lexer.h"

#include <deque>
#include <string>
#include <vector>

namespace smol::assembler {

// One source line: labels, then an optional instruction or directive with comma-separated operands.
struct statement {
    source_loc loc;                         // column 1 of the line
    std::string text;                       // the line as written (for the listing)
    std::vector<token> labels;              // `name:` (ident) or `1:` (integer)
    token op;                               // mnemonic or directive; kind == tok::end when absent
    std::vector<std::vector<token>> args;   // operand tokens, split at top-level commas
    std::vector<int> arg_cols;              // column where each operand starts
    int end_col = 1;                        // column just past the line

    bool has_op() const { return op.kind != tok::end; }
    source_loc at(int col) const { return {loc.file, loc.line, col}; }
};

// Owns the file names that every source_loc points to; lives as long as the diagnostics need them.
class source_set {
public:
    const std::string* intern(std::string name);

private:
    std::deque<std::string> names_;
};

// Splits one lexed line into a statement; throws asm_error for a malformed line.
statement parse_statement(std::vector<token> tokens, source_loc line_loc, std::string text);

// Reads `path` (or, when `content` is given, takes it as the text of `path`) and everything it includes;
// errors go to `diags` and the offending lines are skipped.
std::vector<statement> read_program(const std::string& path, const std::vector<std::string>& include_dirs,
                                    source_set& sources, diagnostics& diags, const std::string* content = nullptr);

}  // namespace smol::assembler
