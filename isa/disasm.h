#pragma once
// SMOL-32 disassembler, from the generated table alone (operand templates, register letters), so that
// the ISS, the RTL harness and the commit log use it without the assembler. Its text is assembler
// input: `smol asm` turns format_instruction(bits, pc), placed at address pc, back into exactly `bits`
// (asm/tests/round_trip_test.cpp, over every instruction of the table).
#include <cstdint>
#include <string>

namespace smol::disasm {

// One instruction, e.g. "addi    r1, r2, -5" or "beq     r1, r0, 0x00001040". Branch and jump targets are
// absolute addresses (or ". + offset" when pc + offset leaves the 32-bit address space); an illegal
// word prints as ".word 0x%08x".
std::string format_instruction(uint32_t bits, uint32_t pc);

}  // namespace smol::disasm
