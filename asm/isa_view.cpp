#include "asm/isa_view.h"

namespace smol::assembler {
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
            info.kind = f.kind;
            info.width = f.width;
            info.scale = f.scale;
            info.values.assign(f.values.begin(), f.values.end());
            info.min_value = f.min_value;
            info.max_value = f.max_value;
            info.regfile = smol::isa::describe_regfile(f.kind);
            insn.fields.push_back(std::move(info));
        }
        for (unsigned k = 0; k < d.syntax_count; ++k)
            insn.operands.push_back({d.syntax_operands[k].field, d.syntax_operands[k].base});
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
