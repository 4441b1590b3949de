#pragma once
// A JSON value quoted in an error message. nlohmann's dump() recurses once per nesting level, so dumping a
// hostile value (a million nested '[') would overflow the stack while reporting the error; and a value may
// be megabytes long. Only small, shallow values are dumped; others are described by kind and size.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <string>

namespace smol {

namespace json_excerpt_detail {

constexpr size_t max_text = 80;

// True when `value` has at most `budget` nodes, nests at most `depth` deep and holds no long string.
inline bool is_small(const nlohmann::json& value, int depth, size_t& budget) {
    if (budget == 0) return false;
    --budget;
    if (value.is_string()) return value.get_ref<const std::string&>().size() <= max_text;
    if (!value.is_structured()) return true;
    if (depth == 0) return false;
    for (const auto& item : value.items())
        if ((value.is_object() && item.key().size() > max_text) || !is_small(item.value(), depth - 1, budget)) return false;
    return true;
}

}  // namespace json_excerpt_detail

inline std::string json_excerpt(const nlohmann::json& value) {
    size_t budget = 32;
    if (json_excerpt_detail::is_small(value, 4, budget))
        return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (value.is_string())
        return fmt::format("a string of {} bytes", value.get_ref<const std::string&>().size());
    return fmt::format("{} of {} entries", value.is_array() ? "an array" : "an object", value.size());
}

}  // namespace smol
