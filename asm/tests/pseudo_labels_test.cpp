// Pseudo-instructions (LI over edge constants, branches against zero, ...) and local labels.
#include "asm/isa_view.h"
#include "asm/tests/asm_test_util.h"
#include "isa/generated/smol32_isa.h"

#include <gtest/gtest.h>

namespace smol::assembler::testing {
namespace {

using smol::isa::opcode;

// The expected words are built with the generated encoder, never with hand-written bit positions.
uint32_t enc(opcode op, std::vector<int64_t> values) {
    std::optional<uint32_t> w = smol::isa::encode(op, values);
    EXPECT_TRUE(w.has_value());
    return w.value_or(0);
}

std::vector<uint32_t> li(const std::string& constant) { return words(assemble_ok("li r5, " + constant + "\n")); }

TEST(asm_li, one_instruction_constants) {
    EXPECT_EQ(li("0"), (std::vector<uint32_t>{enc(opcode::addi, {5, 0, 0})}));
    EXPECT_EQ(li("-1"), (std::vector<uint32_t>{enc(opcode::addi, {5, 0, -1})}));
    EXPECT_EQ(li("32767"), (std::vector<uint32_t>{enc(opcode::addi, {5, 0, 32767})}));
    EXPECT_EQ(li("-32768"), (std::vector<uint32_t>{enc(opcode::addi, {5, 0, -32768})}));
    EXPECT_EQ(li("0xffff"), (std::vector<uint32_t>{enc(opcode::ori, {5, 0, 0xffff})}));
    EXPECT_EQ(li("0x80000000"), (std::vector<uint32_t>{enc(opcode::lui, {5, 0x8000})}));
    EXPECT_EQ(li("0x10000"), (std::vector<uint32_t>{enc(opcode::lui, {5, 1})}));
    EXPECT_EQ(li("0xffff0000"), (std::vector<uint32_t>{enc(opcode::lui, {5, 0xffff})}));
    EXPECT_EQ(li("-65536"), (std::vector<uint32_t>{enc(opcode::lui, {5, 0xffff})}));
    EXPECT_EQ(li("0xffffffff"), (std::vector<uint32_t>{enc(opcode::addi, {5, 0, -1})}));
}

TEST(asm_li, two_instruction_constants) {
    EXPECT_EQ(li("0x7fffffff"), (std::vector<uint32_t>{enc(opcode::lui, {5, 0x7fff}), enc(opcode::ori, {5, 5, 0xffff})}));
    EXPECT_EQ(li("0x12345678"), (std::vector<uint32_t>{enc(opcode::lui, {5, 0x1234}), enc(opcode::ori, {5, 5, 0x5678})}));
    EXPECT_EQ(li("-32769"), (std::vector<uint32_t>{enc(opcode::lui, {5, 0xffff}), enc(opcode::ori, {5, 5, 0x7fff})}));
    EXPECT_EQ(li("0x80000001"), (std::vector<uint32_t>{enc(opcode::lui, {5, 0x8000}), enc(opcode::ori, {5, 5, 1})}));
}

TEST(asm_li, forward_references_always_take_the_long_form) {
    // `small` is 4, but not known when the first pass sizes the li: two words, and the label after
    // them is placed accordingly.
    program p = assemble_ok("li r1, small\nafter: halt\n.equ small, 4\n");
    EXPECT_EQ(words(p)[0], enc(opcode::lui, {1, 0}));
    EXPECT_EQ(words(p)[1], enc(opcode::ori, {1, 1, 4}));
    EXPECT_EQ(p.symbols[0].address, 8u);
    // Backward references are known: one word.
    EXPECT_EQ(words(assemble_ok(".equ small, 4\nli r1, small\n")).size(), 1u);
    // la is li: a label address.
    program q = assemble_ok(".org 0x12340\nla r2, here\nhere: halt\n");
    EXPECT_EQ(words(q)[0], enc(opcode::lui, {2, 1}));
    EXPECT_EQ(words(q)[1], enc(opcode::ori, {2, 2, 0x2348}));
}

TEST(asm_pseudo, expansions) {
    program p = assemble_ok(
        "top: nop\n mv r1, r2\n neg r3, r4\n seqz r5, r6\n snez r7, r8\n ret\n jr r9\n"
        " j top\n call top\n beqz r1, top\n bnez r1, top\n bltz r1, top\n bgez r1, top\n bgtz r1, top\n"
        " blez r1, top\n bgt r1, r2, top\n ble r1, r2, top\n bgtu r1, r2, top\n bleu r1, r2, top\n");
    std::vector<uint32_t> want{
        enc(opcode::addi, {0, 0, 0}),   enc(opcode::addi, {1, 2, 0}),   enc(opcode::sub, {3, 0, 4}),
        enc(opcode::sltiu, {5, 6, 1}),  enc(opcode::sltu, {7, 0, 8}),   enc(opcode::jalr, {0, 0, 1}),
        enc(opcode::jalr, {0, 0, 9}),   enc(opcode::jal, {0, -28}),     enc(opcode::jal, {1, -32}),
        enc(opcode::beq, {1, 0, -36}),  enc(opcode::bne, {1, 0, -40}),  enc(opcode::blt, {1, 0, -44}),
        enc(opcode::bge, {1, 0, -48}),  enc(opcode::blt, {0, 1, -52}),  enc(opcode::bge, {0, 1, -56}),
        enc(opcode::blt, {2, 1, -60}),  enc(opcode::bge, {2, 1, -64}),  enc(opcode::bltu, {2, 1, -68}),
        enc(opcode::bgeu, {2, 1, -72}),
    };
    EXPECT_EQ(words(p), want);
}

TEST(asm_pseudo, errors_point_at_the_users_operands) {
    EXPECT_EQ(assemble_errors("beqz r1\n")[0],
              "test.s:1:1: error: wrong number of operands: beqz takes 2 (rs, target), got 1 'beqz'");
    EXPECT_EQ(assemble_errors("mv r1, f2\n")[0], "test.s:1:8: error: wrong operand kind: expected an integer register 'f2'");
    EXPECT_EQ(assemble_errors("li f1, 5\n")[0], "test.s:1:4: error: wrong operand kind: expected an integer register 'f1'");
}

TEST(asm_pseudo, abi_register_names) {
    EXPECT_EQ(words(assemble_ok("jalr ra, 0(zero)\n")), words(assemble_ok("jalr r1, 0(r0)\n")));
}

TEST(asm_labels, numeric_locals_backward_and_forward) {
    program p = assemble_ok(
        "1: beqz r1, 1f\n"    // 0: forward to 8
        "   j 1b\n"           // 4: backward to 0
        "1: j 1b\n"           // 8: the label on this very line
        "   bnez r2, 1b\n");  // 12: backward to 8
    EXPECT_EQ(words(p), (std::vector<uint32_t>{enc(opcode::beq, {1, 0, 8}), enc(opcode::jal, {0, -4}),
                                               enc(opcode::jal, {0, 0}), enc(opcode::bne, {2, 0, -4})}));
    EXPECT_TRUE(p.symbols.empty());  // numeric locals are not in the map
}

TEST(asm_labels, dot_locals_are_scoped_to_the_enclosing_label) {
    program p = assemble_ok(
        "first:  nop\n"
        ".loop:  loop r1, .loop\n"
        "second: nop\n"
        ".loop:  loop r2, .loop\n"
        "        j first.loop\n");
    EXPECT_EQ(words(p)[1], enc(opcode::loop, {1, 0}));
    EXPECT_EQ(words(p)[3], enc(opcode::loop, {2, 0}));
    EXPECT_EQ(words(p)[4], enc(opcode::jal, {0, -12}));
    ASSERT_EQ(p.symbols.size(), 4u);
    EXPECT_EQ(p.symbols[1].name, "first.loop");
    EXPECT_EQ(p.symbols[3].name, "second.loop");
    EXPECT_EQ(assemble_errors("a: nop\n.x: nop\n.x: nop\n")[0],
              "test.s:3:1: error: duplicate symbol (first defined at test.s:2:1) '.x'");
}

TEST(asm_labels, register_names_cannot_be_labels) {
    EXPECT_EQ(assemble_errors("r3: halt\n")[0], "test.s:1:1: error: a register name cannot be a label 'r3'");
}

}  // namespace
}  // namespace smol::assembler::testing
