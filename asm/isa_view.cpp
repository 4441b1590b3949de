#include "asm/isa_view.h"

#include "common/error.h"

namespace smol::assembler {
namespace {

field_kind kind_of(smol::isa::operand_kind k) {
    switch (k) {
        case smol::isa::operand_kind::xreg: return field_kind::xreg;
        case smol::isa::operand_kind::freg: return field_kind::freg;
        case smol::isa::operand_kind::vreg: return field_kind::vreg;
        case smol::isa::operand_kind::simm: return field_kind::simm;
        case smol::isa::operand_kind::uimm: return field_kind::uimm;
        case smol::isa::operand_kind::pcrel: return field_kind::pcrel;
        case smol::isa::operand_kind::enumerated: return field_kind::enumerated;
    }
    return field_kind::uimm;
}

std::string trim(std::string_view s) {
    size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
    return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

int field_index(const instruction_info& insn, std::string_view name) {
    for (size_t i = 0; i < insn.fields.size(); ++i)
        if (insn.fields[i].name == name) return int(i);
    fail("isa table: syntax of '{}' names '{}', which is not one of its fields", insn.mnemonic, name);
}

// "rd, simm16(rs1)" -> {rd}, {simm16 (rs1)}
void parse_syntax(instruction_info& insn) {
    std::string_view rest = insn.syntax;
    while (!trim(rest).empty()) {
        size_t comma = rest.find(',');
        std::string piece = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        operand_pattern p;
        size_t open = piece.find('(');
        if (open != std::string::npos && piece.back() == ')') {
            p.field = field_index(insn, trim(std::string_view(piece).substr(0, open)));
            p.base_field = field_index(insn, trim(std::string_view(piece).substr(open + 1, piece.size() - open - 2)));
        } else {
            p.field = field_index(insn, piece);
        }
        insn.operands.push_back(p);
    }
}

}  // namespace

isa_view::isa_view() {
    for (size_t i = 0; i < smol::isa::opcode_count; ++i) {
        auto op = static_cast<smol::isa::opcode>(i);
        const smol::isa::instr_desc& d = smol::isa::describe(op);
        instruction_info insn;
        insn.op = op;
        insn.mnemonic = std::string(d.mnemonic);
        insn.syntax = std::string(d.syntax);
        for (unsigned k = 0; k < d.operand_count; ++k) {
            const smol::isa::field_desc& f = smol::isa::describe(d.operands[k]);
            field_info info;
            info.name = std::string(f.name);
            info.kind = kind_of(f.kind);
            info.width = f.width;
            info.scale = f.scale;
            info.values.assign(f.values.begin(), f.values.end());
            insn.fields.push_back(std::move(info));
        }
        parse_syntax(insn);
        list_.push_back(std::move(insn));
    }
}

const isa_view& isa_view::get() {
    static const isa_view view;
    return view;
}

const instruction_info* isa_view::find(std::string_view mnemonic_lower) const {
    std::optional<smol::isa::opcode> op = smol::isa::find_mnemonic(mnemonic_lower);
    return op ? &list_[size_t(*op)] : nullptr;
}

std::optional<uint32_t> isa_view::encode(const instruction_info& insn, const std::vector<int64_t>& values) const {
    return smol::isa::encode(insn.op, values);
}

const instruction_info* isa_view::decode(uint32_t word, std::vector<int64_t>& values) const {
    smol::isa::opcode op = smol::isa::decode(word);
    if (op == smol::isa::opcode::invalid) return nullptr;
    const smol::isa::instr_desc& d = smol::isa::describe(op);
    values.clear();
    for (unsigned k = 0; k < d.operand_count; ++k) values.push_back(smol::isa::operand_value(d.operands[k], word));
    return &list_[size_t(op)];
}

}  // namespace smol::assembler
