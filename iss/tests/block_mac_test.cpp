// The block-scaled MACs q8bmacn / q4bmacn (docs/isa.md, "Block-scaled MACs"): the fp16 widening, hand-
// computed results (lane order, nibble order, one rounding per element), pointer walks, traps that change
// nothing, and the AVX2 kernel against the portable one on seeded random blocks with special values.
#include "iss/src/q8_kernel.h"
#include "iss/tests/iss_test_util.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <random>
#include <vector>

namespace {
using namespace smol::iss;
using namespace smol::iss::test;
using smol::isa::opcode;

TEST(block_mac, half_widening_is_exact) {
    EXPECT_EQ(half_to_fp32(0x3c00), 0x3f800000u);  // 1.0
    EXPECT_EQ(half_to_fp32(0xc000), 0xc0000000u);  // -2.0
    EXPECT_EQ(half_to_fp32(0x7bff), 0x477fe000u);  // 65504, the largest finite half
    EXPECT_EQ(half_to_fp32(0x0400), 0x38800000u);  // 2^-14, the smallest normal half
    EXPECT_EQ(half_to_fp32(0x0001), 0x33800000u);  // 2^-24, the smallest subnormal half
    EXPECT_EQ(half_to_fp32(0x03ff), 0x387fc000u);  // 1023 * 2^-24
    EXPECT_EQ(half_to_fp32(0x8200), 0xb8000000u);  // -2^-15 (subnormal)
    EXPECT_EQ(half_to_fp32(0x0000), 0x00000000u);
    EXPECT_EQ(half_to_fp32(0x8000), 0x80000000u);
    EXPECT_EQ(half_to_fp32(0x7c00), 0x7f800000u);
    EXPECT_EQ(half_to_fp32(0xfc00), 0xff800000u);
    EXPECT_EQ(half_to_fp32(0x7e00), 0x7fc00000u);  // NaNs become the canonical NaN
    EXPECT_EQ(half_to_fp32(0xfd01), 0x7fc00000u);
}

class block_exec : public ::testing::Test {
protected:
    machine m{uint64_t{1} << 20};
    arch_state& s = m.state();
    void SetUp() override { m.reset(0x1000); }
    void write_half(uint32_t addr, uint16_t h) { m.mem().write(addr, &h, 2); }
    void start(uint32_t w, uint32_t a) {
        s.x[1] = w;
        s.x[2] = a;
        run_one(m, enc(opcode::qsetbase, {1}));
        run_one(m, enc(opcode::fsetbase, {2}));
        run_one(m, enc(opcode::acczero, {}));
    }
    uint32_t lane(int l) const { return std::bit_cast<uint32_t>(s.q8.acc[size_t(l)]); }
};

TEST_F(block_exec, q8_0_blocks_scale_each_block_and_walk_both_pointers) {
    // Block 0 at 0x5001 (odd: any byte address): d = 0.5, codes k - 16. Block 1: d = -2, codes 1.
    write_half(0x5001, 0x3800);
    for (int k = 0; k < 32; ++k) {
        int8_t c = static_cast<int8_t>(k - 16);
        m.mem().write(0x5003 + k, &c, 1);
    }
    write_half(0x5023, 0xc000);
    for (int k = 0; k < 32; ++k) {
        int8_t c = 1;
        m.mem().write(0x5025 + k, &c, 1);
    }
    for (int j = 0; j < 64; ++j) m.mem().write32(0x6000 + 4 * j, f32(j < 32 ? 1.0f : 0.25f));
    start(0x5001, 0x6000);
    s.x[4] = 2;
    run_one(m, enc(opcode::q8bmacn, {4}));
    // Lane l: block 0 elements l and l + 16: (l - 16 + l) * 0.5 = l - 8; block 1: 2 * (-2 * 0.25) = -1.
    for (int l = 0; l < 16; ++l) EXPECT_EQ(lane(l), f32(float(l - 9))) << l;
    EXPECT_EQ(s.q8.wptr, 0x5001u + 68);
    EXPECT_EQ(s.q8.aptr, 0x6000u + 256);
    EXPECT_EQ(m.stats().macs, 64u);
    // A count of 0 reads nothing and moves nothing.
    s.x[4] = 0;
    run_one(m, enc(opcode::q8bmacn, {4}));
    EXPECT_EQ(s.q8.wptr, 0x5001u + 68);
    EXPECT_EQ(lane(0), f32(-9.0f));
}

TEST_F(block_exec, q4_0_low_nibbles_are_elements_0_to_15_and_codes_are_nibble_minus_8) {
    // Byte j = (high 15 - j) << 4 | (low j): element j has code j - 8, element j + 16 code 7 - j.
    write_half(0x5000, 0x3c00);  // d = 1
    for (int j = 0; j < 16; ++j) {
        uint8_t b = static_cast<uint8_t>(((15 - j) << 4) | j);
        m.mem().write(0x5002 + j, &b, 1);
    }
    // Activations: 1 for elements 0..15, 1000 for 16..31, so each lane shows which code went where.
    for (int k = 0; k < 32; ++k) m.mem().write32(0x6000 + 4 * k, f32(k < 16 ? 1.0f : 1000.0f));
    start(0x5000, 0x6000);
    s.x[4] = 1;
    run_one(m, enc(opcode::q4bmacn, {4}));
    for (int l = 0; l < 16; ++l) EXPECT_EQ(lane(l), f32(float(l - 8) + 1000.0f * float(7 - l))) << l;
    EXPECT_EQ(s.q8.wptr, 0x5000u + 18);
    EXPECT_EQ(s.q8.aptr, 0x6000u + 128);
}

TEST_F(block_exec, each_element_is_one_fma_of_the_exact_scaled_weight) {
    // d = 1 + 2^-10 (0x3c01), code 127: the weight w = 127 + 127 * 2^-10 (0x42fe3f80) is exact in fp32. With
    // activation 1 + 2^-23 and the lane at -w, one fma leaves exactly w * 2^-23 = 130175 * 2^-33 (0x377e3f80).
    // Rounding w * a first would leave 2^-16; scaling the activation first (d * a rounded) 127 * 2^-23.
    write_half(0x5000, 0x3c01);
    int8_t c = 127;
    m.mem().write(0x5002, &c, 1);
    m.mem().write32(0x6000, 0x3f800001u);  // 1 + 2^-23
    start(0x5000, 0x6000);
    s.q8.acc[0] = as_f(0xc2fe3f80u);
    s.x[4] = 1;
    run_one(m, enc(opcode::q8bmacn, {4}));
    EXPECT_EQ(lane(0), 0x377e3f80u);
    // Lane 1 gets element 1 then element 17 (codes 1, activations 1): 2^24 + 1 rounds to 2^24 (ties to even)
    // after each step, so the lane stays 2^24 (one sum of both would give 2^24 + 2).
    SetUp();
    write_half(0x5000, 0x3c00);
    int8_t one = 1;
    m.mem().write(0x5003, &one, 1);   // element 1
    m.mem().write(0x5013, &one, 1);   // element 17
    for (int k = 0; k < 32; ++k) m.mem().write32(0x6000 + 4 * k, f32(1.0f));
    start(0x5000, 0x6000);
    s.q8.acc[1] = 16777216.0f;
    s.x[4] = 1;
    run_one(m, enc(opcode::q8bmacn, {4}));
    EXPECT_EQ(lane(1), f32(16777216.0f));
}

TEST_F(block_exec, nan_lanes_are_canonical) {
    write_half(0x5000, 0x7c00);  // d = +inf; code 0 in element 3 gives inf * 0 = NaN
    for (int k = 0; k < 32; ++k) {
        int8_t c = static_cast<int8_t>(k == 3 ? 0 : 1);
        m.mem().write(0x5002 + k, &c, 1);
        m.mem().write32(0x6000 + 4 * k, f32(1.0f));
    }
    start(0x5000, 0x6000);
    s.x[4] = 1;
    run_one(m, enc(opcode::q8bmacn, {4}));
    EXPECT_EQ(lane(3), 0x7fc00000u);
    EXPECT_EQ(lane(4), 0x7f800000u);
}

TEST_F(block_exec, ranges_are_checked_before_anything_changes) {
    const uint32_t end = 1u << 20;
    start(end - 34 * 2 + 1, 0x6000);  // one byte short of two q8_0 blocks
    s.x[4] = 2;
    run_result r = run_one(m, enc(opcode::q8bmacn, {4}));
    EXPECT_EQ(r.trap, trap_kind::load_fault);
    EXPECT_EQ(r.trap_addr, end - 67);
    EXPECT_EQ(s.q8.wptr, end - 67);
    EXPECT_EQ(s.q8.aptr, 0x6000u);
    s.x[4] = 3;  // 3 q4_0 blocks (54 bytes) fit
    EXPECT_EQ(run_one(m, enc(opcode::q4bmacn, {4})).trap, trap_kind::none);
    start(0x5000, 0x6002);  // misaligned activations
    s.x[4] = 1;
    EXPECT_EQ(run_one(m, enc(opcode::q4bmacn, {4})).trap, trap_kind::load_misaligned);
    start(0x5000, end - 128 + 4);  // activations one word short
    EXPECT_EQ(run_one(m, enc(opcode::q8bmacn, {4})).trap, trap_kind::load_fault);
    start(0x5000, 0x6000);
    s.x[4] = 0xffffffffu;  // 34 * (2^32 - 1) bytes: far past the end, not a wrapped-around small range
    r = run_one(m, enc(opcode::q8bmacn, {4}));
    EXPECT_EQ(r.trap, trap_kind::load_fault);
    EXPECT_EQ(s.q8.wptr, 0x5000u);
    EXPECT_EQ(m.stats().macs, 3u * 32);
}

uint32_t special(std::mt19937& rng) {
    static const uint32_t values[] = {0x7f800000u, 0xff800000u, 0x7fc00000u, 0x00000001u,
                                      0x807fffffu, 0x80000000u, 0x7f7fffffu};
    return values[rng() % (sizeof values / sizeof values[0])];
}

TEST(block_mac, avx2_and_portable_agree_bit_for_bit) {
    if (!cpu_has_avx2_fma()) GTEST_SKIP() << "host has no AVX2+FMA";
    std::mt19937 rng(1717);
    for (int trial = 0; trial < 2000; ++trial) {
        const block_format f = trial % 2 ? block_format::q4_0 : block_format::q8_0;
        const uint64_t n = rng() % 9;
        std::vector<uint8_t> blocks(n * block_bytes(f) + 1);
        for (auto& b : blocks) b = static_cast<uint8_t>(rng());
        const bool specials = trial % 5 == 0;
        for (uint64_t b = 0; b < n; ++b) {  // scales: mostly ordinary, sometimes subnormal, inf or NaN halves
            uint16_t h = static_cast<uint16_t>((rng() & 0x83ffu) | ((1 + rng() % 30) << 10));
            if (specials && rng() % 4 == 0) h = static_cast<uint16_t>(rng());
            std::memcpy(&blocks[b * block_bytes(f)], &h, 2);
        }
        std::vector<uint32_t> a(n * block_elements);
        for (auto& x : a) {
            int e = trial % 3 == 0 ? 1 + int(rng() % 254) : 100 + int(rng() % 50);
            x = specials && rng() % 8 == 0 ? special(rng) : (rng() & 0x807fffffu) | (uint32_t(e) << 23);
        }
        float acc0[16], acc1[16];
        for (int l = 0; l < 16; ++l) acc0[l] = acc1[l] = std::bit_cast<float>(uint32_t((rng() & 0x807fffffu) | (120u << 23)));
        const auto* ab = reinterpret_cast<const uint8_t*>(a.data());
        qb_mac_portable(acc0, blocks.data() + 1, ab, n, f);  // +1: blocks at an odd address
        qb_mac_avx2(acc1, blocks.data() + 1, ab, n, f);
        for (int l = 0; l < 16; ++l)
            ASSERT_EQ(std::bit_cast<uint32_t>(acc0[l]), std::bit_cast<uint32_t>(acc1[l]))
                << "trial " << trial << " n " << n << " lane " << l;
    }
}

}  // namespace
