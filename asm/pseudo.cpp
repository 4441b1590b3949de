#include "asm/pseudo.h"

#include "asm/operands.h"

#include <array>
#include <fmt/format.h>
#include <string_view>

namespace smol::assembler {
namespace {

struct pseudo {
    const char* name;
    const char* usage;      // operands as written
    size_t arity;
    const char* expansion;  // "$k" stands for operand k as written
};

// Expansions are written in assembly and go through the same encoder as a source line, so their
// encodings come from the table like everything else.
constexpr std::array<pseudo, 20> pseudos{{
    {"nop", "", 0, "addi r0, r0, 0"},
    {"mv", "rd, rs", 2, "addi $0, $1, 0"},
    {"neg", "rd, rs", 2, "sub $0, r0, $1"},
    {"seqz", "rd, rs", 2, "sltiu $0, $1, 1"},
    {"snez", "rd, rs", 2, "sltu $0, r0, $1"},
    {"j", "target", 1, "jal r0, $0"},
    {"call", "target", 1, "jal r1, $0"},
    {"ret", "", 0, "jalr r0, 0(r1)"},
    {"jr", "rs", 1, "jalr r0, 0($0)"},
    {"beqz", "rs, target", 2, "beq $0, r0, $1"},
    {"bnez", "rs, target", 2, "bne $0, r0, $1"},
    {"bltz", "rs, target", 2, "blt $0, r0, $1"},
    {"bgez", "rs, target", 2, "bge $0, r0, $1"},
    {"bgtz", "rs, target", 2, "blt r0, $0, $1"},
    {"blez", "rs, target", 2, "bge r0, $0, $1"},
    {"bgt", "rs1, rs2, target", 3, "blt $1, $0, $2"},
    {"ble", "rs1, rs2, target", 3, "bge $1, $0, $2"},
    {"bgtu", "rs1, rs2, target", 3, "bltu $1, $0, $2"},
    {"bleu", "rs1, rs2, target", 3, "bgeu $1, $0, $2"},
    {"li", "rd, constant", 2, nullptr},
}};

const pseudo* find(const std::string& name) {
    std::string_view n = name == "la" ? std::string_view("li") : std::string_view(name);
    for (const pseudo& p : pseudos)
        if (n == p.name) return &p;
    return nullptr;
}

token synthetic(tok kind, std::string text, int col, int64_t value = 0) {
    token t;
    t.kind = kind;
    t.text = std::move(text);
    t.col = col;
    t.value = value;
    return t;
}

// Substitutes the statement's operands into an expansion written in assembly.
instruction_request substitute(const statement& st, std::string_view expansion) {
    std::vector<token> t = lex_line(expansion, st.loc);
    instruction_request req;
    req.mnemonic = t[0];
    req.mnemonic.col = st.op.col;
    std::vector<token> current;
    int current_col = -1;
    for (size_t i = 1; i < t.size(); ++i) {
        if (t[i].kind == tok::end || t[i].is_punct(",")) {
            req.args.push_back(std::move(current));
            req.arg_cols.push_back(current_col < 0 ? st.op.col : current_col);
            current.clear();
            current_col = -1;
            continue;
        }
        if (t[i].kind == tok::ident && t[i].text.size() == 2 && t[i].text[0] == '$') {
            size_t k = size_t(t[i].text[1] - '0');
            current.insert(current.end(), st.args[k].begin(), st.args[k].end());
            if (current_col < 0) current_col = st.arg_cols[k];
            continue;
        }
        token s = t[i];
        s.col = st.op.col;
        current.push_back(s);
    }
    if (t.size() == 2) {  // no operands
        req.args.clear();
        req.arg_cols.clear();
    }
    return req;
}

bool fits_simm16(int64_t v) { return v >= -32768 && v <= 32767; }

}  // namespace

bool is_pseudo(const std::string& mnemonic_lower) { return find(mnemonic_lower) != nullptr; }
bool is_load_immediate(const std::string& m) { return m == "li" || m == "la"; }

void check_pseudo_arity(const statement& st, const std::string& mnemonic_lower) {
    const pseudo* p = find(mnemonic_lower);
    if (st.args.size() == p->arity) return;
    std::string message = fmt::format("wrong number of operands: {} takes {} ({}), got {}", mnemonic_lower, p->arity,
                                      *p->usage ? p->usage : "no operands", st.args.size());
    if (st.args.size() > p->arity) throw_at(st.at(st.arg_cols[p->arity]), message, spell(st.args[p->arity]));
    throw_at(st.at(st.op.col), message, st.op.text);
}

// li rd, c: one instruction when c fits addi's signed or ori's unsigned 16 bits, or is lui's upper half
// alone; otherwise lui + ori. (lui rd, k loads k << 16: docs/isa.md.)
size_t pseudo_length(const statement& st, const std::string& m, expr_value value) {
    check_pseudo_arity(st, m);
    if (!is_load_immediate(m)) return 1;
    if (!value.known) return 2;
    uint32_t u = uint32_t(value.value);
    if (fits_simm16(int32_t(u)) || u <= 0xffff || (u & 0xffff) == 0) return 1;
    return 2;
}

std::vector<instruction_request> expand_pseudo(const statement& st, const std::string& m, expr_value value,
                                               size_t length) {
    check_pseudo_arity(st, m);
    if (!is_load_immediate(m)) return {substitute(st, find(m)->expansion)};
    int col = st.arg_cols[1];
    if (value.value < INT32_MIN || value.value > int64_t(UINT32_MAX))
        throw_at(st.at(col), fmt::format("immediate does not fit: {} is outside 32 bits", value.value),
                 spell(st.args[1]));
    uint32_t u = uint32_t(value.value);
    auto with_constant = [&](const char* expansion, int64_t constant) {
        instruction_request req = substitute(st, expansion);
        req.args.back() = {synthetic(tok::integer, std::to_string(constant), col, constant)};
        req.arg_cols.back() = col;
        return req;
    };
    if (length == 1) {
        if (fits_simm16(int32_t(u))) return {with_constant("addi $0, r0, 0", int32_t(u))};
        if (u <= 0xffff) return {with_constant("ori $0, r0, 0", u)};
        return {with_constant("lui $0, 0", u >> 16)};
    }
    return {with_constant("lui $0, 0", u >> 16), with_constant("ori $0, $0, 0", u & 0xffff)};
}

}  // namespace smol::assembler
