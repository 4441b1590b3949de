#pragma once
// The template's syntax tree. Shapes follow @huggingface/jinja's AST (same precedence and associativity),
// so evaluating it in the same order gives the same result and the same errors.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace smol::chat_detail {

enum class expr_kind {
    string_literal,   // text
    integer_literal,  // integer
    identifier,       // text = name
    array_literal,    // args = elements
    tuple_literal,    // args = elements
    object_literal,   // args = key0, value0, key1, value1, ...
    member,           // lhs[rhs] (computed) or lhs.rhs; rhs may be a slice
    slice,            // args = start, stop, step (each may be null)
    call,             // lhs(args; keyword names in keywords)
    filter,           // lhs | text(args; keywords), has_call when written with parentheses
    test,             // lhs is [not] text
    unary,            // text = "not", "-", "+"; lhs = operand
    binary,           // lhs text rhs
    ternary,          // args = condition, if-true, if-false
    select,           // lhs if rhs (no else: undefined when false)
};

struct expr {
    expr_kind kind;
    std::size_t offset;  // in the original source
    std::string text;
    std::int64_t integer = 0;
    bool computed = false;  // member: written with []
    bool negate = false;    // test: `is not`
    bool has_call = false;  // filter: written as name(...)
    std::unique_ptr<expr> lhs, rhs;
    std::vector<std::unique_ptr<expr>> args;
    std::vector<std::string> keywords;  // call/filter: name of each keyword argument, "" for positional
};
using expr_ptr = std::unique_ptr<expr>;

enum class stmt_kind {
    text,    // text
    output,  // {{ value }}
    if_,     // if value: body else alternate (elif is a nested if in alternate)
    for_,    // for target in value: body, else alternate
    set,     // set target = value, or set target %}body{% endset
};

struct stmt;
using stmt_list = std::vector<std::unique_ptr<stmt>>;

struct stmt {
    stmt_kind kind;
    std::size_t offset;
    std::string text;
    expr_ptr target;
    expr_ptr value;
    stmt_list body, alternate;
};

}  // namespace smol::chat_detail
