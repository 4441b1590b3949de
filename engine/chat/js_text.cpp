#include "engine/chat/js_text.h"

#include "common/error.h"

#include <fmt/format.h>

#include <cstdlib>
#include <limits>

namespace smol::chat_detail {
namespace {

struct decoded {
    char32_t code_point;
    std::size_t bytes;
};

// Lenient decoder: a malformed byte is one character of its own, so scanning never stalls or overruns.
decoded decode_at(std::string_view s, std::size_t pos) {
    const auto b0 = static_cast<unsigned char>(s[pos]);
    std::size_t n = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || pos + n > s.size()) return {b0, 1};
    char32_t cp = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (std::size_t i = 1; i < n; ++i) {
        const auto b = static_cast<unsigned char>(s[pos + i]);
        if ((b & 0xC0) != 0x80) return {b0, 1};
        cp = (cp << 6) | (b & 0x3F);
    }
    return {cp, n};
}

bool is_js_space(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

}  // namespace

std::size_t js_space_at(std::string_view s, std::size_t pos) {
    if (pos >= s.size()) return 0;
    const decoded d = decode_at(s, pos);
    return is_js_space(d.code_point) ? d.bytes : 0;
}

std::size_t js_space_before(std::string_view s, std::size_t end) {
    if (end == 0) return 0;
    // Step back over continuation bytes (at most 3) to the character's lead byte.
    std::size_t start = end - 1;
    while (start > 0 && end - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    const decoded d = decode_at(s, start);
    if (start + d.bytes != end) return 0;  // malformed: not a whitespace character either way
    return is_js_space(d.code_point) ? d.bytes : 0;
}

std::string_view js_trim_start(std::string_view s) {
    std::size_t pos = 0;
    while (std::size_t n = js_space_at(s, pos)) pos += n;
    return s.substr(pos);
}

std::string_view js_trim_end(std::string_view s) {
    std::size_t end = s.size();
    while (std::size_t n = js_space_before(s, end)) end -= n;
    return s.substr(0, end);
}

std::string_view js_trim(std::string_view s) { return js_trim_end(js_trim_start(s)); }

std::int64_t utf16_length(std::string_view s) {
    std::int64_t units = 0;
    for (std::size_t pos = 0; pos < s.size();) {
        const decoded d = decode_at(s, pos);
        units += d.code_point > 0xFFFF ? 2 : 1;
        pos += d.bytes;
    }
    return units;
}

std::optional<std::string> utf16_at(std::string_view s, std::int64_t index) {
    const std::int64_t length = utf16_length(s);
    if (index < 0) index += length;
    if (index < 0 || index >= length) return std::nullopt;
    std::int64_t unit = 0;
    for (std::size_t pos = 0; pos < s.size();) {
        const decoded d = decode_at(s, pos);
        const std::int64_t width = d.code_point > 0xFFFF ? 2 : 1;
        if (index < unit + width) {
            if (index != unit) fail("indexing into the middle of a surrogate pair is unsupported");
            if (width == 2) fail("indexing a character outside the BMP is unsupported (JS yields half of it)");
            return std::string(s.substr(pos, d.bytes));
        }
        unit += width;
        pos += d.bytes;
    }
    return std::nullopt;
}

std::vector<std::string> code_points(std::string_view s) {
    std::vector<std::string> out;
    for (std::size_t pos = 0; pos < s.size();) {
        const std::size_t n = decode_at(s, pos).bytes;
        out.emplace_back(s.substr(pos, n));
        pos += n;
    }
    return out;
}

bool is_ascii(std::string_view s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
}

double js_string_to_number(std::string_view s) {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    s = js_trim(s);
    if (s.empty()) return 0.0;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' || s[1] == 'O' || s[1] == 'b' || s[1] == 'B')) {
        const int base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
        double v = 0;
        for (char c : s.substr(2)) {
            const int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : 99;
            if (d >= base) return nan;
            v = v * base + d;
        }
        return v;
    }
    std::string_view body = s;
    const bool negative = body[0] == '-';
    if (body[0] == '+' || body[0] == '-') body.remove_prefix(1);
    if (body == "Infinity") return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    // StrDecimalLiteral: digits [. digits] | . digits, then an optional exponent.
    std::size_t i = 0, int_digits = 0, frac_digits = 0;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++int_digits;
    if (i < body.size() && body[i] == '.') {
        ++i;
        while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++frac_digits;
    }
    if (int_digits + frac_digits == 0) return nan;
    if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
        ++i;
        if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
        std::size_t exp_digits = 0;
        while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++exp_digits;
        if (exp_digits == 0) return nan;
    }
    if (i != body.size()) return nan;
    const std::string text(body);
    const double v = std::strtod(text.c_str(), nullptr);  // the grammar was checked above
    return negative ? -v : v;
}

std::string json_quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
                out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
            else
                out += c;
        }
    }
    out += '"';
    return out;
}

}  // namespace smol::chat_detail
