#include "isa/disasm.h"

#include "isa/generated/smol32_isa.h"

#include <fmt/format.h>

namespace smol::disasm {
namespace {

std::string target_text(int64_t offset, uint32_t pc) {
    int64_t target = int64_t(pc) + offset;
    if (target >= 0 && target <= int64_t(UINT32_MAX)) return fmt::format("0x{:08x}", target);
    return offset < 0 ? fmt::format(". - {}", -offset) : fmt::format(". + {}", offset);
}

std::string value_text(isa::field f, uint32_t bits, uint32_t pc) {
    const isa::operand_kind kind = isa::describe(f).kind;
    const int64_t v = isa::operand_value(f, bits);
    if (const isa::regfile_desc* file = isa::describe_regfile(kind)) return fmt::format("{}{}", file->letter, v);
    switch (kind) {
    case isa::operand_kind::pcrel: return target_text(v, pc);
    case isa::operand_kind::uimm: return v < 10 ? fmt::format("{}", v) : fmt::format("0x{:x}", v);
    default: return fmt::format("{}", v);
    }
}

}  // namespace

std::string format_instruction(uint32_t bits, uint32_t pc) {
    const isa::opcode op = isa::decode(bits);
    if (op == isa::opcode::invalid) return fmt::format(".word 0x{:08x}", bits);
    const isa::instr_desc& d = isa::describe(op);
    if (d.syntax_count == 0) return std::string(d.mnemonic);
    std::string out = fmt::format("{:<7} ", d.mnemonic);
    for (unsigned i = 0; i < d.syntax_count; ++i) {
        const isa::syntax_operand& s = d.syntax_operands[i];
        if (i > 0) out += ", ";
        out += value_text(d.operands[s.field], bits, pc);
        if (s.base >= 0) out += "(" + value_text(d.operands[s.base], bits, pc) + ")";
    }
    return out;
}

}  // namespace smol::disasm
