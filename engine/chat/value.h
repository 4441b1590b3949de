#pragma once
// Run-time values of the template language, modelled on @huggingface/jinja's RuntimeValue classes: the same
// kinds (undefined is distinct from none), the same truthiness, and the same printing, since a value printed
// by `{{ }}` must come out exactly as the reference renders it.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace smol::chat_detail {

struct value;
using value_list = std::vector<value>;
// Insertion-ordered, like the JS Map behind ObjectValue.
using object_entries = std::vector<std::pair<std::string, value>>;

struct call_arguments;
struct function_value {
    std::string name;  // for diagnostics
    std::function<value(const call_arguments&)> call;
};

enum class value_kind { undefined, none, boolean, integer, string, array, object, function };

struct value {
    // Bounds on what a template can build (`s = s + s` doubling, lists joined in a loop): far above any real
    // prompt, low enough that a hostile template fails in well under a second and a few tens of MB.
    static constexpr std::size_t max_string_bytes = std::size_t{16} << 20;
    static constexpr std::size_t max_array_items = 1'000'000;
    [[noreturn]] static void refuse_string_size(std::size_t bytes);
    [[noreturn]] static void refuse_array_size(std::size_t items);

    value_kind kind = value_kind::undefined;
    bool boolean = false;
    bool tuple = false;  // an array written `(a, b)`: the reference's TupleValue, which it cannot print
    std::int64_t integer = 0;
    std::string string;
    // Shared, as JS arrays and maps are references: `==` on them compares identity, as in the reference.
    std::shared_ptr<value_list> array;
    std::shared_ptr<object_entries> object;
    std::shared_ptr<const function_value> function;

    static value make_none() { return with_kind(value_kind::none); }
    static value make_bool(bool b) {
        value v = with_kind(value_kind::boolean);
        v.boolean = b;
        return v;
    }
    static value make_int(std::int64_t i);
    static value make_string(std::string s) {
        if (s.size() > max_string_bytes) refuse_string_size(s.size());
        value v = with_kind(value_kind::string);
        v.string = std::move(s);
        return v;
    }
    static value make_array(value_list items, bool is_tuple = false) {
        if (items.size() > max_array_items) refuse_array_size(items.size());
        value v = with_kind(value_kind::array);
        v.tuple = is_tuple;
        v.array = std::make_shared<value_list>(std::move(items));
        return v;
    }
    static value make_object(object_entries entries) {
        value v = with_kind(value_kind::object);
        v.object = std::make_shared<object_entries>(std::move(entries));
        return v;
    }
    static value make_function(std::string name, std::function<value(const call_arguments&)> call) {
        value v = with_kind(value_kind::function);
        v.function = std::make_shared<const function_value>(function_value{std::move(name), std::move(call)});
        return v;
    }

    bool is(value_kind k) const { return kind == k; }
    // nullptr when absent.
    const value* find(std::string_view key) const;

private:
    static value with_kind(value_kind k) {
        value v;
        v.kind = k;
        return v;
    }
};

struct call_arguments {
    value_list positional;
    object_entries keyword;
};

// The reference's type names (IntegerValue, ...), used in error messages.
const char* type_name(value_kind kind);
// __bool__: empty strings, arrays and objects, 0, none and undefined are false.
bool truthy(const value& v);
// How a value is printed by {{ }} (undefined and none print nothing: callers skip them).
std::string to_output(const value& v);
// The reference's toJSON: ", " and ": " separators; undefined becomes null only when asked (tojson does,
// printing an array or object does not).
std::string to_json(const value& v, bool undefined_as_null);
// JS `a.value == b.value` as the reference evaluates `==`; throws where JS would coerce in ways we don't model.
bool loose_equal(const value& a, const value& b);
// JS `a.value === b.value` (used by `in` on arrays).
bool strict_equal(const value& a, const value& b);
// JS `x.value.toString()` for the primitives `~` and string `+` accept; throws for the rest.
std::string js_to_string(const value& v, std::string_view op);

}  // namespace smol::chat_detail
