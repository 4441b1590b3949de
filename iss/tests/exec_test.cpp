// One test per instruction class; every expected value is a hand-computed constant (IEEE bit patterns
// worked out by hand or exactly representable), never a call into the ISS's own helpers.
#include "iss/tests/iss_test_util.h"

#include <gtest/gtest.h>

#include <cstring>

namespace {
using namespace smol::iss;
using namespace smol::iss::test;
using smol::isa::opcode;

class exec : public ::testing::Test {
protected:
    machine m{uint64_t{1} << 20};
    arch_state& s = m.state();
    void SetUp() override { m.reset(0x1000); }
    uint32_t x_after(opcode op, std::initializer_list<int64_t> ops, unsigned rd = 3) {
        EXPECT_EQ(run_one(m, enc(op, ops)).reason, stop_reason::limit);
        return s.x[rd];
    }
    uint32_t f_after(opcode op, std::initializer_list<int64_t> ops, unsigned fd = 3) {
        EXPECT_EQ(run_one(m, enc(op, ops)).reason, stop_reason::limit);
        return s.f[fd];
    }
    void set_v(unsigned r, std::initializer_list<float> lanes) {
        unsigned i = 0;
        for (float l : lanes) s.v[r][i++] = f32(l);
    }
};

TEST_F(exec, integer_register_register) {
    s.x[1] = 7;
    s.x[2] = 0xfffffffd;  // -3
    EXPECT_EQ(x_after(opcode::add, {3, 1, 2}), 4u);
    EXPECT_EQ(x_after(opcode::sub, {3, 1, 2}), 10u);
    EXPECT_EQ(x_after(opcode::mul, {3, 1, 2}), 0xffffffebu);          // -21
    EXPECT_EQ(x_after(opcode::mulh, {3, 1, 2}), 0xffffffffu);         // high word of -21
    EXPECT_EQ(x_after(opcode::mulhu, {3, 1, 2}), 6u);                 // 7 * (2^32 - 3) >> 32
    EXPECT_EQ(x_after(opcode::div, {3, 1, 2}), 0xfffffffeu);          // -2 (toward zero)
    EXPECT_EQ(x_after(opcode::divu, {3, 2, 1}), 0x24924924u);         // 4294967293 / 7
    EXPECT_EQ(x_after(opcode::rem, {3, 1, 2}), 1u);
    EXPECT_EQ(x_after(opcode::remu, {3, 2, 1}), 1u);                  // 4294967293 % 7
    EXPECT_EQ(x_after(opcode::and_, {3, 1, 2}), 5u);
    EXPECT_EQ(x_after(opcode::or_, {3, 1, 2}), 0xffffffffu);
    EXPECT_EQ(x_after(opcode::xor_, {3, 1, 2}), 0xfffffffau);
    EXPECT_EQ(x_after(opcode::sll, {3, 2, 1}), 0xfffffe80u);
    EXPECT_EQ(x_after(opcode::srl, {3, 2, 1}), 0x01ffffffu);
    EXPECT_EQ(x_after(opcode::sra, {3, 2, 1}), 0xffffffffu);
    EXPECT_EQ(x_after(opcode::slt, {3, 2, 1}), 1u);
    EXPECT_EQ(x_after(opcode::sltu, {3, 2, 1}), 0u);
    // Division corner cases (RISC-V rules).
    s.x[4] = 0;
    EXPECT_EQ(x_after(opcode::div, {3, 1, 4}), 0xffffffffu);
    EXPECT_EQ(x_after(opcode::divu, {3, 1, 4}), 0xffffffffu);
    EXPECT_EQ(x_after(opcode::rem, {3, 1, 4}), 7u);
    EXPECT_EQ(x_after(opcode::remu, {3, 1, 4}), 7u);
    s.x[5] = 0x80000000u;
    s.x[6] = 0xffffffffu;
    EXPECT_EQ(x_after(opcode::div, {3, 5, 6}), 0x80000000u);
    EXPECT_EQ(x_after(opcode::rem, {3, 5, 6}), 0u);
    // r0 stays zero.
    EXPECT_EQ(x_after(opcode::add, {0, 1, 1}, 0), 0u);
}

TEST_F(exec, integer_immediate) {
    s.x[1] = 0x00001234;
    EXPECT_EQ(x_after(opcode::addi, {3, 1, -0x235}), 0x00000fffu);
    EXPECT_EQ(x_after(opcode::andi, {3, 1, 0xff00}), 0x1200u);
    EXPECT_EQ(x_after(opcode::ori, {3, 1, 0x8000}), 0x9234u);         // zero-extended
    EXPECT_EQ(x_after(opcode::xori, {3, 1, 0xffff}), 0xedcbu);
    EXPECT_EQ(x_after(opcode::slti, {3, 1, -1}), 0u);
    EXPECT_EQ(x_after(opcode::sltiu, {3, 1, -1}), 1u);                 // compares with 0xffffffff
    EXPECT_EQ(x_after(opcode::lui, {3, 0xdead}), 0xdead0000u);
    EXPECT_EQ(x_after(opcode::auipc, {3, 2}), 0x00021000u);            // pc 0x1000 + 0x20000
    EXPECT_EQ(x_after(opcode::slli, {3, 1, 20}), 0x23400000u);
    s.x[1] = 0x80000010u;
    EXPECT_EQ(x_after(opcode::srli, {3, 1, 4}), 0x08000001u);
    EXPECT_EQ(x_after(opcode::srai, {3, 1, 4}), 0xf8000001u);
}

TEST_F(exec, loads_and_stores) {
    m.mem().write32(0x2000, 0x80f1f2f3u);
    s.x[1] = 0x2010;
    EXPECT_EQ(x_after(opcode::lw, {3, -16, 1}), 0x80f1f2f3u);
    EXPECT_EQ(x_after(opcode::lb, {3, -16, 1}), 0xfffffff3u);
    EXPECT_EQ(x_after(opcode::lbu, {3, -13, 1}), 0x80u);
    EXPECT_EQ(f_after(opcode::lf, {3, -16, 1}), 0x80f1f2f3u);
    s.x[4] = 0x11223344;
    run_one(m, enc(opcode::sw, {4, 4, 1}));
    EXPECT_EQ(m.mem().read32(0x2014), 0x11223344u);
    run_one(m, enc(opcode::sb, {4, 5, 1}));
    EXPECT_EQ(m.mem().read32(0x2014), 0x11224444u);
    s.f[7] = 0x7f800001u;  // a signalling NaN moves untouched
    run_one(m, enc(opcode::sf, {7, 8, 1}));
    EXPECT_EQ(m.mem().read32(0x2018), 0x7f800001u);
    EXPECT_EQ(f_after(opcode::flui, {3, 0x3fc0}), 0x3fc00000u);        // 1.5
}

TEST_F(exec, vector_loads_and_stores) {
    for (uint32_t i = 0; i < 16; ++i) m.mem().write32(0x3000 + 4 * i, 0x100 + i);
    s.x[1] = 0x3000;
    s.v[2].fill(0xaaaaaaaau);
    run_one(m, enc(opcode::lv, {2, 0, 1}));
    EXPECT_EQ(s.v[2][0], 0x100u);
    EXPECT_EQ(s.v[2][15], 0x10fu);
    s.vl = 3;
    s.v[3].fill(0xbbbbbbbbu);
    run_one(m, enc(opcode::lvinc, {3, 1}));
    EXPECT_EQ(s.x[1], 0x300cu);  // advanced by 4 * vl
    EXPECT_EQ(s.v[3][2], 0x102u);
    EXPECT_EQ(s.v[3][3], 0xbbbbbbbbu);  // lanes >= vl keep their value
    s.x[5] = 0x4000;
    run_one(m, enc(opcode::svinc, {3, 5}));
    EXPECT_EQ(s.x[5], 0x400cu);
    EXPECT_EQ(m.mem().read32(0x4008), 0x102u);
    EXPECT_EQ(m.mem().read32(0x400c), 0u);  // not stored past vl
    run_one(m, enc(opcode::sv, {2, 64, 5}));
    EXPECT_EQ(m.mem().read32(0x404c), 0x100u);
    EXPECT_EQ(m.mem().read32(0x4058), 0u);
}

TEST_F(exec, branches_and_jumps) {
    s.x[1] = 5;
    s.x[2] = 0xfffffffbu;  // -5
    struct {
        opcode op;
        bool taken;
    } cases[] = {{opcode::beq, false}, {opcode::bne, true}, {opcode::blt, false},
                 {opcode::bge, true},  {opcode::bltu, true}, {opcode::bgeu, false}};
    for (auto c : cases) {
        run_one(m, enc(c.op, {1, 2, -64}));
        EXPECT_EQ(s.pc, c.taken ? 0x1000u - 64 : 0x1004u) << smol::isa::describe(c.op).mnemonic;
    }
    s.x[7] = 2;
    run_one(m, enc(opcode::loop, {7, 0x100}));
    EXPECT_EQ(s.x[7], 1u);
    EXPECT_EQ(s.pc, 0x1100u);
    run_one(m, enc(opcode::loop, {7, 0x100}));
    EXPECT_EQ(s.x[7], 0u);
    EXPECT_EQ(s.pc, 0x1004u);
    run_one(m, enc(opcode::jal, {1, -0x800}));
    EXPECT_EQ(s.x[1], 0x1004u);
    EXPECT_EQ(s.pc, 0x800u);
    s.x[9] = 0x2000;
    run_one(m, enc(opcode::jalr, {1, 8, 9}));
    EXPECT_EQ(s.x[1], 0x1004u);
    EXPECT_EQ(s.pc, 0x2008u);
    EXPECT_EQ(run_one(m, enc(opcode::halt, {})).reason, stop_reason::halted);
    EXPECT_EQ(s.pc, 0x1000u);
}

TEST_F(exec, fp_arithmetic) {
    s.f[1] = 0x3fc00000u;  // 1.5
    s.f[2] = 0x40800000u;  // 4.0
    s.f[4] = 0xbf800000u;  // -1.0
    EXPECT_EQ(f_after(opcode::fadd, {3, 1, 2}), 0x40b00000u);  // 5.5
    EXPECT_EQ(f_after(opcode::fsub, {3, 1, 2}), 0xc0200000u);  // -2.5
    EXPECT_EQ(f_after(opcode::fmul, {3, 1, 2}), 0x40c00000u);  // 6
    EXPECT_EQ(f_after(opcode::fdiv, {3, 1, 2}), 0x3ec00000u);  // 0.375
    EXPECT_EQ(f_after(opcode::fmin, {3, 1, 4}), 0xbf800000u);
    EXPECT_EQ(f_after(opcode::fmax, {3, 1, 4}), 0x3fc00000u);
    EXPECT_EQ(f_after(opcode::fmadd, {3, 1, 2, 4}), 0x40a00000u);   // 1.5*4 + (-1) = 5
    EXPECT_EQ(f_after(opcode::fmsub, {3, 1, 2, 4}), 0x40e00000u);   // 1.5*4 - (-1) = 7
    EXPECT_EQ(f_after(opcode::fnmsub, {3, 1, 2, 4}), 0xc0e00000u);  // -(1.5*4) + (-1) = -7
    EXPECT_EQ(f_after(opcode::fsqrt, {3, 2}), 0x40000000u);
    EXPECT_EQ(f_after(opcode::frsqrt, {3, 2}), 0x3f000000u);
    EXPECT_EQ(f_after(opcode::frecip, {3, 2}), 0x3e800000u);
    s.f[5] = 0x40400000u;  // 3: 1/3 = 0x3eaaaaab (round to nearest of 0x3eaaaaaa.aa..)
    EXPECT_EQ(f_after(opcode::frecip, {3, 5}), 0x3eaaaaabu);
    EXPECT_EQ(f_after(opcode::fexp, {3, 0}), 0x3f800000u);  // exp(+0) = 1 exactly
    EXPECT_EQ(f_after(opcode::fsilu, {3, 0}), 0x00000000u);
    // Canonical NaN: inf - inf, sqrt(-1), NaN propagation, min/max with NaN.
    s.f[6] = 0x7f800000u;
    s.f[8] = 0xffc12345u;
    EXPECT_EQ(f_after(opcode::fsub, {3, 6, 6}), 0x7fc00000u);
    EXPECT_EQ(f_after(opcode::fsqrt, {3, 4}), 0x7fc00000u);
    EXPECT_EQ(f_after(opcode::fadd, {3, 8, 1}), 0x7fc00000u);
    EXPECT_EQ(f_after(opcode::fmin, {3, 8, 1}), 0x7fc00000u);
    // Subnormals are kept: 2^-126 * 0.5 = 2^-127 = 0x00400000.
    s.f[9] = 0x00800000u;
    s.f[10] = 0x3f000000u;
    EXPECT_EQ(f_after(opcode::fmul, {3, 9, 10}), 0x00400000u);
    // min/max of zeros: -0 < +0.
    s.f[11] = 0x80000000u;
    EXPECT_EQ(f_after(opcode::fmin, {3, 0, 11}), 0x80000000u);
    EXPECT_EQ(f_after(opcode::fmax, {3, 11, 0}), 0x00000000u);
}

TEST_F(exec, fp_conversions_compares_moves) {
    s.x[1] = 0xfffffff9u;  // -7
    EXPECT_EQ(f_after(opcode::fcvt_s_w, {3, 1}), 0xc0e00000u);
    s.x[2] = 16777217;  // 2^24 + 1 rounds to even: 2^24
    EXPECT_EQ(f_after(opcode::fcvt_s_w, {3, 2}), 0x4b800000u);
    s.f[1] = 0xc0f00000u;  // -7.5 -> -7
    EXPECT_EQ(x_after(opcode::fcvt_w_s, {3, 1}), 0xfffffff9u);
    s.f[2] = 0x4f000000u;  // 2^31 saturates
    EXPECT_EQ(x_after(opcode::fcvt_w_s, {3, 2}), 0x7fffffffu);
    s.f[4] = 0x7fc00000u;
    EXPECT_EQ(x_after(opcode::fcvt_w_s, {3, 4}), 0u);
    s.f[5] = 0xcf800000u;  // -2^32 saturates
    EXPECT_EQ(x_after(opcode::fcvt_w_s, {3, 5}), 0x80000000u);
    s.f[6] = 0x3f800000u;
    EXPECT_EQ(x_after(opcode::feq, {3, 6, 6}), 1u);
    EXPECT_EQ(x_after(opcode::feq, {3, 4, 4}), 0u);  // NaN is unequal to itself
    EXPECT_EQ(x_after(opcode::flt, {3, 1, 6}), 1u);
    EXPECT_EQ(x_after(opcode::fle, {3, 6, 6}), 1u);
    EXPECT_EQ(x_after(opcode::flt, {3, 4, 6}), 0u);
    s.f[7] = 0xff800001u;  // sign ops and moves keep every payload bit
    EXPECT_EQ(f_after(opcode::fmov, {3, 7}), 0xff800001u);
    EXPECT_EQ(f_after(opcode::fneg, {3, 7}), 0x7f800001u);
    EXPECT_EQ(f_after(opcode::fabs, {3, 7}), 0x7f800001u);
    EXPECT_EQ(x_after(opcode::fmv_x_w, {3, 7}), 0xff800001u);
    s.x[8] = 0x12345678u;
    EXPECT_EQ(f_after(opcode::fmv_w_x, {3, 8}), 0x12345678u);
    EXPECT_EQ(f_after(opcode::fmv_w_x, {0, 8}, 0), 0u);  // f0 stays +0.0
}

TEST_F(exec, vector_elementwise) {
    set_v(1, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    set_v(2, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, -2});
    s.f[1] = f32(0.5f);
    auto lane = [&](opcode op, std::initializer_list<int64_t> ops, unsigned i) {
        run_one(m, enc(op, ops));
        return as_f(s.v[3][i]);
    };
    EXPECT_EQ(lane(opcode::vadd, {3, 1, 2}, 15), 14.0f);
    EXPECT_EQ(lane(opcode::vsub, {3, 1, 2}, 0), -1.0f);
    EXPECT_EQ(lane(opcode::vmul, {3, 1, 2}, 4), 10.0f);
    set_v(3, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    EXPECT_EQ(lane(opcode::vfma, {3, 1, 2}, 2), 7.0f);     // 3*2 + 1
    EXPECT_EQ(lane(opcode::vfnms, {3, 1, 2}, 2), 1.0f);    // 7 - 3*2
    EXPECT_EQ(lane(opcode::vmax, {3, 1, 2}, 0), 2.0f);
    EXPECT_EQ(lane(opcode::vmin, {3, 1, 2}, 15), -2.0f);
    EXPECT_EQ(lane(opcode::vadds, {3, 1, 1}, 1), 2.5f);
    EXPECT_EQ(lane(opcode::vsubs, {3, 1, 1}, 1), 1.5f);
    EXPECT_EQ(lane(opcode::vmuls, {3, 1, 1}, 7), 4.0f);
    set_v(3, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    EXPECT_EQ(lane(opcode::vfmas, {3, 1, 1}, 9), 6.0f);    // 10*0.5 + 1
    set_v(4, {4, 16, 0.25f, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1});
    EXPECT_EQ(lane(opcode::vsqrt, {3, 4}, 1), 4.0f);
    EXPECT_EQ(lane(opcode::vrsqrt, {3, 4}, 2), 2.0f);
    EXPECT_EQ(lane(opcode::vrecip, {3, 4}, 0), 0.25f);
    EXPECT_EQ(lane(opcode::vexp, {3, 4}, 4), 1.0f);
    EXPECT_EQ(lane(opcode::vsilu, {3, 4}, 4), 0.0f);
    EXPECT_EQ(lane(opcode::vmov, {3, 4}, 1), 16.0f);
    EXPECT_EQ(lane(opcode::vbcast, {3, 1}, 11), 0.5f);
    s.f[2] = f32(9.0f);
    run_one(m, enc(opcode::vsetl, {3, 2, 13}));
    EXPECT_EQ(as_f(s.v[3][13]), 9.0f);
    EXPECT_EQ(as_f(s.v[3][12]), 0.5f);
    EXPECT_EQ(f_after(opcode::vgetl, {3, 1, 5}), f32(6.0f));
    // setvl clamps to 16 and returns vl; lanes >= vl are left alone.
    s.x[1] = 100;
    EXPECT_EQ(x_after(opcode::setvl, {3, 1}), 16u);
    s.x[1] = 2;
    EXPECT_EQ(x_after(opcode::setvl, {3, 1}), 2u);
    EXPECT_EQ(s.vl, 2u);
    set_v(3, {0, 0, 0, 0});
    run_one(m, enc(opcode::vadd, {3, 1, 2}));
    EXPECT_EQ(as_f(s.v[3][1]), 4.0f);
    EXPECT_EQ(as_f(s.v[3][2]), 0.0f);
    EXPECT_EQ(as_f(s.v[3][4]), 0.5f);
}

TEST_F(exec, vector_reductions) {
    // Tree order: ((l0+l8)+(l4+l12)) + ... ; values chosen so that order matters.
    set_v(1, {1e8f, 1, 1, 1, 1, 1, 1, 1, -1e8f, 1, 1, 1, 1, 1, 1, 1});
    // level 1: l0+l8 = 0 exactly, the rest 2; level 2.. sums to 14 exactly.
    EXPECT_EQ(f_after(opcode::vredsum, {3, 1}), f32(14.0f));
    // Sequential left-to-right would give 1e8+1+...=1e8 (ones lost), then -1e8 -> 7. The tree gives 14.
    set_v(2, {3, -4, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});
    EXPECT_EQ(f_after(opcode::vredmax, {3, 2}), f32(5.0f));
    EXPECT_EQ(f_after(opcode::vredmin, {3, 2}), f32(-4.0f));
    EXPECT_EQ(f_after(opcode::vredsqs, {3, 2}), f32(55.0f));  // 9+16+25+1+4
    set_v(4, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    EXPECT_EQ(f_after(opcode::vdot, {3, 2, 4}), f32(7.0f));
    s.vl = 3;  // only lanes 0..2
    EXPECT_EQ(f_after(opcode::vredsum, {3, 2}), f32(4.0f));
    EXPECT_EQ(f_after(opcode::vredmin, {3, 2}), f32(-4.0f));
    s.vl = 0;
    EXPECT_EQ(f_after(opcode::vredsum, {3, 2}), 0x80000000u);  // -0.0, the identity
    EXPECT_EQ(f_after(opcode::vredmax, {3, 2}), 0xff800000u);
}

TEST_F(exec, q8_unit) {
    // weights 1..32 at 0x5000, activations 0.5 at 0x6000
    for (int i = 0; i < 64; ++i) {
        int8_t w = static_cast<int8_t>(i < 32 ? i + 1 : -(i - 31));
        m.mem().write(0x5000 + i, &w, 1);
        m.mem().write32(0x6000 + 4 * i, f32(0.5f));
    }
    s.x[1] = 0x5000;
    s.x[2] = 0x6000;
    s.f[1] = f32(2.0f);
    run_one(m, enc(opcode::qsetbase, {1}));
    run_one(m, enc(opcode::fsetbase, {2}));
    run_one(m, enc(opcode::qsetscale, {1}));
    EXPECT_EQ(s.q8.wptr, 0x5000u);
    EXPECT_EQ(s.q8.aptr, 0x6000u);
    EXPECT_EQ(s.q8.scale, f32(2.0f));
    run_one(m, enc(opcode::acczero, {}));
    run_one(m, enc(opcode::q8mac, {16}));  // sum(1..16)*0.5 = 68, pointers stay
    EXPECT_EQ(s.q8.wptr, 0x5000u);
    EXPECT_EQ(f_after(opcode::accread, {3}), f32(136.0f));  // * scale 2
    run_one(m, enc(opcode::acczero, {}));
    run_one(m, enc(opcode::q8macinc, {32}));  // sum(1..32)*0.5 = 264
    EXPECT_EQ(s.q8.wptr, 0x5020u);
    EXPECT_EQ(s.q8.aptr, 0x6080u);
    EXPECT_EQ(f_after(opcode::accread, {3}), f32(528.0f));
    EXPECT_EQ(x_after(opcode::qgetbase, {3}), 0x5020u);
    EXPECT_EQ(x_after(opcode::fgetbase, {3}), 0x6080u);
    s.x[4] = 32;  // weights -1..-32: -264 ; total 0
    run_one(m, enc(opcode::q8macn, {4}));
    EXPECT_EQ(f_after(opcode::accread, {3}), f32(0.0f));
    EXPECT_EQ(s.q8.wptr, 0x5040u);
    // q8macinc 64 = q8macinc 16 four times (lane j mod 16)
    run_one(m, enc(opcode::qsetbase, {1}));
    run_one(m, enc(opcode::fsetbase, {2}));
    run_one(m, enc(opcode::acczero, {}));
    run_one(m, enc(opcode::q8macinc, {64}));
    EXPECT_EQ(f_after(opcode::accread, {3}), f32(0.0f));
    // vq8mul / vq8mac: dequantise vl weights
    run_one(m, enc(opcode::qsetbase, {1}));
    run_one(m, enc(opcode::vq8mul, {2}));
    EXPECT_EQ(as_f(s.v[2][0]), 2.0f);   // 1 * scale 2
    EXPECT_EQ(as_f(s.v[2][15]), 32.0f);
    EXPECT_EQ(s.q8.wptr, 0x5010u);
    s.f[4] = f32(0.25f);
    run_one(m, enc(opcode::vq8mac, {2, 4}));  // v2 += w[16..31] * 0.25
    EXPECT_EQ(as_f(s.v[2][0]), 2.0f + 17 * 0.25f);
    EXPECT_EQ(m.stats().macs, 16u + 32 + 32 + 64 + 16 + 16);
}

TEST_F(exec, q8row_reads_the_previous_row_out_then_streams_the_next) {
    // Two rows of 16 weights at 0x5000 (1..16, then all -1), activations 0.5 at 0x6000, scale 2.
    for (int i = 0; i < 32; ++i) {
        int8_t w = static_cast<int8_t>(i < 16 ? i + 1 : -1);
        m.mem().write(0x5000 + i, &w, 1);
        m.mem().write32(0x6000 + 4 * i, f32(0.5f));
    }
    s.x[1] = 0x5000;
    s.x[2] = 0x6000;
    s.x[4] = 16;
    s.f[1] = f32(2.0f);
    run_one(m, enc(opcode::qsetbase, {1}));
    run_one(m, enc(opcode::fsetbase, {2}));
    run_one(m, enc(opcode::qsetscale, {1}));
    s.q8.acc.fill(3.0f);                        // the "previous row": 16 lanes of 3, sum 48, times 2
    s.v[5][9] = f32(7.0f);
    run_one(m, enc(opcode::q8row, {5, 4, 3}));
    EXPECT_EQ(s.v[5][3], f32(96.0f));
    EXPECT_EQ(s.v[5][9], f32(7.0f));         // the other lanes keep their values
    EXPECT_EQ(s.q8.acc[0], 0.5f);               // this row from +0.0: lane j = w[j] * 0.5
    EXPECT_EQ(s.q8.acc[15], 8.0f);
    EXPECT_EQ(s.q8.wptr, 0x5010u);           // wptr walks on into the next row
    EXPECT_EQ(s.q8.aptr, 0x6000u);           // aptr stays on the shared activations
    run_one(m, enc(opcode::q8row, {5, 4, 4}));
    EXPECT_EQ(s.v[5][4], f32(136.0f));       // sum(1..16) * 0.5 * 2
    EXPECT_EQ(s.q8.acc[7], -0.5f);
    run_one(m, enc(opcode::q8row, {5, 0, 5}));  // 0 MACs: only the readout, lanes back to +0.0
    EXPECT_EQ(s.v[5][5], f32(-16.0f));
    EXPECT_EQ(s.q8.acc[7], 0.0f);
    EXPECT_EQ(s.q8.wptr, 0x5020u);
    EXPECT_EQ(m.stats().macs, 32u);
}

TEST_F(exec, q8row_traps_before_the_readout) {
    s.x[1] = 0x5000;
    s.x[2] = 0x6002;                         // misaligned activations
    s.x[4] = 16;
    run_one(m, enc(opcode::qsetbase, {1}));
    run_one(m, enc(opcode::fsetbase, {2}));
    s.q8.acc.fill(1.0f);
    s.v[1][0] = f32(9.0f);
    EXPECT_EQ(run_one(m, enc(opcode::q8row, {1, 4, 0})).trap, trap_kind::load_misaligned);
    EXPECT_EQ(s.v[1][0], f32(9.0f));
    EXPECT_EQ(s.q8.acc[0], 1.0f);
    EXPECT_EQ(s.q8.wptr, 0x5000u);
}

TEST_F(exec, q8_accumulator_is_16_fp32_lanes_with_fma) {
    // Lane 0 gets 2^24 then +1 (lost to rounding in fp32), lane 1 gets +1: read = 2^24 + 1 rounds to 2^24.
    int8_t w[32] = {};
    w[0] = 64;
    w[16] = 1;
    w[1] = 1;
    m.mem().write(0x5000, w, 32);
    uint32_t a[32] = {};
    a[0] = f32(262144.0f);  // 64 * 2^18 = 2^24
    a[16] = f32(1.0f);
    a[1] = f32(1.0f);
    m.mem().write(0x6000, a, sizeof a);
    s.x[1] = 0x5000;
    s.x[2] = 0x6000;
    run_one(m, enc(opcode::qsetbase, {1}));
    run_one(m, enc(opcode::fsetbase, {2}));
    run_one(m, enc(opcode::acczero, {}));
    run_one(m, enc(opcode::q8macinc, {32}));
    EXPECT_EQ(s.q8.acc[0], 16777216.0f);  // 2^24 + 1 rounds to even in the lane
    EXPECT_EQ(s.q8.acc[1], 1.0f);
    EXPECT_EQ(f_after(opcode::accread, {3}), f32(16777216.0f));
}

}  // namespace
