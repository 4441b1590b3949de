// .include: paths relative to the including file, then -I; cycles refused.
#include "asm/output.h"
#include "asm/tests/asm_test_util.h"

#include <filesystem>
#include <gtest/gtest.h>

namespace smol::assembler::testing {
namespace {

TEST(asm_include, relative_to_the_including_file) {
    temp_dir dir;
    std::string top = dir.write("top.s", ".include \"lib/consts.s\"\n.word K\n");
    dir.write("lib/consts.s", ".include \"more.s\"\n.equ K, J + 1\n");
    dir.write("lib/more.s", ".equ J, 41\n");
    result r = assemble_file(top);
    ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].text());
    EXPECT_EQ(words(r.prog), (std::vector<uint32_t>{42}));
}

TEST(asm_include, search_directories) {
    temp_dir dir;
    std::string top = dir.write("src/top.s", ".include \"defs.s\"\n.word D\n");
    dir.write("inc/defs.s", ".equ D, 7\n");
    options o;
    o.include_dirs = {(dir.path() / "inc").string()};
    result r = assemble_file(top, o);
    ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].text());
    EXPECT_EQ(words(r.prog), (std::vector<uint32_t>{7}));
}

TEST(asm_include, errors_name_the_included_file) {
    temp_dir dir;
    std::string top = dir.write("top.s", "halt\n.include \"sub.s\"\n");
    std::string sub = dir.write("sub.s", "nop\n  bogus r1\n");
    result r = assemble_file(top);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].text(), (dir.path() / "sub.s").string() + ":2:3: error: unknown mnemonic 'bogus'");
}

TEST(asm_include, cycle_is_refused) {
    temp_dir dir;
    std::string a = dir.write("a.s", "halt\n.include \"b.s\"\n");
    dir.write("b.s", "nop\n.include \"a.s\"\n");
    result r = assemble_to_files(a, {}, (dir.path() / "out.bin").string(), "", "");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].text(),
              (dir.path() / "b.s").string() + ":2:10: error: include cycle: file is already being included '\"a.s\"'");
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "out.bin"));
}

TEST(asm_include, self_include_is_a_cycle) {
    temp_dir dir;
    std::string a = dir.write("a.s", ".include \"./a.s\"\nhalt\n");
    result r = assemble_file(a);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].text().find("include cycle"), std::string::npos);
}

TEST(asm_include, same_file_twice_is_not_a_cycle) {
    temp_dir dir;
    std::string top = dir.write("top.s", ".include \"w.s\"\n.include \"w.s\"\n");
    dir.write("w.s", ".word 1\n");
    result r = assemble_file(top);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(words(r.prog), (std::vector<uint32_t>{1, 1}));
}

TEST(asm_include, operand_must_be_a_string) {
    EXPECT_EQ(assemble_errors(".include foo.s\nhalt\n")[0], "test.s:1:10: error: .include takes one \"file name\" 'foo.s'");
}

}  // namespace
}  // namespace smol::assembler::testing
