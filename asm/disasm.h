#pragma once
// SMOL-32 image listing (`smol disasm`): the instruction text comes from the table-driven disassembler
// in isa/disasm.h; this adds addresses, encodings and the assembler's symbols.
#include "asm/assembler.h"
#include "isa/disasm.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace smol::disasm {

// A whole image at `base`: one line per word, "address: bits  text", with a label line before each
// address in `symbols` and the label name after a branch target that has one.
std::string format_image(std::span<const uint8_t> image, uint32_t base,
                         const std::vector<smol::assembler::map_symbol>& symbols);

}  // namespace smol::disasm
