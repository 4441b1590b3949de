#pragma once
// Symbol table. Three kinds of names:
//  - global labels and constants (`name:`, `.equ name, expr`);
//  - scoped local labels: a name starting with '.' (`.loop:`) belongs to the enclosing global label and is
//    stored as `outer.loop`, so every function can have its own `.loop`;
//  - numeric local labels (`1:`), referenced as `1b` (nearest definition at or before this line) or `1f`
//    (nearest definition after it); they may be redefined freely and never reach the symbol map.
#include "asm/diag.h"
#include "asm/lexer.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace smol::assembler {

struct symbol {
    int64_t value = 0;
    bool known = false;     // a constant whose expression the first pass could not evaluate yet
    bool is_label = false;
    bool global = false;
    source_loc defined_at;  // file, line, col of the definition
    size_t statement = 0;   // index of the defining statement
};

class symbol_table {
public:
    // The stored name of `name` written inside global label `scope` (qualifies '.name').
    static std::string qualify(const std::string& name, const std::string& scope);

    // Throws asm_error "duplicate symbol" quoting `spelling` when the name is taken.
    symbol& define(const std::string& name, const symbol& s, const std::string& spelling);
    symbol* find(const std::string& name);
    const std::unordered_map<std::string, symbol>& all() const { return map_; }
    // Constants in definition order (for resolving those that referred forward).
    const std::vector<std::string>& constants() const { return constants_; }

    void define_numeric(int64_t number, size_t statement, uint32_t address);
    // Nearest definition of `number` at or before `statement` (backward) or after it (forward).
    std::optional<uint32_t> find_numeric(int64_t number, bool forward, size_t statement) const;

private:
    std::unordered_map<std::string, symbol> map_;
    std::vector<std::string> constants_;
    std::map<int64_t, std::vector<std::pair<size_t, uint32_t>>> numeric_;  // defs in statement order
};

}  // namespace smol::assembler
