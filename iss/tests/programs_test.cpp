// Self-checking programs, one per instruction class, assembled by the project assembler: each halts
// with r10 = 0 when every check passed, else the number of the failing check.
#include "iss/tests/iss_test_util.h"

#include <gtest/gtest.h>

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

INSTANTIATE_TEST_SUITE_P(classes, program,
                         ::testing::Values("int_alu", "memory", "control", "fp", "vector", "q8"));

}  // namespace
