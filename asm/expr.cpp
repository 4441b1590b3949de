#include "asm/expr.h"

#include <fmt/format.h>

namespace smol::assembler {
namespace {

class parser {
public:
    parser(std::span<const token> t, const symbol_lookup& lookup, source_loc at, int end_col)
        : t_(t), lookup_(lookup), at_(at), end_col_(end_col) {}

    expr_value run() {
        expr_value v = binary(0);
        if (i_ < t_.size()) fail_at(t_[i_], "unexpected token in expression");
        return v;
    }

private:
    [[noreturn]] void fail_at(const token& t, const std::string& message) {
        source_loc loc = at_;
        loc.col = t.col;
        throw_at(loc, message, t.text);
    }

    [[noreturn]] void fail_col(int col, const std::string& message, std::string spelling) {
        throw_at({at_.file, at_.line, col}, message, std::move(spelling));
    }

    const token* peek() const { return i_ < t_.size() ? &t_[i_] : nullptr; }

    // Binding power of a binary operator, 0 if `t` is not one.
    static int precedence(const token& t) {
        if (t.kind != tok::punct) return 0;
        const std::string& s = t.text;
        if (s == "|") return 1;
        if (s == "^") return 2;
        if (s == "&") return 3;
        if (s == "<<" || s == ">>") return 4;
        if (s == "+" || s == "-") return 5;
        if (s == "*" || s == "/" || s == "%") return 6;
        return 0;
    }

    expr_value binary(int min_prec) {
        expr_value lhs = unary();
        while (const token* op = peek()) {
            int prec = precedence(*op);
            if (prec == 0 || prec <= min_prec) break;
            ++i_;
            expr_value rhs = binary(prec);
            lhs = apply(*op, lhs, rhs);
        }
        return lhs;
    }

    expr_value apply(const token& op, expr_value a, expr_value b) {
        expr_value r;
        r.known = a.known && b.known;
        if (!r.known) return r;
        uint64_t x = uint64_t(a.value), y = uint64_t(b.value);
        const std::string& s = op.text;
        if (s == "+") r.value = int64_t(x + y);
        else if (s == "-") r.value = int64_t(x - y);
        else if (s == "*") r.value = int64_t(x * y);
        else if (s == "&") r.value = int64_t(x & y);
        else if (s == "|") r.value = int64_t(x | y);
        else if (s == "^") r.value = int64_t(x ^ y);
        else if (s == "/" || s == "%") {
            if (b.value == 0) fail_at(op, "division by zero");
            if (a.value == INT64_MIN && b.value == -1) r.value = s == "/" ? INT64_MIN : 0;
            else r.value = s == "/" ? a.value / b.value : a.value % b.value;
        } else {  // << >>: arithmetic shift right, counts 0..63
            if (b.value < 0 || b.value > 63) fail_at(op, fmt::format("shift count {} out of range 0..63", b.value));
            r.value = s == "<<" ? int64_t(x << b.value) : (a.value >> b.value);
        }
        return r;
    }

    // Nesting is bounded so that hostile input cannot exhaust the stack.
    struct depth_guard {
        parser& p;
        explicit depth_guard(parser& owner, const token& t) : p(owner) {
            if (++p.depth_ > max_depth) p.fail_at(t, "expression nested too deeply");
        }
        ~depth_guard() { --p.depth_; }
    };
    static constexpr int max_depth = 200;

    expr_value unary() {
        const token* t = peek();
        if (!t) {
            if (i_ > 0) fail_col(t_[i_ - 1].col, "expected an expression after", t_[i_ - 1].text);
            fail_col(end_col_, "expected an expression", "");
        }
        depth_guard guard(*this, *t);
        if (t->kind == tok::punct && (t->text == "-" || t->text == "+" || t->text == "~" || t->text == "!")) {
            ++i_;
            expr_value v = unary();
            if (t->text == "-") v.value = int64_t(0 - uint64_t(v.value));
            else if (t->text == "~") v.value = ~v.value;
            else if (t->text == "!") v.value = v.value == 0;
            return v;
        }
        return primary();
    }

    expr_value primary() {
        const token& t = t_[i_];
        switch (t.kind) {
            case tok::integer: ++i_; return {t.value, true};
            case tok::ident:
            case tok::local_ref: ++i_; return lookup_(t);
            case tok::punct:
                if (t.text == "(") {
                    ++i_;
                    expr_value v = binary(0);
                    const token* close = peek();
                    if (!close || !close->is_punct(")")) {
                        if (!close) fail_col(t.col, "missing ')'", t.text);
                        fail_at(*close, "expected ')'");
                    }
                    ++i_;
                    return v;
                }
                break;
            case tok::floating: fail_at(t, "floating-point number where an integer was expected");
            case tok::string: fail_at(t, "string where an expression was expected");
            default: break;
        }
        fail_at(t, "unexpected token in expression");
    }

    std::span<const token> t_;
    const symbol_lookup& lookup_;
    source_loc at_;
    int end_col_;
    size_t i_ = 0;
    int depth_ = 0;
};

}  // namespace

expr_value eval_expr(std::span<const token> tokens, const symbol_lookup& lookup, source_loc at, int end_col) {
    return parser(tokens, lookup, at, end_col).run();
}

}  // namespace smol::assembler
