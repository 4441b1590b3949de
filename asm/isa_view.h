#pragma once
// The assembler's view of the generated SMOL-32 table (isa/generated/smol32_isa.h): instructions with
// their operand template, and fields with their kind, range and encoding. Nothing here restates an
// encoding; every bit position, mask and match comes from the generated table.
#include "isa/generated/smol32_isa.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smol::assembler {

using field_kind = smol::isa::operand_kind;

struct field_info {
    std::string name;
    field_kind kind = field_kind::uimm;
    int width = 0;                 // bits in the instruction word
    int scale = 1;                 // pcrel: the encoded value is (target - pc) / scale
    std::vector<int64_t> values;   // enumerated: code k means values[k]
    int64_t min_value = 0, max_value = 0;  // architectural range (pcrel: byte offsets)
    const smol::isa::regfile_desc* regfile = nullptr;  // register fields: letter, count, aliases

    bool is_register() const { return regfile != nullptr; }
};

// One operand of an instruction's syntax (the table's template, parsed by isa/gen.py): `field`, or
// `offset(base)` for a memory operand.
struct operand_pattern {
    int field = -1;        // index into instruction_info::fields
    int base_field = -1;   // memory operand: the register in parentheses
    bool is_memory() const { return base_field >= 0; }
};

struct instruction_info {
    smol::isa::opcode op = smol::isa::opcode::invalid;
    std::string mnemonic;             // as in the table (lower case)
    std::string syntax;               // the table's operand template, e.g. "rd, simm16(rs1)"
    std::vector<field_info> fields;   // operand fields in the generated API's (syntax) order
    std::vector<operand_pattern> operands;  // operands as written, e.g. "simm16(rs1)" is one
};

class isa_view {
public:
    static const isa_view& get();

    const instruction_info* find(std::string_view mnemonic_lower) const;
    const std::vector<instruction_info>& instructions() const { return list_; }

    // Operand values as the generated API defines them (register number; immediate; pcrel: byte offset
    // target - pc; enumerated: the value itself), in `fields` order. nullopt if one does not fit.
    std::optional<uint32_t> encode(const instruction_info& insn, const std::vector<int64_t>& values) const;
    // The instruction a word decodes to, or nullptr for an illegal word; fills the operand values.
    const instruction_info* decode(uint32_t word, std::vector<int64_t>& values) const;

private:
    isa_view();
    std::vector<instruction_info> list_;
};

}  // namespace smol::assembler
