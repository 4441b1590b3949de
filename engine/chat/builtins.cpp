#include "engine/chat/builtins.h"

#include "common/error.h"
#include "engine/chat/js_text.h"

#include <algorithm>
#include <cctype>

namespace smol::chat_detail {
namespace {

// JS toUpperCase/toLowerCase are Unicode-aware; we only model them on ASCII text.
std::string ascii_case(const std::string& s, bool upper, std::string_view what) {
    if (!is_ascii(s)) fail("'{}' of non-ASCII text is unsupported", what);
    std::string out = s;
    for (char& c : out) c = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
    return out;
}

void expect_no_keywords(const call_arguments& args, std::string_view what) {
    if (!args.keyword.empty()) fail("keyword arguments to '{}' are unsupported", what);
}

value unsupported_function(const std::string& name) {
    return value::make_function(name, [name](const call_arguments&) -> value { fail("unsupported function '{}'", name); });
}

// Array.prototype.join over RuntimeValue.value: none/undefined become "", composites have no faithful form.
std::string join_values(const value_list& items, const std::string& separator) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += separator;
        if (!items[i].is(value_kind::undefined) && !items[i].is(value_kind::none)) out += js_to_string(items[i], "join");
    }
    return out;
}

value string_method(const value& receiver, const std::string& name) {
    const std::string s = receiver.string;
    if (name == "length") return value::make_int(utf16_length(s));
    const auto simple = [&](std::string result) {
        return value::make_function(name, [result](const call_arguments&) { return value::make_string(result); });
    };
    // The reference's strip/lstrip/rstrip ignore their argument and always trim whitespace.
    if (name == "strip") return simple(std::string(js_trim(s)));
    if (name == "lstrip") return simple(std::string(js_trim_start(s)));
    if (name == "rstrip") return simple(std::string(js_trim_end(s)));
    if (name == "upper" || name == "lower")
        return value::make_function(name, [s, name](const call_arguments&) {
            return value::make_string(ascii_case(s, name == "upper", name));
        });
    if (name == "startswith" || name == "endswith") {
        return value::make_function(name, [s, name](const call_arguments& args) {
            expect_no_keywords(args, name);
            if (args.positional.empty()) fail("{}() requires at least one argument", name);
            const auto matches = [&](const value& p) {
                if (!p.is(value_kind::string)) fail("{}() argument must be a string or tuple of strings", name);
                return name == "startswith" ? s.starts_with(p.string) : s.ends_with(p.string);
            };
            const value& pattern = args.positional[0];
            if (pattern.is(value_kind::array))
                return value::make_bool(std::any_of(pattern.array->begin(), pattern.array->end(), matches));
            return value::make_bool(matches(pattern));
        });
    }
    for (auto known : {"title", "capitalize", "split", "replace"})
        if (name == known) return unsupported_function(name);
    return {};
}

value object_method(const value& receiver, const std::string& name) {
    const auto entries = receiver.object;
    const auto pairs = [entries] {
        value_list out;
        for (const auto& [k, v] : *entries) out.push_back(value::make_array({value::make_string(k), v}));
        return value::make_array(std::move(out));
    };
    if (name == "items") return value::make_function(name, [pairs](const call_arguments&) { return pairs(); });
    if (name == "keys" || name == "values")
        return value::make_function(name, [entries, name](const call_arguments&) {
            value_list out;
            for (const auto& [k, v] : *entries) out.push_back(name == "keys" ? value::make_string(k) : v);
            return value::make_array(std::move(out));
        });
    if (name == "get")
        return value::make_function(name, [receiver](const call_arguments& args) {
            expect_no_keywords(args, "get");
            if (args.positional.empty() || !args.positional[0].is(value_kind::string))
                fail("object key must be a string");
            if (const value* found = receiver.find(args.positional[0].string)) return *found;
            return args.positional.size() > 1 ? args.positional[1] : value::make_none();
        });
    if (name == "dictsort") return unsupported_function(name);
    return {};
}

value call_filter(const value& operand, const std::string& name, const call_arguments& args) {
    if (name == "tojson") {
        if (!args.positional.empty() || !args.keyword.empty()) fail("filter 'tojson' with arguments is unsupported");
        return value::make_string(to_json(operand, true));
    }
    if (name == "join") {
        const value* separator = !args.positional.empty() ? &args.positional[0] : nullptr;
        for (const auto& [k, v] : args.keyword)
            if (k == "separator" && !separator) separator = &v;
        const std::string sep = separator ? separator->string : "";
        if (separator && !separator->is(value_kind::string)) fail("separator must be a string");
        if (operand.is(value_kind::string)) {
            const auto chars = code_points(operand.string);
            std::string out;
            for (std::size_t i = 0; i < chars.size(); ++i) out += (i > 0 ? sep : "") + chars[i];
            return value::make_string(out);
        }
        if (operand.is(value_kind::array)) return value::make_string(join_values(*operand.array, sep));
        fail("filter 'join' cannot be applied to {}", type_name(operand.kind));
    }
    if (name == "default") {
        const value fallback = !args.positional.empty() ? args.positional[0] : value::make_string("");
        value flag = value::make_bool(false);
        if (args.positional.size() > 1) {
            flag = args.positional[1];
        } else {
            for (const auto& [k, v] : args.keyword)
                if (k == "boolean") flag = v;
        }
        if (!flag.is(value_kind::boolean)) fail("`default` filter flag must be a boolean");
        if (operand.is(value_kind::undefined) || (flag.boolean && !truthy(operand))) return fallback;
        return operand;
    }
    if (operand.is(value_kind::object)) {
        const value method = object_method(operand, name);
        if (method.is(value_kind::function)) return method.function->call(args);
    }
    fail("unsupported filter '{}' with arguments on {}", name, type_name(operand.kind));
}

value array_filter(const value& operand, const std::string& name) {
    const value_list& items = *operand.array;
    if (name == "list") return operand;
    if (name == "first" || name == "last") {
        if (items.empty()) fail("filter '{}' of an empty list is unsupported", name);
        return name == "first" ? items.front() : items.back();
    }
    if (name == "length") return value::make_int(static_cast<std::int64_t>(items.size()));
    if (name == "reverse") return value::make_array(value_list(items.rbegin(), items.rend()));
    if (name == "join") return value::make_string(join_values(items, ""));
    if (name == "string") return value::make_string(to_json(operand, false));
    fail("unsupported filter '{}' on ArrayValue", name);
}

value string_filter(const value& operand, const std::string& name) {
    if (name == "length") return value::make_int(utf16_length(operand.string));
    if (name == "upper" || name == "lower") return value::make_string(ascii_case(operand.string, name == "upper", name));
    if (name == "trim") return value::make_string(std::string(js_trim(operand.string)));
    if (name == "join" || name == "string") return operand;
    fail("unsupported filter '{}' on StringValue", name);
}

}  // namespace

value apply_filter(const value& operand, const std::string& name, const call_arguments* args) {
    if (args) return call_filter(operand, name, *args);
    if (name == "safe") return operand;
    if (name == "tojson") return value::make_string(to_json(operand, true));
    switch (operand.kind) {
    case value_kind::array: return array_filter(operand, name);
    case value_kind::string: return string_filter(operand, name);
    case value_kind::integer:
        if (name == "abs") return value::make_int(operand.integer < 0 ? -operand.integer : operand.integer);
        if (name == "int") return operand;
        if (name == "string") return value::make_string(std::to_string(operand.integer));
        fail("unsupported filter '{}' on IntegerValue", name);
    case value_kind::object: {
        if (name == "items") return object_method(operand, "items").function->call({});
        if (name == "length") return value::make_int(static_cast<std::int64_t>(operand.object->size()));
        const value method = object_method(operand, name);
        if (method.is(value_kind::function)) return method.function->call({});
        fail("unsupported filter '{}' on ObjectValue", name);
    }
    case value_kind::boolean:
        if (name == "bool") return operand;
        if (name == "int") return value::make_int(operand.boolean ? 1 : 0);
        if (name == "string") return value::make_string(operand.boolean ? "true" : "false");
        fail("unsupported filter '{}' on BooleanValue", name);
    default: fail("filter '{}' cannot be applied to {}", name, type_name(operand.kind));
    }
}

bool apply_test(const value& v, const std::string& name) {
    const value_kind k = v.kind;
    if (name == "defined") return k != value_kind::undefined;
    if (name == "undefined") return k == value_kind::undefined;
    if (name == "none") return k == value_kind::none;
    if (name == "boolean") return k == value_kind::boolean;
    if (name == "callable") return k == value_kind::function;
    if (name == "true" || name == "false") return k == value_kind::boolean && v.boolean == (name == "true");
    if (name == "string") return k == value_kind::string;
    if (name == "number" || name == "integer") return k == value_kind::integer;
    if (name == "iterable") return (k == value_kind::array && !v.tuple) || k == value_kind::string;
    if (name == "mapping") return k == value_kind::object;
    if (name == "sequence") return k == value_kind::array || k == value_kind::object || k == value_kind::string;
    if (name == "odd" || name == "even") {
        if (k != value_kind::integer) fail("test '{}' cannot be applied to {}", name, type_name(k));
        return (v.integer % 2 != 0) == (name == "odd");
    }
    if (name == "lower" || name == "upper") {
        if (k != value_kind::string) return false;
        return v.string == ascii_case(v.string, name == "upper", name);
    }
    fail("unsupported test '{}'", name);
}

value member_builtin(const value& receiver, const std::string& name) {
    switch (receiver.kind) {
    case value_kind::string: return string_method(receiver, name);
    case value_kind::array:
        return name == "length" ? value::make_int(static_cast<std::int64_t>(receiver.array->size())) : value{};
    case value_kind::object: return object_method(receiver, name);
    default: return {};
    }
}

object_entries global_variables() {
    object_entries g;
    for (auto [name, b] : {std::pair{"false", false}, {"true", true}, {"False", false}, {"True", true}})
        g.emplace_back(name, value::make_bool(b));
    g.emplace_back("none", value::make_none());
    g.emplace_back("None", value::make_none());
    g.emplace_back("raise_exception", value::make_function("raise_exception", [](const call_arguments& args) -> value {
        expect_no_keywords(args, "raise_exception");
        const std::string message = args.positional.empty() ? "" : js_to_string(args.positional[0], "raise_exception");
        fail("raise_exception: {}", message);
    }));
    g.emplace_back("range", value::make_function("range", [](const call_arguments& args) {
        expect_no_keywords(args, "range");
        std::int64_t bounds[3] = {0, 0, 1};
        if (args.positional.empty() || args.positional.size() > 3) fail("range() takes 1 to 3 arguments");
        for (std::size_t i = 0; i < args.positional.size(); ++i) {
            if (!args.positional[i].is(value_kind::integer)) fail("range() arguments must be integers");
            bounds[args.positional.size() == 1 ? 1 : i] = args.positional[i].integer;
        }
        const auto [start, stop, step] = bounds;
        if (step == 0) fail("range() step must not be zero");
        value_list out;
        for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
            if (out.size() >= 1'000'000) fail("range() longer than 1000000 items is unsupported");
            out.push_back(value::make_int(i));
        }
        return value::make_array(std::move(out));
    }));
    g.emplace_back("strftime_now", unsupported_function("strftime_now"));
    g.emplace_back("namespace", unsupported_function("namespace"));
    return g;
}

}  // namespace smol::chat_detail
