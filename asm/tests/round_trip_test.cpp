// For every instruction of the table: random legal operands -> encode (generated API) -> disassemble
// -> assemble at the same pc -> the same bits. Seeded, so a failure names a reproducible case.
#include "asm/disasm.h"
#include "asm/isa_view.h"
#include "asm/tests/asm_test_util.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <random>

namespace smol::assembler::testing {
namespace {

// A random value that the field can hold, edges included often.
int64_t random_value(const field_info& f, std::mt19937_64& rng) {
    if (f.kind == field_kind::enumerated) return f.values[rng() % f.values.size()];
    int64_t lo = f.min_value / f.scale, hi = f.max_value / f.scale;  // in encoded units
    int64_t code;
    switch (rng() % 4) {
        case 0: code = lo; break;
        case 1: code = hi; break;
        default: code = lo + int64_t(rng() % uint64_t(hi - lo + 1));
    }
    return code * f.scale;
}

uint32_t random_pc(std::mt19937_64& rng) {
    switch (rng() % 4) {
        case 0: return 0;
        case 1: return 0xfffffffcu;
        default: return uint32_t(rng()) & ~3u;
    }
}

TEST(asm_round_trip, every_instruction_random_operands) {
    std::mt19937_64 rng(20260101);
    const auto& all = isa_view::get().instructions();
    ASSERT_EQ(all.size(), smol::isa::opcode_count);
    constexpr int iterations = 60;
    for (const instruction_info& insn : all) {
        for (int it = 0; it < iterations; ++it) {
            std::vector<int64_t> values;
            for (const field_info& f : insn.fields) values.push_back(random_value(f, rng));
            std::optional<uint32_t> bits = smol::isa::encode(insn.op, values);
            ASSERT_TRUE(bits) << insn.mnemonic << " iteration " << it;
            uint32_t pc = random_pc(rng);
            std::string text = smol::disasm::format_instruction(*bits, pc);
            std::string source = fmt::format(".org 0x{:x}\n{}\n", pc, text);
            result r = assemble_string(source, "round-trip.s");
            ASSERT_TRUE(r.ok()) << insn.mnemonic << " iteration " << it << ": " << text << " at pc " << pc << ": "
                                << r.errors[0].text();
            std::vector<uint32_t> w = words(r.prog);
            ASSERT_EQ(w.size(), 1u) << text;
            ASSERT_EQ(w[0], *bits) << insn.mnemonic << " iteration " << it << ": '" << text << "' at pc 0x"
                                   << std::hex << pc;
        }
    }
}

TEST(asm_round_trip, random_words_either_round_trip_or_print_as_word) {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 20000; ++i) {
        uint32_t bits = uint32_t(rng());
        uint32_t pc = uint32_t(rng()) & ~3u;
        std::string text = smol::disasm::format_instruction(bits, pc);
        result r = assemble_string(fmt::format(".org 0x{:x}\n{}\n", pc, text), "random.s");
        ASSERT_TRUE(r.ok()) << text << ": " << r.errors[0].text();
        ASSERT_EQ(words(r.prog).at(0), bits) << text;
    }
}

TEST(asm_round_trip, illegal_words_print_as_data) {
    EXPECT_EQ(smol::disasm::format_instruction(0x00000000, 0), ".word 0x00000000");
    EXPECT_EQ(smol::disasm::format_instruction(0xffffffff, 0), ".word 0xffffffff");
}

TEST(asm_round_trip, branch_targets_are_absolute) {
    program p = assemble_ok(".org 0x1000\ntop: nop\n beq r1, r2, top\n");
    EXPECT_EQ(smol::disasm::format_instruction(words(p)[1], 0x1004), "beq     r1, r2, 0x00001000");
    EXPECT_EQ(smol::disasm::format_instruction(words(assemble_ok("lw r5, -8(r18)\n"))[0], 0), "lw      r5, -8(r18)");
    EXPECT_EQ(smol::disasm::format_instruction(words(assemble_ok("halt\n"))[0], 0), "halt");
}

}  // namespace
}  // namespace smol::assembler::testing
