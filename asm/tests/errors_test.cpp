// docs/robustness.md item 16: each bad input gives `file:line:col: error: ... 'token'` and writes nothing.
#include "asm/output.h"
#include "asm/tests/asm_test_util.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <random>

namespace smol::assembler::testing {
namespace {

namespace fs = std::filesystem;

// Assembles `text` saved as bad.s through the same path as `smol asm`; returns the first error and
// checks that none of the three output files was written.
std::string first_error(const std::string& text, const std::vector<std::pair<std::string, std::string>>& extra = {}) {
    temp_dir dir;
    std::string src = dir.write("bad.s", text);
    for (const auto& [name, body] : extra) dir.write(name, body);
    result r = assemble_to_files(src, {}, (dir.path() / "out.bin").string(), (dir.path() / "out.map").string(),
                                 (dir.path() / "out.lst").string());
    EXPECT_FALSE(r.ok());
    for (const char* out : {"out.bin", "out.map", "out.lst"}) EXPECT_FALSE(fs::exists(dir.path() / out)) << out;
    for (const auto& entry : fs::directory_iterator(dir.path()))  // no temporaries left behind either
        EXPECT_TRUE(entry.path().extension() == ".s" || entry.is_directory()) << entry.path();
    if (r.errors.empty()) return "";
    std::string e = r.errors.front().text();
    // Make the message independent of the temporary directory.
    std::string prefix = dir.path().string() + "/";
    for (size_t at; (at = e.find(prefix)) != std::string::npos;) e.erase(at, prefix.size());
    return e;
}

TEST(asm_errors, unknown_mnemonic) {
    EXPECT_EQ(first_error("start:\n  addi r1, r0, 1\n  frob r1, r2\n"), "bad.s:3:3: error: unknown mnemonic 'frob'");
}

TEST(asm_errors, too_few_operands) {
    EXPECT_EQ(first_error("  add r1, r2\n"),
              "bad.s:1:3: error: wrong number of operands: add takes 3 (rd, rs1, rs2), got 2 'add'");
}

TEST(asm_errors, too_many_operands) {
    EXPECT_EQ(first_error("  add r1, r2, r3, r4\n"),
              "bad.s:1:19: error: wrong number of operands: add takes 3 (rd, rs1, rs2), got 4 'r4'");
}

TEST(asm_errors, wrong_operand_kind_float_register_for_integer) {
    EXPECT_EQ(first_error("  add r1, f2, r3\n"), "bad.s:1:11: error: wrong operand kind: expected an integer register 'f2'");
}

TEST(asm_errors, wrong_operand_kind_immediate_for_register) {
    EXPECT_EQ(first_error("  add r1, 5, r3\n"), "bad.s:1:11: error: wrong operand kind: expected an integer register '5'");
}

TEST(asm_errors, wrong_operand_kind_register_for_immediate) {
    EXPECT_EQ(first_error("  addi r1, r2, r3\n"), "bad.s:1:16: error: wrong operand kind: expected an immediate 'r3'");
}

TEST(asm_errors, wrong_operand_kind_missing_memory_form) {
    EXPECT_EQ(first_error("  lw r1, r2\n"), "bad.s:1:10: error: wrong operand kind: expected a memory operand offset(rs1) 'r2'");
}

TEST(asm_errors, integer_register_out_of_range) {
    EXPECT_EQ(first_error("  add r1, r32, r3\n"), "bad.s:1:11: error: register out of range (r0..r31) 'r32'");
}

TEST(asm_errors, base_register_out_of_range) {
    EXPECT_EQ(first_error("  lw r1, 5(r40)\n"), "bad.s:1:12: error: register out of range (r0..r31) 'r40'");
}

TEST(asm_errors, base_register_of_the_wrong_file) {
    EXPECT_EQ(first_error("  lw r1, 5(f4)\n"), "bad.s:1:12: error: wrong operand kind: expected an integer register 'f4'");
}

TEST(asm_errors, vector_register_out_of_range) {
    EXPECT_EQ(first_error("  vadd v1, v8, v2\n"), "bad.s:1:12: error: register out of range (v0..v7) 'v8'");
}

TEST(asm_errors, immediate_does_not_fit_signed) {
    EXPECT_EQ(first_error("  addi r1, r0, 32768\n"),
              "bad.s:1:16: error: immediate does not fit: 32768 is outside simm16 range -32768..32767 '32768'");
}

TEST(asm_errors, immediate_does_not_fit_unsigned) {
    EXPECT_EQ(first_error("  ori r1, r0, -1\n"),
              "bad.s:1:15: error: immediate does not fit: -1 is outside uimm16 range 0..65535 '-1'");
}

TEST(asm_errors, immediate_does_not_fit_shift) {
    EXPECT_EQ(first_error("  slli r1, r1, 32\n"),
              "bad.s:1:16: error: immediate does not fit: 32 is outside shamt range 0..31 '32'");
}

TEST(asm_errors, enumerated_value_not_allowed) {
    EXPECT_EQ(first_error("  q8macinc 8\n"), "bad.s:1:12: error: immediate does not fit: qn must be one of 16, 32, 64 '8'");
}

TEST(asm_errors, li_constant_beyond_32_bits) {
    EXPECT_EQ(first_error("  li r1, 0x100000000\n"),
              "bad.s:1:10: error: immediate does not fit: 4294967296 is outside 32 bits '0x100000000'");
}

TEST(asm_errors, branch_target_out_of_range_forward) {
    // boff16 reaches -131072..+131068 bytes; the target here is 131072 bytes ahead.
    EXPECT_EQ(first_error("  beq r1, r2, far\n  .space 131068\nfar: halt\n"),
              "bad.s:1:15: error: branch target out of range: offset 131072 bytes, beq reaches -131072..131068 'far'");
}

TEST(asm_errors, branch_target_out_of_range_backward_never_wraps) {
    // At pc 0 a branch to -4 would wrap to 0xfffffffc on a machine; the assembler refuses it.
    std::string e = first_error("  .org 0x20000\n  halt\n  bne r1, r0, 0\n");
    EXPECT_EQ(e, "bad.s:3:15: error: branch target out of range: offset -131076 bytes, bne reaches -131072..131068 '0'");
}

TEST(asm_errors, branch_target_misaligned) {
    EXPECT_EQ(first_error("  beq r1, r2, 6\n"),
              "bad.s:1:15: error: branch target 0x6 is not a multiple of 4 bytes from pc 0x00000000 '6'");
}

TEST(asm_errors, undefined_label) {
    EXPECT_EQ(first_error("  beq r1, r2, nowhere\n"), "bad.s:1:15: error: undefined symbol 'nowhere'");
}

TEST(asm_errors, undefined_local_label) {
    EXPECT_EQ(first_error("1: halt\n  beq r1, r2, 1f\n"), "bad.s:2:15: error: undefined local label '1f'");
}

TEST(asm_errors, duplicate_label) {
    EXPECT_EQ(first_error("top: halt\n  halt\ntop: halt\n"),
              "bad.s:3:1: error: duplicate symbol (first defined at " + std::string("bad.s") + ":1:1) 'top'");
}

TEST(asm_errors, unterminated_string) {
    EXPECT_EQ(first_error("  halt\n  .ascii \"abc\n"), "bad.s:2:10: error: unterminated string '\"abc'");
}

TEST(asm_errors, empty_file) { EXPECT_EQ(first_error(""), "bad.s:1:1: error: empty program: no instructions or data 'bad.s'"); }

TEST(asm_errors, only_comments_is_empty) {
    EXPECT_EQ(first_error("# nothing\n\n   // here\n"), "bad.s:1:1: error: empty program: no instructions or data 'bad.s'");
}

TEST(asm_errors, missing_file) {
    temp_dir dir;
    std::string path = (dir.path() / "missing.s").string();
    result r = assemble_to_files(path, {}, (dir.path() / "out.bin").string(), "", "");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].text(), path + ":1:1: error: no such file '" + path + "'");
    EXPECT_FALSE(fs::exists(dir.path() / "out.bin"));
}

TEST(asm_errors, directory_as_input) {
    temp_dir dir;
    std::string path = dir.path().string();
    result r = assemble_to_files(path, {}, (dir.path() / "out.bin").string(), "", "");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].text(), path + ":1:1: error: is a directory, not a source file '" + path + "'");
    EXPECT_FALSE(fs::exists(dir.path() / "out.bin"));
}

TEST(asm_errors, endless_include_is_capped) {
    // /dev/zero never ends: a device is not a source file (common/input_file.h refuses it before reading), and a
    // regular file is capped by its size before it is read.
    EXPECT_EQ(first_error("  .include \"/dev/zero\"\n"),
              "bad.s:1:12: error: is a character device, expected a regular file '\"/dev/zero\"'");
}

TEST(asm_errors, missing_include_points_at_the_directive) {
    EXPECT_EQ(first_error("  halt\n  .include \"nope.s\"\n"), "bad.s:2:12: error: no such file '\"nope.s\"'");
}

TEST(asm_errors, unknown_directive) {
    EXPECT_EQ(first_error("  .wrod 5\n"), "bad.s:1:3: error: unknown directive '.wrod'");
}

TEST(asm_errors, word_value_does_not_fit) {
    EXPECT_EQ(first_error("  .word 0x1ffffffff\n"),
              "bad.s:1:9: error: value does not fit: 8589934591 is outside .word range -2147483648..4294967295 "
              "'0x1ffffffff'");
}

TEST(asm_errors, division_by_zero) {
    EXPECT_EQ(first_error("  .word 1 / (2 - 2)\n"), "bad.s:1:11: error: division by zero '/'");
}

TEST(asm_errors, stray_character) { EXPECT_EQ(first_error("  addi r1, r0, @\n"), "bad.s:1:16: error: unexpected character '@'"); }

TEST(asm_errors, overlapping_org) {
    EXPECT_EQ(first_error("  .org 0x100\n  .word 1, 2\n  .org 0x104\n  .word 3\n"),
              "bad.s:4:3: error: overlaps bytes already placed at 0x00000100..0x00000107 '.word'");
}

TEST(asm_errors, unaligned_instruction) {
    EXPECT_EQ(first_error("  .byte 1\n  halt\n"), "bad.s:2:3: error: instruction at unaligned address 0x1 'halt'");
}

TEST(asm_errors, image_larger_than_memory_is_refused_before_allocating) {
    EXPECT_EQ(first_error("  halt\n  .org 0xfffffff0\n  halt\n"),
              "bad.s:3:3: error: image spans 0x0..0xfffffff4 (4294967284 bytes), more than the 268435456 bytes of memory "
              "'halt'");
}

TEST(asm_errors, several_errors_are_reported_in_one_run) {
    std::vector<std::string> e = assemble_errors("  frob\n  add r1\n  addi r1, r0, 99999\n  beq r1, r0, nowhere\n");
    ASSERT_EQ(e.size(), 4u);
    EXPECT_EQ(e[0], "test.s:1:3: error: unknown mnemonic 'frob'");
    EXPECT_EQ(e[3], "test.s:4:15: error: undefined symbol 'nowhere'");
}

TEST(asm_errors, errors_stop_at_the_cap) {
    std::string text;
    for (int i = 0; i < 100; ++i) text += "  frob\n";
    result r = assemble_string(text, "test.s");
    EXPECT_EQ(r.errors.size(), diagnostics::default_cap);
    EXPECT_TRUE(r.capped);
}

TEST(asm_errors, forward_reference_in_space_is_refused) {
    EXPECT_EQ(first_error("  .space later\n  .equ later, 4\n"),
              "bad.s:1:10: error: .space must not refer to symbols defined later 'later'");
}

TEST(asm_errors, circular_constants) {
    EXPECT_EQ(first_error("  .equ a, b + 1\n  .equ b, a + 1\n  .word a\n"),
              "bad.s:1:11: error: symbol has no value (circular definition) 'b'");
}

TEST(asm_errors, deep_parentheses_do_not_overflow_the_stack) {
    std::string e = first_error("  .word " + std::string(100000, '(') + "1\n");
    EXPECT_NE(e.find("expression nested too deeply"), std::string::npos) << e;
}

// Seeded random token soup: every run ends with a result (errors or an image), never a crash; run
// under ASan/UBSan in the sanitizer build.
TEST(asm_errors, random_input_never_crashes) {
    const char* const pieces[] = {"addi", "li", "beq", "lw", "q8macinc", ".word", ".org", ".space", ".equ", ".align",
                                  ".float", ".include", "r1", "r31", "v7", "f3", "sp", "x", ".x", "1", "1b", "1f",
                                  "0x7fffffff", "-", "+", "<<", "(", ")", ",", ":", "\"", "'", "9999999999", ".",
                                  "*", "/", "%", "~", " ", "\n", "#", "1:", "x:", ".x:", "1.5", "@"};
    std::mt19937_64 rng(99);
    for (int i = 0; i < 3000; ++i) {
        std::string text;
        int n = int(rng() % 40);
        for (int k = 0; k < n; ++k) text += std::string(pieces[rng() % std::size(pieces)]) + (rng() % 3 ? " " : "");
        result r = assemble_string(text, "soup.s");
        if (r.ok()) EXPECT_FALSE(r.prog.image.empty());
        else
            for (const auto& d : r.errors) EXPECT_EQ(d.text().rfind("soup.s:", 0), 0u) << d.text();
    }
}

}  // namespace
}  // namespace smol::assembler::testing
