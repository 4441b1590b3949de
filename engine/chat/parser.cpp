#include "engine/chat/parser.h"

#include "engine/chat/source_location.h"

#include <charconv>
#include <initializer_list>

namespace smol::chat_detail {
namespace {

// Recursive descent mirroring @huggingface/jinja's parser function by function (parseIfExpression,
// parseLogicalOrExpression, ...), so precedence, associativity and its few quirks are the same.
class parser {
public:
    parser(std::string_view source, const std::vector<token>& tokens) : source_(source), tokens_(tokens) {}

    stmt_list run() {
        stmt_list program;
        while (cur_ < tokens_.size())
            if (auto s = parse_any()) program.push_back(std::move(s));
        return program;
    }

private:
    std::string_view source_;
    const std::vector<token>& tokens_;
    std::size_t cur_ = 0;
    int depth_ = 0;

    // Templates come from downloaded files: bound the recursion so hostile nesting fails cleanly instead of
    // overflowing the stack.
    struct nesting {
        parser& p;
        explicit nesting(parser& owner) : p(owner) {
            if (++p.depth_ > 200) p.fail_here("unsupported nesting deeper than 200 levels");
        }
        ~nesting() { --p.depth_; }
        nesting(const nesting&) = delete;
        nesting& operator=(const nesting&) = delete;
    };

    std::size_t here() const { return cur_ < tokens_.size() ? tokens_[cur_].offset : source_.size(); }
    template <typename... Args>
    [[noreturn]] void fail_here(fmt::format_string<Args...> format, Args&&... args) const {
        fail_at(source_, here(), format, std::forward<Args>(args)...);
    }
    const token& peek() const {
        if (cur_ >= tokens_.size()) fail_here("unexpected end of template");
        return tokens_[cur_];
    }
    bool is(token_kind kind, std::size_t ahead = 0) const {
        return cur_ + ahead < tokens_.size() && tokens_[cur_ + ahead].kind == kind;
    }
    bool is_identifier(std::string_view name, std::size_t ahead = 0) const {
        return is(token_kind::identifier, ahead) && tokens_[cur_ + ahead].value == name;
    }
    bool is_statement(std::initializer_list<std::string_view> names) const {
        if (!is(token_kind::open_statement) || !is(token_kind::identifier, 1)) return false;
        for (auto name : names)
            if (tokens_[cur_ + 1].value == name) return true;
        return false;
    }
    const token& expect(token_kind kind, std::string_view what) {
        if (!is(kind)) fail_here("expected {}", what);
        return tokens_[cur_++];
    }
    void expect_end_tag(std::string_view name) {
        if (cur_ >= tokens_.size()) fail_here("missing {{% {} %}}", name);
        expect(token_kind::open_statement, "'{%'");
        if (!is_identifier(name)) fail_here("expected '{}'", name);
        ++cur_;
        expect(token_kind::close_statement, "'%}'");
    }
    // Parses statements until one of `names` opens; running out of tokens means the block never closed.
    stmt_list parse_until(std::initializer_list<std::string_view> names, std::string_view closer) {
        stmt_list body;
        while (!is_statement(names)) {
            if (cur_ >= tokens_.size()) fail_here("missing {{% {} %}}", closer);
            if (auto s = parse_any()) body.push_back(std::move(s));
        }
        return body;
    }

    static expr_ptr make(expr_kind kind, std::size_t offset) {
        auto e = std::make_unique<expr>();
        e->kind = kind;
        e->offset = offset;
        return e;
    }
    static std::unique_ptr<stmt> make_stmt(stmt_kind kind, std::size_t offset) {
        auto s = std::make_unique<stmt>();
        s->kind = kind;
        s->offset = offset;
        return s;
    }

    std::unique_ptr<stmt> parse_any() {
        const token& t = peek();
        switch (t.kind) {
        case token_kind::comment: ++cur_; return nullptr;
        case token_kind::text: {
            auto s = make_stmt(stmt_kind::text, t.offset);
            s->text = t.value;
            ++cur_;
            return s;
        }
        case token_kind::open_statement: return parse_statement();
        case token_kind::open_expression: {
            auto s = make_stmt(stmt_kind::output, t.offset);
            ++cur_;
            s->value = parse_expression();
            expect(token_kind::close_expression, "'}}'");
            return s;
        }
        default: fail_here("unexpected '{}'", t.value);
        }
    }

    std::unique_ptr<stmt> parse_statement() {
        const nesting guard(*this);
        ++cur_;  // {%
        if (!is(token_kind::identifier)) fail_here("expected a tag name");
        const token& name = tokens_[cur_];
        if (name.value == "set") {
            ++cur_;
            return parse_set(name.offset);
        }
        if (name.value == "if") {
            ++cur_;
            auto s = parse_if(name.offset);
            expect_end_tag("endif");
            return s;
        }
        if (name.value == "for") {
            ++cur_;
            auto s = parse_for(name.offset);
            expect_end_tag("endfor");
            return s;
        }
        for (auto known : {"macro", "call", "filter", "break", "continue", "generation", "endgeneration"})
            if (name.value == known) fail_here("unsupported tag '{}'", name.value);
        fail_here("unknown tag '{}'", name.value);
    }

    std::unique_ptr<stmt> parse_set(std::size_t offset) {
        auto s = make_stmt(stmt_kind::set, offset);
        s->target = parse_expression_sequence(false);
        if (is(token_kind::equals)) {
            ++cur_;
            s->value = parse_expression_sequence(false);
        } else {
            expect(token_kind::close_statement, "'%}' or '='");
            s->body = parse_until({"endset"}, "endset");
            ++cur_;
            ++cur_;  // {% endset
        }
        expect(token_kind::close_statement, "'%}'");
        return s;
    }

    std::unique_ptr<stmt> parse_if(std::size_t offset) {
        auto s = make_stmt(stmt_kind::if_, offset);
        s->value = parse_expression();
        expect(token_kind::close_statement, "'%}'");
        s->body = parse_until({"elif", "else", "endif"}, "endif");
        if (is_statement({"elif"})) {
            const std::size_t elif_offset = tokens_[cur_ + 1].offset;
            cur_ += 2;
            s->alternate.push_back(parse_if(elif_offset));
        } else if (is_statement({"else"})) {
            cur_ += 2;
            expect(token_kind::close_statement, "'%}'");
            s->alternate = parse_until({"endif"}, "endif");
        }
        return s;
    }

    std::unique_ptr<stmt> parse_for(std::size_t offset) {
        auto s = make_stmt(stmt_kind::for_, offset);
        s->target = parse_expression_sequence(true);
        if (s->target->kind != expr_kind::identifier && s->target->kind != expr_kind::tuple_literal)
            fail_at(source_, s->target->offset, "expected a name or names for the loop variable");
        if (!is_identifier("in")) fail_here("expected 'in' after the loop variable");
        ++cur_;
        s->value = parse_expression();
        expect(token_kind::close_statement, "'%}'");
        s->body = parse_until({"endfor", "else"}, "endfor");
        if (is_statement({"else"})) {
            cur_ += 2;
            expect(token_kind::close_statement, "'%}'");
            s->alternate = parse_until({"endfor"}, "endfor");
        }
        return s;
    }

    expr_ptr parse_expression_sequence(bool primary) {
        const std::size_t offset = here();
        auto first = primary ? parse_primary() : parse_expression();
        if (!is(token_kind::comma)) return first;
        auto tuple = make(expr_kind::tuple_literal, offset);
        tuple->args.push_back(std::move(first));
        while (is(token_kind::comma)) {
            ++cur_;
            tuple->args.push_back(primary ? parse_primary() : parse_expression());
        }
        return tuple;
    }

    expr_ptr parse_expression() {
        const nesting guard(*this);
        return parse_if_expression();
    }

    expr_ptr parse_if_expression() {
        auto a = parse_or();
        if (!is_identifier("if")) return a;
        const std::size_t offset = here();
        ++cur_;
        auto test = parse_or();
        if (is_identifier("else")) {
            ++cur_;
            auto e = make(expr_kind::ternary, offset);
            e->args.push_back(std::move(test));
            e->args.push_back(std::move(a));
            e->args.push_back(parse_if_expression());
            return e;
        }
        auto e = make(expr_kind::select, offset);
        e->lhs = std::move(a);
        e->rhs = std::move(test);
        return e;
    }

    expr_ptr binary(const token& op, std::string text, expr_ptr left, expr_ptr right) {
        auto e = make(expr_kind::binary, op.offset);
        e->text = std::move(text);
        e->lhs = std::move(left);
        e->rhs = std::move(right);
        return e;
    }

    expr_ptr parse_or() {
        auto left = parse_and();
        while (is_identifier("or")) {
            const token& op = tokens_[cur_++];
            left = binary(op, "or", std::move(left), parse_and());
        }
        return left;
    }

    expr_ptr parse_and() {
        auto left = parse_not();
        while (is_identifier("and")) {
            const token& op = tokens_[cur_++];
            left = binary(op, "and", std::move(left), parse_not());
        }
        return left;
    }

    expr_ptr parse_not() {
        if (!is_identifier("not")) return parse_comparison();
        const nesting guard(*this);
        auto e = make(expr_kind::unary, here());
        ++cur_;
        e->text = "not";
        e->lhs = parse_not();
        return e;
    }

    expr_ptr parse_comparison() {
        auto left = parse_additive();
        while (true) {
            const token& op = peek_or_end();
            std::string text;
            if (is_identifier("not") && is_identifier("in", 1)) {
                text = "not in";
                cur_ += 2;
            } else if (is_identifier("in") || is(token_kind::comparison)) {
                text = op.value;
                ++cur_;
            } else {
                return left;
            }
            left = binary(op, text, std::move(left), parse_additive());
        }
    }
    const token& peek_or_end() const {
        static const token end{token_kind::text, "", 0};
        return cur_ < tokens_.size() ? tokens_[cur_] : end;
    }

    expr_ptr parse_additive() {
        auto left = parse_multiplicative();
        while (is(token_kind::additive)) {
            const token& op = tokens_[cur_++];
            left = binary(op, op.value, std::move(left), parse_multiplicative());
        }
        return left;
    }

    expr_ptr parse_multiplicative() {
        auto left = parse_power();
        while (is(token_kind::multiplicative)) {
            const token& op = tokens_[cur_++];
            left = binary(op, op.value, std::move(left), parse_power());
        }
        return left;
    }

    expr_ptr parse_power() {
        auto left = parse_test();
        if (is(token_kind::power)) fail_here("unsupported operator '**'");
        return left;
    }

    expr_ptr parse_test() {
        auto operand = parse_filter();
        while (is_identifier("is")) {
            auto e = make(expr_kind::test, here());
            ++cur_;
            e->negate = is_identifier("not");
            if (e->negate) ++cur_;
            if (!is(token_kind::identifier)) fail_here("expected a test name after 'is'");
            e->text = tokens_[cur_++].value;
            if (is(token_kind::open_paren)) fail_here("unsupported test with arguments '{}'", e->text);
            e->lhs = std::move(operand);
            operand = std::move(e);
        }
        return operand;
    }

    expr_ptr parse_filter() {
        auto operand = parse_unary_sign();
        while (is(token_kind::pipe)) {
            ++cur_;
            auto e = make(expr_kind::filter, here());
            if (!is(token_kind::identifier)) fail_here("expected a filter name after '|'");
            e->text = tokens_[cur_++].value;
            if (is(token_kind::open_paren)) {
                e->has_call = true;
                parse_arguments(*e);
                if (is(token_kind::dot) || is(token_kind::open_square) || is(token_kind::open_paren))
                    fail_here("unsupported expression after filter '{}'", e->text);
            }
            e->lhs = std::move(operand);
            operand = std::move(e);
        }
        return operand;
    }

    expr_ptr parse_unary_sign() {
        if ((is(token_kind::unary) || is(token_kind::additive)) && (peek().value == "-" || peek().value == "+")) {
            const nesting guard(*this);
            auto e = make(expr_kind::unary, here());
            e->text = tokens_[cur_++].value;
            e->lhs = parse_unary_sign();
            return e;
        }
        auto member = parse_member(parse_primary());
        if (is(token_kind::open_paren)) return parse_call(std::move(member));
        return member;
    }

    expr_ptr parse_call(expr_ptr callee) {
        const nesting guard(*this);
        auto call = make(expr_kind::call, here());
        call->lhs = std::move(callee);
        parse_arguments(*call);
        auto result = parse_member(std::move(call));
        if (is(token_kind::open_paren)) return parse_call(std::move(result));
        return result;
    }

    void parse_arguments(expr& target) {
        expect(token_kind::open_paren, "'('");
        bool saw_keyword = false;
        while (!is(token_kind::close_paren)) {
            if (is(token_kind::power) || (is(token_kind::multiplicative) && peek().value == "*"))
                fail_here("unsupported argument unpacking");
            auto argument = parse_expression();
            std::string keyword;
            if (is(token_kind::equals)) {
                ++cur_;
                if (argument->kind != expr_kind::identifier)
                    fail_at(source_, argument->offset, "expected a name for the keyword argument");
                keyword = argument->text;
                argument = parse_expression();
                saw_keyword = true;
            } else if (saw_keyword) {
                fail_at(source_, argument->offset, "positional argument after keyword argument");
            }
            target.args.push_back(std::move(argument));
            target.keywords.push_back(std::move(keyword));
            if (is(token_kind::comma)) ++cur_;
        }
        ++cur_;  // )
    }

    expr_ptr parse_subscript() {
        const std::size_t offset = here();
        std::vector<expr_ptr> parts;
        bool is_slice = false;
        while (!is(token_kind::close_square)) {
            if (is(token_kind::colon)) {
                parts.push_back(nullptr);
                ++cur_;
                is_slice = true;
            } else {
                parts.push_back(parse_expression());
                if (is(token_kind::colon)) {
                    ++cur_;
                    is_slice = true;
                }
            }
        }
        if (parts.empty()) fail_here("expected an index or slice");
        if (!is_slice) return std::move(parts[0]);
        if (parts.size() > 3) fail_at(source_, offset, "a slice takes at most 3 parts");
        auto e = make(expr_kind::slice, offset);
        parts.resize(3);
        e->args = std::move(parts);
        return e;
    }

    expr_ptr parse_member(expr_ptr object) {
        while (is(token_kind::dot) || is(token_kind::open_square)) {
            auto e = make(expr_kind::member, here());
            e->computed = is(token_kind::open_square);
            ++cur_;
            if (e->computed) {
                e->rhs = parse_subscript();
                expect(token_kind::close_square, "']'");
            } else {
                e->rhs = parse_primary();
                if (e->rhs->kind != expr_kind::identifier && e->rhs->kind != expr_kind::integer_literal)
                    fail_at(source_, e->rhs->offset, "expected a name or integer after '.'");
            }
            e->lhs = std::move(object);
            object = std::move(e);
        }
        return object;
    }

    expr_ptr parse_primary() {
        const token& t = peek();
        ++cur_;
        switch (t.kind) {
        case token_kind::number: return integer_literal(t);
        case token_kind::string: {
            auto e = make(expr_kind::string_literal, t.offset);
            e->text = t.value;
            while (is(token_kind::string)) e->text += tokens_[cur_++].value;  // "a" "b" is "ab"
            return e;
        }
        case token_kind::identifier: {
            auto e = make(expr_kind::identifier, t.offset);
            e->text = t.value;
            return e;
        }
        case token_kind::open_paren: {
            auto e = parse_expression_sequence(false);
            expect(token_kind::close_paren, "')'");
            return e;
        }
        case token_kind::open_square: {
            auto e = make(expr_kind::array_literal, t.offset);
            while (!is(token_kind::close_square)) {
                e->args.push_back(parse_expression());
                if (is(token_kind::comma)) ++cur_;
            }
            ++cur_;
            return e;
        }
        case token_kind::open_curly: {
            auto e = make(expr_kind::object_literal, t.offset);
            while (!is(token_kind::close_curly)) {
                e->args.push_back(parse_expression());
                expect(token_kind::colon, "':' in dict literal");
                e->args.push_back(parse_expression());
                if (is(token_kind::comma)) ++cur_;
            }
            ++cur_;
            return e;
        }
        default: fail_at(source_, t.offset, "unexpected '{}'", t.value);
        }
    }

    // JS numbers are doubles: integers are exact only up to 2^53, so larger literals are refused.
    expr_ptr integer_literal(const token& t) {
        if (t.value.find('.') != std::string::npos) fail_at(source_, t.offset, "unsupported float literal '{}'", t.value);
        std::string_view digits = t.value;
        const bool negative = !digits.empty() && digits[0] == '-';
        if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
        std::int64_t v = 0;
        const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (ec != std::errc() || ptr != digits.data() + digits.size() || v > (std::int64_t{1} << 53))
            fail_at(source_, t.offset, "unsupported integer literal '{}'", t.value);
        auto e = make(expr_kind::integer_literal, t.offset);
        e->integer = negative ? -v : v;
        return e;
    }
};

}  // namespace

stmt_list parse_template(std::string_view source, const std::vector<token>& tokens) {
    return parser(source, tokens).run();
}

}  // namespace smol::chat_detail
