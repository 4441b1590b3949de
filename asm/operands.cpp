#include "asm/operands.h"

#include "isa/generated/smol32_isa.h"

#include <cctype>
#include <fmt/format.h>

namespace smol::assembler {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::optional<reg_ref> parse_register(std::string_view name) {
    std::string n = lower(name);
    // Register files and their ABI aliases (zero, ra, sp) come from the table (isa/opcodes.tbl).
    const smol::isa::regfile_desc* file = nullptr;
    for (const smol::isa::regfile_desc& r : smol::isa::regfiles()) {
        for (const smol::isa::reg_alias& a : r.aliases)
            if (n == a.name) return reg_ref{r.letter, a.index};
        if (!n.empty() && n[0] == r.letter) file = &r;
    }
    if (n.size() < 2 || !file) return std::nullopt;
    int64_t index = 0;
    for (size_t i = 1; i < n.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(n[i]))) return std::nullopt;
        if (index < 1000000) index = index * 10 + (n[i] - '0');
    }
    return reg_ref{n[0], index};
}

std::string spell(const std::vector<token>& tokens) {
    std::string out;
    for (const token& t : tokens) out += t.text;
    return out;
}

operand parse_operand(const std::vector<token>& t, int col) {
    operand op;
    op.col = col;
    op.text = spell(t);
    if (t.size() == 1 && t[0].kind == tok::ident) {
        if (auto r = parse_register(t[0].text)) {
            op.k = operand::kind::reg;
            op.reg = *r;
            op.reg_col = t[0].col;
            op.reg_text = t[0].text;
            return op;
        }
    }
    size_t n = t.size();
    if (n >= 3 && t[n - 1].is_punct(")") && t[n - 3].is_punct("(") && t[n - 2].kind == tok::ident) {
        if (auto r = parse_register(t[n - 2].text)) {
            op.k = operand::kind::mem;
            op.reg = *r;
            op.reg_col = t[n - 2].col;
            op.reg_text = t[n - 2].text;
            op.expr.assign(t.begin(), t.end() - 3);
            return op;
        }
    }
    op.k = operand::kind::expr;
    op.expr = t;
    return op;
}

}  // namespace smol::assembler
