// Self-checking programs, one per instruction class, assembled by the project assembler: each halts
// with r10 = 0 when every check passed, else the number of the failing check.
#include "iss/tests/iss_test_util.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace {
using namespace smol::iss;

class program : public ::testing::TestWithParam<const char*> {};

TEST_P(program, passes_its_own_checks) {
    std::string path = std::string(SMOL_ISS_PROGRAMS_DIR) + "/" + GetParam() + ".s";
    test::program_run r = test::assemble_and_run(path);
    EXPECT_EQ(r.result.reason, stop_reason::halted) << path << " stopped at pc " << std::hex << r.result.pc
                                                     << " trap " << trap_name(r.result.trap);
    EXPECT_EQ(r.r10, 0u) << path << ": check " << r.r10 << " failed";
}

constexpr const char* program_names[] = {"int_alu", "memory", "control", "fp", "vector", "q8", "q8_block"};

INSTANTIATE_TEST_SUITE_P(classes, program, ::testing::ValuesIn(program_names),
                         [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

// Every instruction of the table retires at least once in the self-checking programs, as the ISS
// counts them (stats().per_opcode): a new table row needs a program that executes and checks it.
TEST(program_coverage, every_opcode_is_executed) {
    std::array<uint64_t, smol::isa::opcode_count> executed{};
    for (const char* name : program_names) {
        test::program_run r = test::assemble_and_run(std::string(SMOL_ISS_PROGRAMS_DIR) + "/" + name + ".s");
        ASSERT_EQ(r.result.reason, stop_reason::halted) << name;
        for (size_t i = 0; i < executed.size(); ++i) executed[i] += r.executed[i];
    }
    std::string missing;
    for (size_t i = 0; i < executed.size(); ++i)
        if (executed[i] == 0) missing += std::string(smol::isa::describe(static_cast<smol::isa::opcode>(i)).mnemonic) + " ";
    EXPECT_TRUE(missing.empty()) << "never executed by iss/tests/programs: " << missing;
}

}  // namespace
