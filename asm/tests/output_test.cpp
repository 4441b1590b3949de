// Output files: the image, the symbol map (and reading it back), the listing, and image disassembly.
#include "asm/disasm.h"
#include "asm/output.h"
#include "asm/tests/asm_test_util.h"
#include "common/error.h"

#include <fstream>
#include <gtest/gtest.h>
#include <iterator>

namespace smol::assembler::testing {
namespace {

const char* const source =
    ".org 0x1000\n"
    ".global main\n"
    "main:   li r1, 0x12345678\n"
    ".loop:  loop r1, .loop\n"
    "        ret\n"
    "data:   .word 5\n";

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(asm_output, files_written_when_clean) {
    temp_dir dir;
    std::string src = dir.write("prog.s", source);
    std::string bin = (dir.path() / "prog.bin").string(), map = (dir.path() / "prog.map").string(),
                lst = (dir.path() / "prog.lst").string();
    result r = assemble_to_files(src, {}, bin, map, lst);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(slurp(bin).size(), 20u);
    EXPECT_EQ(slurp(map),
              "# smol asm symbol map: address name [global]\n"
              "# image base 0x00001000 size 20 (file offset = address - base)\n"
              "0x00001000 main global\n"
              "0x00001008 main.loop\n"
              "0x00001010 data\n");
    std::string listing = slurp(lst);
    EXPECT_NE(listing.find("00001000 "), std::string::npos) << listing;
    EXPECT_NE(listing.find("main:   li r1, 0x12345678"), std::string::npos) << listing;
    EXPECT_NE(listing.find("00001010 05000000      6  data:   .word 5"), std::string::npos) << listing;

    std::optional<uint32_t> base;
    std::vector<map_symbol> symbols = read_map(map, &base);
    EXPECT_EQ(base, 0x1000u);
    ASSERT_EQ(symbols.size(), 3u);
    EXPECT_EQ(symbols[1].name, "main.loop");
    EXPECT_TRUE(symbols[0].global);

    std::string text = smol::disasm::format_image(r.prog.image, r.prog.base, symbols);
    EXPECT_NE(text.find("main.loop:\n00001008: "), std::string::npos) << text;
    EXPECT_NE(text.find("loop    r1, 0x00001008  # main.loop"), std::string::npos) << text;
}

TEST(asm_output, malformed_map_is_refused) {
    temp_dir dir;
    std::string map = dir.write("bad.map", "0x1000 a\nzzz b\n");
    EXPECT_THROW(read_map(map), smol::error);
}

TEST(asm_output, failed_run_leaves_existing_outputs_untouched) {
    temp_dir dir;
    std::string bin = dir.write("prog.bin", "old");
    std::string src = dir.write("prog.s", "halt\nfrob\n");
    result r = assemble_to_files(src, {}, bin, "", "");
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(slurp(bin), "old");
}

}  // namespace
}  // namespace smol::assembler::testing
