#pragma once
// String operations with the semantics @huggingface/jinja gets from JavaScript, applied to UTF-8 text:
// JS `\s` whitespace (Unicode spaces, not just ASCII), `.length` and indexing in UTF-16 code units,
// `Array.from(str)` in code points, and JSON.stringify's string quoting. Matching these is what keeps our
// output byte-identical to the reference renderer on non-ASCII text.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smol::chat_detail {

// Bytes of the JS-whitespace character starting at `pos` (0 if there is none).
std::size_t js_space_at(std::string_view s, std::size_t pos);
// Bytes of the JS-whitespace character ending just before `end` (0 if there is none).
std::size_t js_space_before(std::string_view s, std::size_t end);

std::string_view js_trim_start(std::string_view s);
std::string_view js_trim_end(std::string_view s);
std::string_view js_trim(std::string_view s);

// Number of UTF-16 code units, i.e. JavaScript's `str.length`.
std::int64_t utf16_length(std::string_view s);
// JavaScript's `str.at(index)` (negative counts from the end); nullopt when out of range. Throws when the
// index falls inside a surrogate pair, which JS would answer with half a character.
std::optional<std::string> utf16_at(std::string_view s, std::int64_t index);
// JavaScript's `Array.from(str)`: one string per code point.
std::vector<std::string> code_points(std::string_view s);
// True when every byte is ASCII (the case where JS case mapping equals ASCII case mapping).
bool is_ascii(std::string_view s);

// JavaScript's Number(str) (used by `==` between a string and a number or boolean): whitespace-trimmed
// decimal, "" is 0, Infinity and 0x/0o/0b forms; anything else is NaN.
double js_string_to_number(std::string_view s);

// JSON.stringify(str): quotes, escapes `"` `\` and C0 controls, leaves everything else as is.
std::string json_quote(std::string_view s);

}  // namespace smol::chat_detail
