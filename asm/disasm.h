#pragma once
// SMOL-32 disassembler. Its text is assembler input: `smol asm` turns format_instruction(bits, pc),
// placed at address pc, back into exactly `bits` (tested over every instruction of the table).
#include "asm/assembler.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace smol::disasm {

// One instruction, e.g. "addi    r1, r2, -5" or "beq     r1, r0, 0x00001040". Branch and jump targets are
// absolute addresses (or ". + offset" when pc + offset leaves the 32-bit address space); an illegal
// word prints as ".word 0x%08x". The ISS trace printer calls this.
std::string format_instruction(uint32_t bits, uint32_t pc);

// A whole image at `base`: one line per word, "address: bits  text", with a label line before each
// address in `symbols` and the label name after a branch target that has one.
std::string format_image(std::span<const uint8_t> image, uint32_t base,
                         const std::vector<smol::assembler::map_symbol>& symbols);

}  // namespace smol::disasm
