// The commit-log library on its own (smol_trace links only smol_isa): the disassembly column and
// first_difference, the structural comparison of two records of the same instruction.
#include "iss/src/trace.h"

#include <gtest/gtest.h>

namespace {
using namespace smol::iss;
using part = commit_difference::part;

commit_record sample() {
    commit_record r;
    r.seq = 7;
    r.pc = 0x1000;
    r.bits = 0x10200005;  // addi r1, r0, 5
    r.writes.push_back({write_kind::mem32, 0x2000, 0x11, {}});
    r.writes.push_back({write_kind::xreg, 5, 0x2a, {}});
    commit_write v{write_kind::vreg, 3, 0, {}};
    for (unsigned i = 0; i < 16; ++i) v.lanes[i] = 0x3f800000u + i;
    r.writes.push_back(v);
    return r;
}

TEST(trace_library, prints_the_table_driven_disassembly) {
    commit_record r;
    r.seq = 1;
    r.pc = 0x1000;
    r.bits = 0x10200005;
    EXPECT_EQ(format_commit(r), "1 00001000 10200005 addi    r1, r0, 5");
    r.bits = 0;
    EXPECT_EQ(format_commit(r), "1 00001000 00000000 .word 0x00000000");
}

TEST(first_difference, equal_records_in_any_write_order) {
    commit_record a = sample(), b = sample();
    std::swap(b.writes[0], b.writes[2]);
    EXPECT_FALSE(first_difference(a, b).has_value());
    EXPECT_EQ(format_commit(a), format_commit(b));
}

TEST(first_difference, names_the_first_differing_part) {
    commit_record a = sample(), b = sample();
    b.pc = 0x1004;
    b.bits = 0;
    auto d = first_difference(a, b);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->where, part::pc);
    EXPECT_EQ(d->description, "pc: 00001000 vs 00001004");

    b = sample();
    b.seq = 8;
    EXPECT_EQ(first_difference(a, b)->where, part::seq);
    b = sample();
    b.bits ^= 1;
    EXPECT_EQ(first_difference(a, b)->where, part::bits);
}

TEST(first_difference, compares_writes_in_canonical_order) {
    commit_record a = sample(), b = sample();
    b.writes[0].value = 0x12;  // the m32 write: last in canonical order (x, v, memory)
    auto d = first_difference(a, b);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->where, part::write);
    EXPECT_EQ(d->write_index, 2u);
    EXPECT_EQ(d->description, "write 2: m32[00002000]=00000011 vs m32[00002000]=00000012");

    b = sample();
    b.writes[1].where = 6;
    d = first_difference(a, b);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->write_index, 0u);
    EXPECT_EQ(d->description, "write 0: x5=0000002a vs x6=0000002a");
}

TEST(first_difference, vector_writes_compare_all_lanes) {
    commit_record a = sample(), b = sample();
    b.writes[2].lanes[15] ^= 1;
    auto d = first_difference(a, b);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->where, part::write);
    EXPECT_EQ(d->write_index, 1u);
    // The unused value field of a vector write is not compared.
    b = sample();
    b.writes[2].value = 99;
    EXPECT_FALSE(first_difference(a, b).has_value());
}

TEST(first_difference, missing_or_extra_writes) {
    commit_record a = sample(), b = sample();
    b.writes.push_back({write_kind::vl, 0, 4, {}});
    auto d = first_difference(a, b);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->where, part::write);  // vl sorts before memory, so it meets the m32 write first
    b = sample();
    b.writes.push_back({write_kind::mem8, 0x3000, 1, {}});
    d = first_difference(a, b);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->where, part::write_count);
    EXPECT_EQ(d->write_index, 3u);
    EXPECT_EQ(d->description, "writes: 3 vs 4 (first unmatched: m8[00003000]=01 in b)");
}

TEST(first_difference, traps) {
    commit_record a = sample(), b = sample();
    b.trap = trap_kind::load_fault;
    b.trap_addr = 0x2000;
    auto d = first_difference(a, b);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->where, part::trap);
    EXPECT_EQ(d->description, "trap: none vs load-fault");
    a.trap = trap_kind::load_fault;
    a.trap_addr = 0x2000;
    a.writes.clear();  // a trapping instruction's writes are not part of the record's meaning
    EXPECT_FALSE(first_difference(a, b).has_value());
    a.trap_addr = 0x2004;
    EXPECT_EQ(first_difference(a, b)->where, part::trap_addr);
}

}  // namespace
