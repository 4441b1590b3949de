// Directives: .org .align .word .half .byte .float .space .ascii/.asciz .equ/.set .global.
#include "asm/tests/asm_test_util.h"

#include <gtest/gtest.h>

namespace smol::assembler::testing {
namespace {

std::vector<uint8_t> bytes(const std::string& source) { return assemble_ok(source).image; }

TEST(asm_directives, data_little_endian) {
    EXPECT_EQ(bytes(".word 0x11223344, -1\n"), (std::vector<uint8_t>{0x44, 0x33, 0x22, 0x11, 0xff, 0xff, 0xff, 0xff}));
    EXPECT_EQ(bytes(".half 0x1234, -2\n.byte 255, -128\n"), (std::vector<uint8_t>{0x34, 0x12, 0xfe, 0xff, 0xff, 0x80}));
}

TEST(asm_directives, float_bits) {
    EXPECT_EQ(words(assemble_ok(".float 1.0, -2.5, 0, 3e38, inf, -inf\n")),
              (std::vector<uint32_t>{0x3f800000, 0xc0200000, 0x00000000, 0x7f61b1e6, 0x7f800000, 0xff800000}));
    EXPECT_FALSE(assemble_errors(".float 1e39\n").empty());
    EXPECT_FALSE(assemble_errors(".float r1\n").empty());
}

TEST(asm_directives, space_with_fill_and_align) {
    EXPECT_EQ(bytes(".byte 1\n.align 4\n.space 3, 0xaa\n.byte 2\n"),
              (std::vector<uint8_t>{1, 0, 0, 0, 0xaa, 0xaa, 0xaa, 2}));
    EXPECT_FALSE(assemble_errors(".align 3\n").empty());
    EXPECT_FALSE(assemble_errors(".space -1\n").empty());
}

TEST(asm_directives, strings) {
    EXPECT_EQ(bytes(".ascii \"ab\", \"c\"\n.asciz \"d\"\n"), (std::vector<uint8_t>{'a', 'b', 'c', 'd', 0}));
}

TEST(asm_directives, org_sets_the_base_and_gaps_are_zero) {
    program p = assemble_ok(".org 0x1000\n.word 1\n.org 0x1010\n.word 2\n");
    EXPECT_EQ(p.base, 0x1000u);
    EXPECT_EQ(words(p), (std::vector<uint32_t>{1, 0, 0, 0, 2}));
}

TEST(asm_directives, org_may_go_backwards_without_overlap) {
    program p = assemble_ok(".org 0x2000\n.word 2\n.org 0x1ffc\n.word 1\n");
    EXPECT_EQ(p.base, 0x1ffcu);
    EXPECT_EQ(words(p), (std::vector<uint32_t>{1, 2}));
}

TEST(asm_directives, equ_and_set) {
    program p = assemble_ok(".equ a, 3\n.set b, a * 2\n.word a, b, c\n.equ c, b + 1\n");
    EXPECT_EQ(words(p), (std::vector<uint32_t>{3, 6, 7}));
    EXPECT_FALSE(assemble_errors(".equ a, 1\n.equ a, 2\n.word a\n").empty());
}

TEST(asm_directives, global_marks_symbols_in_the_map) {
    program p = assemble_ok(".global main, helper\nmain: halt\nhelper: halt\nprivate: halt\n");
    ASSERT_EQ(p.symbols.size(), 3u);
    EXPECT_EQ(p.symbols[0].name, "main");
    EXPECT_TRUE(p.symbols[0].global);
    EXPECT_TRUE(p.symbols[1].global);
    EXPECT_FALSE(p.symbols[2].global);
    EXPECT_EQ(assemble_errors(".global ghost\nhalt\n")[0], "test.s:1:9: error: undefined symbol in .global 'ghost'");
}

TEST(asm_directives, memory_operand_without_offset_is_zero) {
    EXPECT_EQ(words(assemble_ok("lw r5, (r18)\n")), words(assemble_ok("lw r5, 0(r18)\n")));
    EXPECT_EQ(words(assemble_ok("lw r5, (2 + 2)(sp)\n")), words(assemble_ok("lw r5, 4(r2)\n")));
}

TEST(asm_directives, case_insensitive_mnemonics_and_directives) {
    EXPECT_EQ(bytes(".WORD 7\n"), bytes(".word 7\n"));
    EXPECT_EQ(words(assemble_ok("ADDI R1, R0, 5\n")), words(assemble_ok("addi r1, r0, 5\n")));
}

}  // namespace
}  // namespace smol::assembler::testing
