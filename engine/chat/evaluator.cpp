#include "engine/chat/evaluator.h"

#include "engine/chat/builtins.h"
#include "engine/chat/js_text.h"
#include "engine/chat/source_location.h"

#include <algorithm>
#include <optional>

namespace smol::chat_detail {

value scope::lookup(const std::string& name) const {
    for (const scope* s = this; s; s = s->parent_)
        if (auto it = s->vars_.find(name); it != s->vars_.end()) return it->second;
    return {};
}

namespace {

class evaluator {
public:
    explicit evaluator(std::string_view source) : source_(source) {}

    std::string exec_block(const stmt_list& body, scope& env) {
        std::string out;
        for (const auto& s : body) {
            exec(*s, env, out);
            if (out.size() > value::max_string_bytes)
                fail_at(source_, s->offset, "rendered text is longer than the limit of {} bytes", value::max_string_bytes);
        }
        return out;
    }

    // Total work of one render: every statement and expression evaluated counts one step, so nested loops
    // (`range(100000)` inside `range(100000)`) stop at the budget instead of running for hours.
    static constexpr std::int64_t max_steps = 2'000'000;  // a 1000-message conversation takes ~50k

private:
    std::string_view source_;
    std::int64_t steps_ = 0;

    void count_step(std::size_t offset) {
        if (++steps_ > max_steps)
            fail_at(source_, offset, "the template takes more than {} evaluation steps; refusing to render it", max_steps);
    }

    // Errors thrown without a place (from values and builtins) get the position of the innermost node.
    template <typename F>
    auto located(std::size_t offset, F&& f) -> decltype(f()) {
        try {
            return f();
        } catch (const located_error&) {
            throw;
        } catch (const error& e) {
            throw located_error(describe_location(source_, offset) + ": " + e.what());
        }
    }

    void exec(const stmt& s, scope& env, std::string& out) {
        count_step(s.offset);
        switch (s.kind) {
        case stmt_kind::text: out += s.text; return;
        case stmt_kind::output: {
            const value v = eval(*s.value, env);
            out += located(s.value->offset, [&] { return to_output(v); });
            return;
        }
        case stmt_kind::if_: {
            const bool taken = truthy(eval(*s.value, env));
            out += exec_block(taken ? s.body : s.alternate, env);
            return;
        }
        case stmt_kind::for_: out += exec_for(s, env); return;
        case stmt_kind::set: {
            value v = s.value ? eval(*s.value, env) : value::make_string(exec_block(s.body, env));
            located(s.offset, [&] { assign(*s.target, std::move(v), env); });
            return;
        }
        }
    }

    void assign(const expr& target, value v, scope& env) {
        if (target.kind == expr_kind::identifier) return env.set(target.text, std::move(v));
        if (target.kind == expr_kind::tuple_literal) {
            if (!v.is(value_kind::array)) fail("cannot unpack non-iterable type in set: {}", type_name(v.kind));
            if (v.array->size() != target.args.size())
                fail("too {} items to unpack in set", target.args.size() > v.array->size() ? "few" : "many");
            for (std::size_t i = 0; i < target.args.size(); ++i) {
                if (target.args[i]->kind != expr_kind::identifier) fail("cannot unpack to a non-name in set");
                env.set(target.args[i]->text, (*v.array)[i]);
            }
            return;
        }
        if (target.kind == expr_kind::member) fail("unsupported assignment to an attribute (namespace)");
        fail("invalid target of set");
    }

    void bind_loop_target(const expr& target, const value& item, scope& env) {
        if (target.kind == expr_kind::identifier) return env.set(target.text, item);
        if (!item.is(value_kind::array) || item.tuple) fail("cannot unpack non-iterable type: {}", type_name(item.kind));
        if (item.array->size() != target.args.size())
            fail("too {} items to unpack", target.args.size() > item.array->size() ? "few" : "many");
        for (std::size_t i = 0; i < target.args.size(); ++i) {
            if (target.args[i]->kind != expr_kind::identifier) fail("cannot unpack to a non-name");
            env.set(target.args[i]->text, (*item.array)[i]);
        }
    }

    std::string exec_for(const stmt& s, scope& env) {
        scope loop_scope(&env);
        // `for x in xs if cond` filters before counting, so loop.length/last see only the kept items.
        const bool filtered = s.value->kind == expr_kind::select;
        value iterable = eval(filtered ? *s.value->lhs : *s.value, loop_scope);
        if (iterable.is(value_kind::object)) iterable = member_builtin(iterable, "keys").function->call({});
        if (!iterable.is(value_kind::array))
            fail_at(source_, s.value->offset, "expected a list or dict in for loop, got {}", type_name(iterable.kind));
        value_list items;
        for (const value& item : *iterable.array) {
            count_step(s.offset);
            if (filtered) {
                scope test_scope(&loop_scope);
                located(s.target->offset, [&] { bind_loop_target(*s.target, item, test_scope); });
                if (!truthy(eval(*s.value->rhs, test_scope))) continue;
            }
            items.push_back(item);
        }
        std::string out;
        const auto n = static_cast<std::int64_t>(items.size());
        for (std::int64_t i = 0; i < n; ++i) {
            count_step(s.offset);
            const auto at = [&](std::int64_t j) { return j >= 0 && j < n ? items[j] : value{}; };
            loop_scope.set("loop", value::make_object({
                                       {"index", value::make_int(i + 1)},
                                       {"index0", value::make_int(i)},
                                       {"revindex", value::make_int(n - i)},
                                       {"revindex0", value::make_int(n - i - 1)},
                                       {"first", value::make_bool(i == 0)},
                                       {"last", value::make_bool(i == n - 1)},
                                       {"length", value::make_int(n)},
                                       {"previtem", at(i - 1)},
                                       {"nextitem", at(i + 1)},
                                   }));
            located(s.target->offset, [&] { bind_loop_target(*s.target, items[i], loop_scope); });
            out += exec_block(s.body, loop_scope);
            if (out.size() > value::max_string_bytes)
                fail_at(source_, s.offset, "rendered text is longer than the limit of {} bytes", value::max_string_bytes);
        }
        if (items.empty()) out += exec_block(s.alternate, loop_scope);
        return out;
    }

    value eval(const expr& e, scope& env) {
        count_step(e.offset);
        switch (e.kind) {
        case expr_kind::string_literal: return value::make_string(e.text);
        case expr_kind::integer_literal: return value::make_int(e.integer);
        case expr_kind::identifier: return env.lookup(e.text);
        case expr_kind::array_literal:
        case expr_kind::tuple_literal: {
            value_list items;
            for (const auto& a : e.args) items.push_back(eval(*a, env));
            return value::make_array(std::move(items), e.kind == expr_kind::tuple_literal);
        }
        case expr_kind::object_literal: {
            object_entries entries;
            for (std::size_t i = 0; i < e.args.size(); i += 2) {
                value key = eval(*e.args[i], env);
                if (!key.is(value_kind::string))
                    fail_at(source_, e.args[i]->offset, "object keys must be strings: got {}", type_name(key.kind));
                value v = eval(*e.args[i + 1], env);
                auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& p) { return p.first == key.string; });
                if (it != entries.end()) it->second = std::move(v);
                else entries.emplace_back(std::move(key.string), std::move(v));
            }
            return value::make_object(std::move(entries));
        }
        case expr_kind::member: return eval_member(e, env);
        case expr_kind::slice: fail_at(source_, e.offset, "a slice is only allowed inside []");
        case expr_kind::call: return eval_call(e, env);
        case expr_kind::filter: {
            const value operand = eval(*e.lhs, env);
            if (!e.has_call) return located(e.offset, [&] { return apply_filter(operand, e.text, nullptr); });
            const call_arguments args = eval_arguments(e, env);
            return located(e.offset, [&] { return apply_filter(operand, e.text, &args); });
        }
        case expr_kind::test: {
            const value operand = eval(*e.lhs, env);
            return value::make_bool(located(e.offset, [&] { return apply_test(operand, e.text); }) != e.negate);
        }
        case expr_kind::unary: return eval_unary(e, env);
        case expr_kind::binary: return eval_binary(e, env);
        case expr_kind::ternary:
            return truthy(eval(*e.args[0], env)) ? eval(*e.args[1], env) : eval(*e.args[2], env);
        case expr_kind::select: return truthy(eval(*e.rhs, env)) ? eval(*e.lhs, env) : value{};
        }
        return {};
    }

    call_arguments eval_arguments(const expr& e, scope& env) {
        call_arguments args;
        for (std::size_t i = 0; i < e.args.size(); ++i)
            if (e.keywords[i].empty()) args.positional.push_back(eval(*e.args[i], env));
        for (std::size_t i = 0; i < e.args.size(); ++i) {
            if (e.keywords[i].empty()) continue;
            for (const auto& [k, v] : args.keyword)
                if (k == e.keywords[i]) fail_at(source_, e.args[i]->offset, "got multiple values for keyword argument '{}'", k);
            args.keyword.emplace_back(e.keywords[i], eval(*e.args[i], env));
        }
        return args;
    }

    value eval_call(const expr& e, scope& env) {
        const call_arguments args = eval_arguments(e, env);
        const value callee = eval(*e.lhs, env);
        if (!callee.is(value_kind::function))
            fail_at(source_, e.offset, "cannot call something that is not a function: got {}", type_name(callee.kind));
        return located(e.offset, [&] { return callee.function->call(args); });
    }

    value eval_member(const expr& e, scope& env) {
        const value object = eval(*e.lhs, env);
        if (e.computed && e.rhs->kind == expr_kind::slice) return eval_slice(object, *e.rhs, env);
        value property;
        if (e.computed) property = eval(*e.rhs, env);
        else if (e.rhs->kind == expr_kind::integer_literal) property = value::make_int(e.rhs->integer);
        else property = value::make_string(e.rhs->text);
        return located(e.offset, [&] { return member(object, property); });
    }

    static value member(const value& object, const value& property) {
        if (object.is(value_kind::object)) {
            if (!property.is(value_kind::string))
                fail("cannot access property with non-string: got {}", type_name(property.kind));
            if (const value* found = object.find(property.string)) return *found;
            return member_builtin(object, property.string);
        }
        if (object.is(value_kind::array) || object.is(value_kind::string)) {
            if (property.is(value_kind::integer)) {
                if (object.is(value_kind::string)) {
                    auto ch = utf16_at(object.string, property.integer);
                    return ch ? value::make_string(*ch) : value{};
                }
                const auto n = static_cast<std::int64_t>(object.array->size());
                const std::int64_t i = property.integer < 0 ? property.integer + n : property.integer;
                return i >= 0 && i < n ? (*object.array)[i] : value{};
            }
            if (property.is(value_kind::string)) return member_builtin(object, property.string);
            fail("cannot access property with non-string/non-number: got {}", type_name(property.kind));
        }
        if (!property.is(value_kind::string))
            fail("cannot access property with non-string: got {}", type_name(property.kind));
        return {};  // undefined, none, numbers, booleans and functions have no members
    }

    // Python-style slicing with the reference's bounds rules (note: an explicit negative-step stop of -1
    // means "before the start", as in the reference, not "the last item").
    value eval_slice(const value& object, const expr& s, scope& env) {
        if (!object.is(value_kind::array) && !object.is(value_kind::string))
            fail_at(source_, s.offset, "slice object must be an array or string");
        std::optional<std::int64_t> part[3];
        for (int i = 0; i < 3; ++i) {
            if (!s.args[i]) continue;
            const value v = eval(*s.args[i], env);
            if (v.is(value_kind::integer)) part[i] = v.integer;
            else if (!v.is(value_kind::undefined)) fail_at(source_, s.args[i]->offset, "slice bounds must be integers");
        }
        value_list source_items;
        if (object.is(value_kind::array)) source_items = *object.array;
        else
            for (auto& ch : code_points(object.string)) source_items.push_back(value::make_string(ch));
        const auto len = static_cast<std::int64_t>(source_items.size());
        const std::int64_t step = part[2].value_or(1);
        const std::int64_t dir = step > 0 ? 1 : step < 0 ? -1 : 0;
        std::int64_t start, stop;
        if (dir >= 0) {
            start = part[0].value_or(0);
            start = start < 0 ? std::max<std::int64_t>(len + start, 0) : std::min(start, len);
            stop = part[1].value_or(len);
            stop = stop < 0 ? std::max<std::int64_t>(len + stop, 0) : std::min(stop, len);
        } else {
            start = part[0].value_or(len - 1);
            start = start < 0 ? std::max<std::int64_t>(len + start, -1) : std::min(start, len - 1);
            stop = part[1].value_or(-1);
            stop = stop < -1 ? std::max<std::int64_t>(len + stop, -1) : std::min(stop, len - 1);
        }
        value_list out;
        for (std::int64_t i = start; dir * i < dir * stop; i += step) out.push_back(source_items[i]);
        if (object.is(value_kind::array)) return value::make_array(std::move(out));
        std::string text;
        for (const auto& ch : out) text += ch.string;
        return value::make_string(std::move(text));
    }

    value eval_unary(const expr& e, scope& env) {
        const value v = eval(*e.lhs, env);
        if (e.text == "not") return value::make_bool(!truthy(v));
        const std::int64_t sign = e.text == "-" ? -1 : 1;
        if (v.is(value_kind::integer)) return value::make_int(sign * v.integer);
        if (v.is(value_kind::boolean)) return value::make_int(sign * (v.boolean ? 1 : 0));
        fail_at(source_, e.offset, "unknown operator '{}' for {}", e.text, type_name(v.kind));
    }

    value eval_binary(const expr& e, scope& env) {
        const value left = eval(*e.lhs, env);
        if (e.text == "and") return truthy(left) ? eval(*e.rhs, env) : left;
        if (e.text == "or") return truthy(left) ? left : eval(*e.rhs, env);
        const value right = eval(*e.rhs, env);
        return located(e.offset, [&] { return binary(e.text, left, right); });
    }

    // The reference's evaluateBinaryExpression, branch for branch: checks happen in its order, so the same
    // combinations succeed and the same ones fail.
    static value binary(const std::string& op, const value& left, const value& right) {
        if (op == "==") return value::make_bool(loose_equal(left, right));
        if (op == "!=") return value::make_bool(!loose_equal(left, right));
        const bool membership = op == "in" || op == "not in";
        if (left.is(value_kind::undefined) || right.is(value_kind::undefined)) {
            if (right.is(value_kind::undefined) && membership) return value::make_bool(op == "not in");
            fail("cannot perform operation {} on undefined values", op);
        }
        if (left.is(value_kind::none) || right.is(value_kind::none)) fail("cannot perform operation {} on none", op);
        if (op == "~") return value::make_string(js_to_string(left, op) + js_to_string(right, op));
        if (left.is(value_kind::integer) && right.is(value_kind::integer)) {
            const std::int64_t a = left.integer, b = right.integer;
            if (op == "+") return value::make_int(a + b);
            if (op == "-") return value::make_int(a - b);
            if (op == "*") {
                std::int64_t product = 0;
                if (__builtin_mul_overflow(a, b, &product)) fail("integer overflow in '*'");
                return value::make_int(product);  // make_int refuses results past 2^53
            }
            if (op == "/") fail("unsupported operator '/' (its result is a float)");
            if (op == "//" || op == "%") {
                if (b == 0) fail("unsupported integer division or modulo by zero (JS yields Infinity/NaN)");
                if (op == "%") return value::make_int(a % b);  // JS remainder takes the dividend's sign, as C++
                std::int64_t q = a / b;
                if ((a % b != 0) && ((a < 0) != (b < 0))) --q;  // Math.floor
                return value::make_int(q);
            }
            if (op == "<") return value::make_bool(a < b);
            if (op == ">") return value::make_bool(a > b);
            if (op == "<=") return value::make_bool(a <= b);
            if (op == ">=") return value::make_bool(a >= b);
        } else if (left.is(value_kind::array) && right.is(value_kind::array)) {
            if (op == "+") {
                value_list joined = *left.array;
                joined.insert(joined.end(), right.array->begin(), right.array->end());
                return value::make_array(std::move(joined));
            }
        } else if (right.is(value_kind::array)) {
            if (membership) {
                const bool found = std::any_of(right.array->begin(), right.array->end(),
                                               [&](const value& x) { return strict_equal(x, left); });
                return value::make_bool(found == (op == "in"));
            }
        }
        if ((left.is(value_kind::string) || right.is(value_kind::string)) && op == "+")
            return value::make_string(js_to_string(left, op) + js_to_string(right, op));
        if (left.is(value_kind::string) && right.is(value_kind::string) && membership)
            return value::make_bool((right.string.find(left.string) != std::string::npos) == (op == "in"));
        if (left.is(value_kind::string) && right.is(value_kind::object) && membership)
            return value::make_bool((right.find(left.string) != nullptr) == (op == "in"));
        fail("unknown operator '{}' between {} and {}", op, type_name(left.kind), type_name(right.kind));
    }
};

}  // namespace

std::string render_program(std::string_view source, const stmt_list& program, scope& globals) {
    return evaluator(source).exec_block(program, globals);
}

}  // namespace smol::chat_detail
