// Lexer (tokens, columns, literals) and the constant-expression evaluator.
#include "asm/expr.h"
#include "asm/lexer.h"
#include "asm/tests/asm_test_util.h"

#include <gtest/gtest.h>

namespace smol::assembler::testing {
namespace {

const std::string file = "x.s";

std::vector<token> lex(const std::string& line) { return lex_line(line, {&file, 1, 1}); }

int64_t eval(const std::string& text) {
    std::vector<token> t = lex(text);
    t.pop_back();  // end
    symbol_lookup none = [](const token& tk) -> expr_value {
        if (tk.text == "ten") return {10, true};
        if (tk.text == "later") return {0, false};
        throw_at({&file, 1, tk.col}, "undefined symbol", tk.text);
    };
    expr_value v = eval_expr(t, none, {&file, 1, 1}, int(text.size()) + 1);
    EXPECT_TRUE(v.known);
    return v.value;
}

TEST(asm_lexer, tokens_and_columns) {
    std::vector<token> t = lex("loop:  lw r5, -8(r18)  # comment");
    ASSERT_EQ(t.size(), 11u);
    EXPECT_EQ(t[0].text, "loop");
    EXPECT_EQ(t[0].col, 1);
    EXPECT_TRUE(t[1].is_punct(":"));
    EXPECT_EQ(t[2].text, "lw");
    EXPECT_EQ(t[2].col, 8);
    EXPECT_EQ(t[6].kind, tok::integer);
    EXPECT_EQ(t[6].value, 8);
    EXPECT_EQ(t[6].col, 16);
    EXPECT_EQ(t.back().kind, tok::end);
}

TEST(asm_lexer, number_forms) {
    EXPECT_EQ(lex("0x7fffffff")[0].value, 0x7fffffff);
    EXPECT_EQ(lex("0b1011")[0].value, 11);
    EXPECT_EQ(lex("0o17")[0].value, 15);
    EXPECT_EQ(lex("1_000")[0].value, 1000);
    EXPECT_EQ(lex("'A'")[0].value, 65);
    EXPECT_EQ(lex("'\\n'")[0].value, 10);
    EXPECT_EQ(lex("1.5")[0].kind, tok::floating);
    EXPECT_DOUBLE_EQ(lex("2.5e-3")[0].fvalue, 2.5e-3);
}

TEST(asm_lexer, local_label_references) {
    token b = lex("1b")[0], f = lex("12f")[0], zb = lex("0b")[0];
    EXPECT_EQ(b.kind, tok::local_ref);
    EXPECT_FALSE(b.forward);
    EXPECT_EQ(f.kind, tok::local_ref);
    EXPECT_TRUE(f.forward);
    EXPECT_EQ(f.value, 12);
    EXPECT_EQ(zb.kind, tok::local_ref);  // "0b" with no binary digits is label 0, backward
}

TEST(asm_lexer, strings_and_escapes) {
    token s = lex("\"a\\tb\\x41\\\"\"")[0];
    EXPECT_EQ(s.kind, tok::string);
    EXPECT_EQ(s.str, "a\tbA\"");
}

TEST(asm_lexer, errors_quote_the_token) {
    try {
        lex("  .word 0x12g4");
        FAIL();
    } catch (const asm_error& e) {
        EXPECT_EQ(e.loc().col, 9);
        EXPECT_EQ(e.token(), "0x12g4");
    }
    EXPECT_THROW(lex("99999999999999999999"), asm_error);
    EXPECT_THROW(lex("\"abc"), asm_error);
    EXPECT_THROW(lex("'ab'"), asm_error);
}

TEST(asm_expr, precedence_like_c) {
    EXPECT_EQ(eval("1 + 2 * 3"), 7);
    EXPECT_EQ(eval("(1 + 2) * 3"), 9);
    EXPECT_EQ(eval("1 << 4 + 1"), 32);
    EXPECT_EQ(eval("0xf0 | 0x0f & 0x3c"), 0xfc);
    EXPECT_EQ(eval("6 ^ 3"), 5);
    EXPECT_EQ(eval("-7 / 2"), -3);
    EXPECT_EQ(eval("-7 % 2"), -1);
    EXPECT_EQ(eval("~0"), -1);
    EXPECT_EQ(eval("!0 + !5"), 1);
    EXPECT_EQ(eval("-8 >> 1"), -4);
    EXPECT_EQ(eval("10 - 3 - 2"), 5);
    EXPECT_EQ(eval("ten * ten"), 100);
    EXPECT_EQ(eval("- - 3"), 3);
}

TEST(asm_expr, unknown_symbols_make_the_value_unknown) {
    std::vector<token> t = lex("later + 4");
    t.pop_back();
    symbol_lookup l = [](const token&) { return expr_value{0, false}; };
    EXPECT_FALSE(eval_expr(t, l, {&file, 1, 1}, 10).known);
}

TEST(asm_expr, errors) {
    EXPECT_THROW(eval("1 +"), asm_error);
    EXPECT_THROW(eval("(1 + 2"), asm_error);
    EXPECT_THROW(eval("1 2"), asm_error);
    EXPECT_THROW(eval("1 << 64"), asm_error);
    EXPECT_THROW(eval("5 % 0"), asm_error);
    EXPECT_THROW(eval("nosuch"), asm_error);
    EXPECT_THROW(eval("1.5"), asm_error);
}

TEST(asm_expr, incomplete_expressions_quote_the_last_token) {
    EXPECT_EQ(assemble_errors("  .word 1 +\n")[0], "test.s:1:11: error: expected an expression after '+'");
    EXPECT_EQ(assemble_errors("  .word (1 + 2\n")[0], "test.s:1:9: error: missing ')' '('");
}

TEST(asm_expr, in_programs_with_dot_and_symbols) {
    program p = assemble_ok(
        "  .equ base, 0x100\n"
        "  .equ count, (end - start) / 4\n"
        "  .org base\n"
        "start: .word ., count, base + 8 * 2\n"
        "  .word end - .\n"
        "end:\n");
    EXPECT_EQ(p.base, 0x100u);
    EXPECT_EQ(words(p), (std::vector<uint32_t>{0x100, 4, 0x110, 4}));
}

}  // namespace
}  // namespace smol::assembler::testing
