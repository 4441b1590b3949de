#include "engine/chat/value.h"

#include "common/error.h"
#include "engine/chat/js_text.h"

#include <fmt/format.h>

#include <optional>

namespace smol::chat_detail {

void value::refuse_string_size(std::size_t bytes) {
    fail("string of {} bytes is longer than the limit of {}", bytes, max_string_bytes);
}

void value::refuse_array_size(std::size_t items) {
    fail("list of {} items is longer than the limit of {}", items, max_array_items);
}

value value::make_int(std::int64_t i) {
    // JS integers stay exact only up to 2^53; past that the reference would print rounded digits.
    constexpr std::int64_t limit = std::int64_t{1} << 53;
    if (i > limit || i < -limit) fail("unsupported integer {}: outside the exactly representable range", i);
    value v = with_kind(value_kind::integer);
    v.integer = i;
    return v;
}

const value* value::find(std::string_view key) const {
    if (!object) return nullptr;
    for (const auto& [k, v] : *object)
        if (k == key) return &v;
    return nullptr;
}

const char* type_name(value_kind kind) {
    switch (kind) {
    case value_kind::undefined: return "UndefinedValue";
    case value_kind::none: return "NullValue";
    case value_kind::boolean: return "BooleanValue";
    case value_kind::integer: return "IntegerValue";
    case value_kind::string: return "StringValue";
    case value_kind::array: return "ArrayValue";
    case value_kind::object: return "ObjectValue";
    case value_kind::function: return "FunctionValue";
    }
    return "?";
}

bool truthy(const value& v) {
    switch (v.kind) {
    case value_kind::undefined:
    case value_kind::none: return false;
    case value_kind::boolean: return v.boolean;
    case value_kind::integer: return v.integer != 0;
    case value_kind::string: return !v.string.empty();
    case value_kind::array: return !v.array->empty();
    case value_kind::object: return !v.object->empty();
    case value_kind::function: return true;
    }
    return false;
}

std::string to_json(const value& v, bool undefined_as_null) {
    switch (v.kind) {
    case value_kind::undefined: return undefined_as_null ? "null" : "undefined";
    case value_kind::none: return "null";
    case value_kind::boolean: return v.boolean ? "true" : "false";
    case value_kind::integer: return std::to_string(v.integer);
    case value_kind::string: return json_quote(v.string);
    case value_kind::array: {
        if (v.tuple) fail("converting a tuple to JSON or text is unsupported");
        std::string out = "[";
        for (std::size_t i = 0; i < v.array->size(); ++i) {
            if (i > 0) out += ", ";
            out += to_json((*v.array)[i], undefined_as_null);
        }
        return out + "]";
    }
    case value_kind::object: {
        std::string out = "{";
        bool first = true;
        for (const auto& [key, item] : *v.object) {
            if (!first) out += ", ";
            first = false;
            out += json_quote(key) + ": " + to_json(item, undefined_as_null);
        }
        return out + "}";
    }
    case value_kind::function: fail("cannot convert a function to JSON");
    }
    return "";
}

std::string to_output(const value& v) {
    switch (v.kind) {
    case value_kind::undefined:
    case value_kind::none: return "";
    case value_kind::boolean: return v.boolean ? "true" : "false";
    case value_kind::integer: return std::to_string(v.integer);
    case value_kind::string: return v.string;
    case value_kind::array:
    case value_kind::object: return to_json(v, false);
    case value_kind::function:
        // The reference prints the JavaScript source of the function; nothing sensible to match.
        fail("printing function '{}' is unsupported", v.function->name);
    }
    return "";
}

namespace {
bool is_composite(const value& v) { return v.is(value_kind::array) || v.is(value_kind::object); }
bool is_nullish(const value& v) { return v.is(value_kind::undefined) || v.is(value_kind::none); }
}  // namespace

bool loose_equal(const value& a, const value& b) {
    if (is_nullish(a) || is_nullish(b)) return is_nullish(a) && is_nullish(b);
    if (a.is(value_kind::function) || b.is(value_kind::function)) fail("comparing functions is unsupported");
    if (is_composite(a) && is_composite(b)) {
        if (a.kind != b.kind) return false;
        return a.is(value_kind::array) ? a.array == b.array : a.object == b.object;
    }
    if (is_composite(a) || is_composite(b))
        fail("comparing {} with {} is unsupported", type_name(a.kind), type_name(b.kind));
    if (a.kind == b.kind) {
        switch (a.kind) {
        case value_kind::boolean: return a.boolean == b.boolean;
        case value_kind::integer: return a.integer == b.integer;
        case value_kind::string: return a.string == b.string;
        default: break;
        }
    }
    const auto number = [](const value& v) -> std::optional<std::int64_t> {
        if (v.is(value_kind::integer)) return v.integer;
        if (v.is(value_kind::boolean)) return v.boolean ? 1 : 0;
        return std::nullopt;
    };
    if (number(a) && number(b)) return *number(a) == *number(b);
    // A string against a number or boolean: JS converts the string with Number() (NaN equals nothing).
    const value& str = a.is(value_kind::string) ? a : b;
    const value& num = a.is(value_kind::string) ? b : a;
    return js_string_to_number(str.string) == static_cast<double>(*number(num));
}

bool strict_equal(const value& a, const value& b) {
    if (a.kind != b.kind) return false;
    switch (a.kind) {
    case value_kind::undefined:
    case value_kind::none: return true;
    case value_kind::boolean: return a.boolean == b.boolean;
    case value_kind::integer: return a.integer == b.integer;
    case value_kind::string: return a.string == b.string;
    case value_kind::array: return a.array == b.array;
    case value_kind::object: return a.object == b.object;
    case value_kind::function: return a.function == b.function;
    }
    return false;
}

std::string js_to_string(const value& v, std::string_view op) {
    switch (v.kind) {
    case value_kind::boolean: return v.boolean ? "true" : "false";
    case value_kind::integer: return std::to_string(v.integer);
    case value_kind::string: return v.string;
    default: fail("operator '{}' on {} is unsupported", op, type_name(v.kind));
    }
}

}  // namespace smol::chat_detail
