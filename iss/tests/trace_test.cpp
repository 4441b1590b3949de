// The commit-log line format of docs/trace.md, on records built by hand and on a real run.
#include "iss/src/trace.h"
#include "iss/tests/iss_test_util.h"

#include <gtest/gtest.h>

#include <vector>

namespace {
using namespace smol::iss;
using namespace smol::iss::test;
using smol::isa::opcode;

std::string without_disasm(const std::string& line) {
    // "seq pc bits <disasm> ; writes": keep the fixed columns and what follows ';'
    auto first = line.find(' ');
    auto second = line.find(' ', first + 1);
    auto third = line.find(' ', second + 1);
    auto semi = line.find(" ;");
    return line.substr(0, third) + (semi == std::string::npos ? "" : line.substr(semi));
}

TEST(trace, writes_are_sorted_and_formatted) {
    commit_record r;
    r.seq = 12;
    r.pc = 0x1000;
    r.bits = 0x12345678;
    r.writes.push_back({write_kind::mem32, 0x2004, 0xdeadbeef, {}});
    r.writes.push_back({write_kind::mem8, 0x2000, 0x7f, {}});
    r.writes.push_back({write_kind::xreg, 5, 0x2a, {}});
    r.writes.push_back({write_kind::freg, 1, 0x3f800000, {}});
    EXPECT_EQ(without_disasm(format_commit(r)),
              "12 00001000 12345678 ; x5=0000002a f1=3f800000 m8[00002000]=7f m32[00002004]=deadbeef");
    commit_record t;
    t.seq = 3;
    t.pc = 0x10;
    t.bits = 0xffffffff;
    t.trap = trap_kind::illegal_instruction;
    t.trap_addr = 0x10;
    EXPECT_EQ(without_disasm(format_commit(t)), "3 00000010 ffffffff ; trap=illegal-instruction addr=00000010");
}

TEST(trace, a_run_logs_every_instruction) {
    machine m(uint64_t{1} << 20);
    uint32_t prog[] = {enc(opcode::addi, {1, 0, 5}), enc(opcode::setvl, {2, 1}), enc(opcode::halt, {})};
    m.mem().write(0x1000, prog, sizeof prog);
    m.reset(0x1000);
    std::vector<std::string> lines;
    m.set_commit_hook([&](const commit_record& r) { lines.push_back(without_disasm(format_commit(r))); });
    EXPECT_EQ(m.run(100).reason, stop_reason::halted);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], "1 00001000 10200005 ; x1=00000005");
    EXPECT_EQ(lines[1], "2 00001004 0841001f ; x2=00000005 vl=5");
    EXPECT_EQ(lines[2], "3 00001008 fc000000");
}

}  // namespace
