// Traps and limits (robustness items 17-20): what stops the machine and what state it leaves.
#include "common/error.h"
#include "iss/src/loader.h"
#include "iss/tests/iss_test_util.h"

#include <gtest/gtest.h>

#include <vector>

namespace {
using namespace smol::iss;
using namespace smol::iss::test;
using smol::isa::opcode;

class traps : public ::testing::Test {
protected:
    machine m{uint64_t{1} << 20};
    arch_state& s = m.state();
    void SetUp() override { m.reset(0x1000); }
};

TEST_F(traps, all_zeros_and_all_ones_are_illegal) {
    for (uint32_t word : {0x00000000u, 0xffffffffu, 0x0c000000u | (7u << 6) | 3u}) {
        s.x[3] = 77;
        run_result r = run_one(m, word);
        EXPECT_EQ(r.reason, stop_reason::trapped);
        EXPECT_EQ(r.trap, trap_kind::illegal_instruction);
        EXPECT_EQ(r.pc, 0x1000u);
        EXPECT_EQ(r.bits, word);
        EXPECT_EQ(s.pc, 0x1000u);
        EXPECT_EQ(m.stats().instret, 0u);
    }
}

TEST_F(traps, loads_out_of_range_or_misaligned_leave_destination_unchanged) {
    s.x[1] = 0x100000 - 2;  // last two bytes of memory
    s.x[3] = 0x5555;
    run_result r = run_one(m, enc(opcode::lw, {3, 0, 1}));
    EXPECT_EQ(r.trap, trap_kind::load_misaligned);
    EXPECT_EQ(r.trap_addr, 0xffffeu);
    EXPECT_EQ(s.x[3], 0x5555u);
    r = run_one(m, enc(opcode::lw, {3, 2, 1}));
    EXPECT_EQ(r.trap, trap_kind::load_fault);
    EXPECT_EQ(r.trap_addr, 0x100000u);
    EXPECT_EQ(s.x[3], 0x5555u);
    EXPECT_EQ(run_one(m, enc(opcode::lb, {3, 1, 1})).reason, stop_reason::limit);  // last byte is fine
    s.x[3] = 0x5555;
    EXPECT_EQ(run_one(m, enc(opcode::lbu, {3, 2, 1})).trap, trap_kind::load_fault);
    EXPECT_EQ(s.x[3], 0x5555u);
    // Addresses are computed modulo 2^32 (0xfffffffc + 8 = 4), so this is a legal access.
    s.x[4] = 0xfffffffcu;
    EXPECT_EQ(run_one(m, enc(opcode::lw, {3, 8, 4})).reason, stop_reason::limit);
    s.x[5] = 0x100000 - 32;  // vector load of 16 words runs 32 bytes past the end
    s.v[2].fill(0x1234u);
    EXPECT_EQ(run_one(m, enc(opcode::lv, {2, 0, 5})).trap, trap_kind::load_fault);
    EXPECT_EQ(s.v[2][0], 0x1234u);
    EXPECT_EQ(run_one(m, enc(opcode::lvinc, {2, 5})).trap, trap_kind::load_fault);
    EXPECT_EQ(s.x[5], 0x100000u - 32);
    s.f[3] = 0x1111u;
    EXPECT_EQ(run_one(m, enc(opcode::lf, {3, 1, 5})).trap, trap_kind::load_misaligned);
    EXPECT_EQ(s.f[3], 0x1111u);
}

TEST_F(traps, stores_out_of_range_or_misaligned_write_nothing) {
    s.x[1] = 0x100000;
    s.x[2] = 0xabcdef01u;
    EXPECT_EQ(run_one(m, enc(opcode::sw, {2, 0, 1})).trap, trap_kind::store_fault);
    EXPECT_EQ(run_one(m, enc(opcode::sb, {2, 0, 1})).trap, trap_kind::store_fault);
    EXPECT_EQ(run_one(m, enc(opcode::sw, {2, -3, 1})).trap, trap_kind::store_misaligned);
    EXPECT_EQ(m.mem().read32(0xffffc), 0u);
    s.x[3] = 0x100000 - 16;
    EXPECT_EQ(run_one(m, enc(opcode::svinc, {1, 3})).trap, trap_kind::store_fault);
    EXPECT_EQ(m.mem().read32(0xffff0), 0u);  // no partial store
    EXPECT_EQ(s.x[3], 0x100000u - 16);
    s.f[1] = 0x3f800000u;
    EXPECT_EQ(run_one(m, enc(opcode::sf, {1, 2, 0})).trap, trap_kind::store_misaligned);
}

TEST_F(traps, fetch_and_jumps) {
    s.x[1] = 0x2002;
    s.x[5] = 99;
    run_result r = run_one(m, enc(opcode::jalr, {5, 0, 1}));
    EXPECT_EQ(r.trap, trap_kind::fetch_misaligned);
    EXPECT_EQ(r.pc, 0x1000u);
    EXPECT_EQ(r.trap_addr, 0x2002u);
    EXPECT_EQ(s.x[5], 99u);  // link not written
    // jump to the end of memory: the jump retires, the fetch at 0x100000 faults
    s.x[1] = 0x100000;
    m.mem().write32(0x1000, enc(opcode::jalr, {0, 0, 1}));
    m.flush_code_cache();
    s.pc = 0x1000;
    r = m.run(10);
    EXPECT_EQ(r.trap, trap_kind::fetch_fault);
    EXPECT_EQ(r.pc, 0x100000u);
    EXPECT_EQ(m.stats().instret, 1u);
    m.reset(0x1002);
    EXPECT_EQ(m.run(10).trap, trap_kind::fetch_misaligned);
}

TEST_F(traps, q8_ranges_checked_before_any_state_change) {
    s.x[1] = 0x100000 - 8;  // only 8 weights left
    s.x[2] = 0x2000;
    run_one(m, enc(opcode::qsetbase, {1}));
    run_one(m, enc(opcode::fsetbase, {2}));
    run_one(m, enc(opcode::acczero, {}));
    run_result r = run_one(m, enc(opcode::q8macinc, {16}));
    EXPECT_EQ(r.trap, trap_kind::load_fault);
    EXPECT_EQ(r.trap_addr, 0x100000u - 8);
    EXPECT_EQ(s.q8.wptr, 0x100000u - 8);
    s.x[2] = 0x2002;  // misaligned activations
    s.x[1] = 0x1000;
    run_one(m, enc(opcode::qsetbase, {1}));
    run_one(m, enc(opcode::fsetbase, {2}));
    EXPECT_EQ(run_one(m, enc(opcode::q8mac, {16})).trap, trap_kind::load_misaligned);
    s.x[4] = 0x40000000;  // a count running far past the end
    s.x[2] = 0x2000;
    run_one(m, enc(opcode::fsetbase, {2}));
    EXPECT_EQ(run_one(m, enc(opcode::q8macn, {4})).trap, trap_kind::load_fault);
    EXPECT_EQ(s.q8.wptr, 0x1000u);
}

TEST_F(traps, instruction_limit_stops_a_runaway_loop) {
    m.mem().write32(0x1000, enc(opcode::jal, {0, 0}));  // jump to itself
    m.flush_code_cache();
    run_result r = m.run(1000);
    EXPECT_EQ(r.reason, stop_reason::limit);
    EXPECT_EQ(r.pc, 0x1000u);
    EXPECT_EQ(m.stats().instret, 1000u);
}

TEST(iss_memory, image_larger_than_memory_names_both_sizes) {
    machine m(uint64_t{64} << 10);
    std::vector<std::byte> image(70000);
    try {
        load_image(m, image, 0, "image 'big.bin'");
        FAIL() << "expected a load error";
    } catch (const smol::error& e) {
        std::string msg = e.what();
        EXPECT_NE(msg.find("70000 bytes"), std::string::npos) << msg;
        EXPECT_NE(msg.find("65536 bytes"), std::string::npos) << msg;
    }
    EXPECT_THROW(load_image(m, std::span(image.data(), 16), 65530, "x"), smol::error);
    EXPECT_THROW(machine(12345), smol::error);
}

TEST(iss_memory, full_32_bit_address_space) {
    machine m(uint64_t{1} << 32);
    m.reset(0x1000);
    m.state().x[1] = 0xfffffffcu;
    m.state().x[2] = 0xcafef00du;
    EXPECT_EQ(run_one(m, enc(opcode::sw, {2, 0, 1})).reason, stop_reason::limit);
    EXPECT_EQ(run_one(m, enc(opcode::lw, {3, 0, 1})).reason, stop_reason::limit);
    EXPECT_EQ(m.state().x[3], 0xcafef00du);
    EXPECT_EQ(run_one(m, enc(opcode::lw, {3, 4, 1})).reason, stop_reason::limit);  // wraps to address 0
    EXPECT_EQ(m.state().x[3], 0u);
}

}  // namespace
