// docs/robustness.md, issue 11: the assembler's classes (.equ resolution linear, .float underflow).
#include "asm/assembler.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

namespace smol::assembler {
namespace {

// 100000 constants, each defined from the next one, the last from a label at the end: every constant is a
// forward reference. Resolving them one sweep at a time was quadratic (about 30 minutes); in dependency
// order it is linear, well inside the test's timeout.
TEST(robustness, equ_resolution_linear) {
    constexpr int n = 100000;
    std::string source = "start:\n  .word c0\n";
    for (int i = 0; i < n; ++i) source += fmt::format(".equ c{}, c{} + 1\n", i, i + 1);
    source += fmt::format(".equ c{}, end\nend:\n  .word 0\n", n);
    result r = assemble_string(source, "chain.s");
    ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front().text());
    ASSERT_EQ(r.prog.image.size(), 8u);
    const uint32_t c0 = uint32_t(r.prog.image[0]) | uint32_t(r.prog.image[1]) << 8 | uint32_t(r.prog.image[2]) << 16 |
                        uint32_t(r.prog.image[3]) << 24;
    EXPECT_EQ(c0, 4u + n);  // end is at 4, and each constant adds one
}

TEST(robustness, equ_chain_value_and_cycle) {
    result r = assemble_string(".equ a, b * 2\n.equ b, c + 1\n.equ c, 5\n  .word a\n", "chain.s");
    ASSERT_TRUE(r.ok()) << r.errors.front().text();
    ASSERT_EQ(r.prog.image.size(), 4u);
    EXPECT_EQ(r.prog.image[0], 12);  // (5 + 1) * 2
    result cycle = assemble_string(".equ a, b\n.equ b, a\n  .word a\n", "cycle.s");
    ASSERT_FALSE(cycle.ok());
    EXPECT_NE(cycle.errors.front().text().find("circular definition"), std::string::npos) << cycle.errors.front().text();
}

// docs/asm.md: out of range is an error for .float, too small as well as too large; subnormals are kept.
TEST(robustness, float_underflow_is_an_error) {
    result tiny = assemble_string("  .float 1e-50\n", "f.s");
    ASSERT_FALSE(tiny.ok());
    EXPECT_NE(tiny.errors.front().text().find("too small for 32 bits"), std::string::npos) << tiny.errors.front().text();
    EXPECT_FALSE(assemble_string("  .float -1e-46\n", "f.s").ok());
    EXPECT_FALSE(assemble_string("  .float 1e39\n", "f.s").ok());
    result subnormal = assemble_string("  .float 1e-40, 0.0, 0e-99, -0.0\n", "f.s");
    ASSERT_TRUE(subnormal.ok()) << subnormal.errors.front().text();
    EXPECT_NE(subnormal.prog.image[0] | subnormal.prog.image[1] | subnormal.prog.image[2], 0);  // 1e-40 is not 0
}

}  // namespace
}  // namespace smol::assembler
