#include "asm/disasm.h"

#include "isa/generated/smol32_isa.h"

#include <fmt/format.h>
#include <map>

namespace smol::disasm {

std::string format_image(std::span<const uint8_t> image, uint32_t base, const std::vector<smol::assembler::map_symbol>& symbols) {
    std::multimap<uint32_t, std::string> labels;
    for (const smol::assembler::map_symbol& s : symbols) labels.emplace(s.address, s.name);
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
        const isa::opcode op = isa::decode(bits);
        if (op != isa::opcode::invalid) {
            const isa::instr_desc& d = isa::describe(op);
            for (unsigned k = 0; k < d.operand_count; ++k)
                if (isa::describe(d.operands[k]).kind == isa::operand_kind::pcrel) {
                    auto it = labels.find(uint32_t(int64_t(pc) + isa::operand_value(d.operands[k], bits)));
                    if (it != labels.end()) text += fmt::format("  # {}", it->second);
                }
        }
        out += fmt::format("{:08x}: {:08x}  {}\n", pc, bits, text);
    }
    return out;
}

}  // namespace smol::disasm
