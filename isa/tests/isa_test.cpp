// The generated table API: hand-computed encodings, decode/encode round trips, illegal words.
#include "isa/generated/smol32_isa.h"

#include <gtest/gtest.h>

#include <array>
#include <random>

namespace {
using namespace smol::isa;

TEST(isa_table, hand_encoded_words) {
    // addi r3, r1, -2 : op 0x04 | rd 3 | rs1 1 | imm 0xfffe
    std::array<int64_t, 3> addi_ops{3, 1, -2};
    EXPECT_EQ(encode(opcode::addi, addi_ops), (0x04u << 26) | (3u << 21) | (1u << 16) | 0xfffeu);
    // add r5, r6, r7 : op 0 | funct 1
    std::array<int64_t, 3> add_ops{5, 6, 7};
    EXPECT_EQ(encode(opcode::add, add_ops), (5u << 21) | (6u << 16) | (7u << 11) | 1u);
    // beq r1, r2, -8 : word offset -2
    std::array<int64_t, 3> beq_ops{1, 2, -8};
    EXPECT_EQ(encode(opcode::beq, beq_ops), (0x20u << 26) | (1u << 21) | (2u << 16) | 0xfffeu);
    // q8macinc 64 : code 2
    std::array<int64_t, 1> q_ops{64};
    EXPECT_EQ(encode(opcode::q8macinc, q_ops), (0x03u << 26) | (7u << 6) | 2u);
    EXPECT_EQ(decode(0xfc000000u), opcode::halt);
}

TEST(isa_table, illegal_words) {
    EXPECT_EQ(decode(0x00000000u), opcode::invalid);
    EXPECT_EQ(decode(0xffffffffu), opcode::invalid);
    EXPECT_EQ(decode((0x03u << 26) | (7u << 6) | 3u), opcode::invalid);  // reserved qn code
    EXPECT_EQ(decode((0x01u << 26) | 63u), opcode::invalid);             // unassigned fp funct
}

TEST(isa_table, operand_ranges) {
    EXPECT_TRUE(operand_fits(field::simm16, -32768));
    EXPECT_FALSE(operand_fits(field::simm16, 32768));
    EXPECT_FALSE(operand_fits(field::boff16, 6));  // not a multiple of 4
    EXPECT_TRUE(operand_fits(field::joff21, -(1 << 22)));
    EXPECT_FALSE(operand_fits(field::joff21, 1 << 22));
    EXPECT_FALSE(operand_fits(field::vd, 8));
    EXPECT_FALSE(operand_fits(field::qn, 48));
    EXPECT_EQ(find_mnemonic("fcvt.s.w"), opcode::fcvt_s_w);
    EXPECT_FALSE(find_mnemonic("nosuch").has_value());
}

int64_t random_operand(field f, std::mt19937& rng) {
    const field_desc& d = describe(f);
    switch (d.kind) {
    case operand_kind::enumerated: return d.values[rng() % d.values.size()];
    case operand_kind::simm:
    case operand_kind::pcrel: {
        int64_t span = int64_t{1} << d.width;
        return (static_cast<int64_t>(rng() % span) - span / 2) * d.scale;
    }
    default: return rng() % (1u << d.width);
    }
}

TEST(isa_table, round_trip_every_instruction) {
    std::mt19937 rng(1234);
    for (std::size_t i = 0; i < opcode_count; ++i) {
        auto op = static_cast<opcode>(i);
        const instr_desc& d = describe(op);
        for (int trial = 0; trial < 200; ++trial) {
            std::array<int64_t, 4> ops{};
            for (unsigned k = 0; k < d.operand_count; ++k) ops[k] = random_operand(d.operands[k], rng);
            auto bits = encode(op, std::span(ops.data(), d.operand_count));
            ASSERT_TRUE(bits) << d.mnemonic;
            ASSERT_EQ(decode(*bits), op) << d.mnemonic << " " << std::hex << *bits;
            for (unsigned k = 0; k < d.operand_count; ++k)
                ASSERT_EQ(operand_value(d.operands[k], *bits), ops[k]) << d.mnemonic << " operand " << k;
        }
    }
}

}  // namespace
