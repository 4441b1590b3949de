#include "asm/disasm.h"

#include "asm/isa_view.h"
#include "asm/operands.h"

#include <fmt/format.h>
#include <map>

namespace smol::disasm {
namespace {
using namespace smol::assembler;

char letter(field_kind k) { return k == field_kind::xreg ? 'r' : k == field_kind::freg ? 'f' : 'v'; }

std::string target_text(int64_t offset, uint32_t pc) {
    int64_t target = int64_t(pc) + offset;
    if (target >= 0 && target <= int64_t(UINT32_MAX)) return fmt::format("0x{:08x}", target);
    return offset < 0 ? fmt::format(". - {}", -offset) : fmt::format(". + {}", offset);
}

std::string value_text(const field_info& f, int64_t v, uint32_t pc) {
    switch (f.kind) {
        case field_kind::xreg:
        case field_kind::freg:
        case field_kind::vreg: return register_name(letter(f.kind), v);
        case field_kind::pcrel: return target_text(v, pc);
        case field_kind::uimm: return v < 10 ? fmt::format("{}", v) : fmt::format("0x{:x}", v);
        default: return fmt::format("{}", v);
    }
}

// The decoded instruction and its operand values, or nullptr.
const instruction_info* decode(uint32_t bits, std::vector<int64_t>& values) {
    return isa_view::get().decode(bits, values);
}

}  // namespace

std::string format_instruction(uint32_t bits, uint32_t pc) {
    std::vector<int64_t> values;
    const instruction_info* insn = decode(bits, values);
    if (!insn) return fmt::format(".word 0x{:08x}", bits);
    if (insn->operands.empty()) return insn->mnemonic;
    std::string out = fmt::format("{:<7} ", insn->mnemonic);
    for (size_t i = 0; i < insn->operands.size(); ++i) {
        const operand_pattern& p = insn->operands[i];
        if (i > 0) out += ", ";
        out += value_text(insn->fields[size_t(p.field)], values[size_t(p.field)], pc);
        if (p.is_memory())
            out += "(" + value_text(insn->fields[size_t(p.base_field)], values[size_t(p.base_field)], pc) + ")";
    }
    return out;
}

std::string format_image(std::span<const uint8_t> image, uint32_t base, const std::vector<map_symbol>& symbols) {
    std::multimap<uint32_t, std::string> labels;
    for (const map_symbol& s : symbols) labels.emplace(s.address, s.name);
    std::string out;
    for (size_t off = 0; off < image.size(); off += 4) {
        uint32_t pc = uint32_t(base + off);
        auto [b, e] = labels.equal_range(pc);
        for (auto it = b; it != e; ++it) out += fmt::format("{}:\n", it->second);
        if (image.size() - off < 4) {
            for (size_t k = off; k < image.size(); ++k)
                out += fmt::format("{:08x}: {:02x}{:8}.byte 0x{:02x}\n", uint32_t(base + k), image[k], "", image[k]);
            break;
        }
        uint32_t bits = uint32_t(image[off]) | uint32_t(image[off + 1]) << 8 | uint32_t(image[off + 2]) << 16 |
                        uint32_t(image[off + 3]) << 24;
        std::string text = format_instruction(bits, pc);
        std::vector<int64_t> values;
        if (const instruction_info* insn = decode(bits, values)) {
            for (size_t k = 0; k < insn->fields.size(); ++k)
                if (insn->fields[k].kind == field_kind::pcrel) {
                    auto it = labels.find(uint32_t(int64_t(pc) + values[k]));
                    if (it != labels.end()) text += fmt::format("  # {}", it->second);
                }
        }
        out += fmt::format("{:08x}: {:08x}  {}\n", pc, bits, text);
    }
    return out;
}

}  // namespace smol::disasm
