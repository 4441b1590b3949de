#pragma once
// Template source -> tokens, following @huggingface/jinja's lexer: the same preprocessing (drop one final
// newline, lstrip_blocks, trim_blocks), the same token boundaries and the same whitespace-control rules,
// because its output is what transformers.js and HF render and we must match it byte for byte.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace smol::chat_detail {

enum class token_kind {
    text,
    number,      // digits, possibly signed ("-1") or with a fraction ("1.5")
    string,      // value holds the unescaped contents
    identifier,  // names, keywords, true/false/none alike
    equals,
    open_paren,
    close_paren,
    open_statement,   // {%
    close_statement,  // %}
    open_expression,  // {{
    close_expression, // }}
    open_square,
    close_square,
    open_curly,
    close_curly,
    comma,
    dot,
    colon,
    pipe,
    additive,        // + - ~
    multiplicative,  // * / // %
    power,           // **
    comparison,      // < > <= >= == !=
    unary,           // a sign with no number after it
    comment,
};

struct token {
    token_kind kind;
    std::string value;
    std::size_t offset;  // in the original (not preprocessed) source, for diagnostics
};

std::vector<token> tokenize(std::string_view source);

}  // namespace smol::chat_detail
