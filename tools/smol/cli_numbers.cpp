#include "tools/smol/cli_numbers.h"

#include "common/error.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fmt/format.h>

namespace smol::cli {
namespace {

// What the user wrote, quoted and with control bytes escaped so that the message stays on one line.
std::string shown(std::string_view text) {
    std::string out = "'";
    for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
        else out += char(c);
    }
    return out + "'";
}

[[noreturn]] void refuse(std::string_view flag, std::string_view text, const std::string& range) {
    if (text.empty()) fail("{} needs a value in {}, got an empty string", flag, range);
    fail("{} {} is not in {}", flag, shown(text), range);
}

// Digits of an unsigned integer, decimal or 0x-hex; false on anything else (signs, spaces, overflow).
bool parse_magnitude(std::string_view digits, uint64_t& value) {
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        digits.remove_prefix(2);
        base = 16;
    }
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
    return !digits.empty() && ec == std::errc() && end == digits.data() + digits.size();
}

}  // namespace

std::string flag_display_name(const std::string& names) {
    std::string out = names;
    for (char& c : out)
        if (c == ',') c = '/';
    return out;
}

int64_t parse_integer_flag(std::string_view text, std::string_view flag, int64_t min, int64_t max) {
    const std::string range = fmt::format("{}..{}", min, max);
    const bool negative = !text.empty() && text[0] == '-';
    uint64_t magnitude = 0;
    if (!parse_magnitude(negative ? text.substr(1) : text, magnitude)) refuse(flag, text, range);
    // Compare magnitudes in unsigned arithmetic: no value the user writes can overflow the check.
    if (negative) {
        if (min >= 0 || magnitude > uint64_t(-(min + 1)) + 1) refuse(flag, text, range);
        return magnitude == 0 ? 0 : -int64_t(magnitude - 1) - 1;
    }
    if (max < 0 || magnitude > uint64_t(max) || int64_t(magnitude) < min) refuse(flag, text, range);
    return int64_t(magnitude);
}

uint64_t parse_unsigned_flag(std::string_view text, std::string_view flag, uint64_t max, bool suffixes) {
    const std::string range = fmt::format("0..{}", max);
    std::string_view digits = text;
    uint64_t scale = 1;
    if (suffixes && !digits.empty()) {
        switch (digits.back()) {
        case 'K': case 'k': scale = uint64_t{1} << 10; break;
        case 'M': case 'm': scale = uint64_t{1} << 20; break;
        case 'G': case 'g': scale = uint64_t{1} << 30; break;
        default: break;
        }
        if (scale != 1) digits.remove_suffix(1);
    }
    uint64_t value = 0;
    if (!parse_magnitude(digits, value) || value > max / scale) refuse(flag, text, range);
    return value * scale;
}

double parse_real_flag(std::string_view text, std::string_view flag, double min, double max, bool min_open) {
    const std::string range = fmt::format("{}{}, {}]", min_open ? "(" : "[", min, max);
    const std::string copy(text);  // strtod needs a terminated string
    char* end = nullptr;
    const double value = copy.empty() || std::isspace(static_cast<unsigned char>(copy[0])) ? NAN : std::strtod(copy.c_str(), &end);
    if (copy.empty() || end != copy.c_str() + copy.size() || !std::isfinite(value) || value > max ||
        (min_open ? !(value > min) : !(value >= min)))
        refuse(flag, text, range);
    return value;
}

std::vector<int64_t> parse_integer_list(std::string_view text, std::string_view flag, int64_t min, int64_t max) {
    std::vector<int64_t> values;
    size_t start = 0;
    while (true) {
        size_t comma = text.find(',', start);
        std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (item.empty())
            fail("{} {}: item {} is empty (expected comma-separated integers in {}..{})", flag, shown(text),
                 values.size() + 1, min, max);
        values.push_back(parse_integer_flag(item, flag, min, max));
        if (comma == std::string_view::npos) return values;
        start = comma + 1;
    }
}

}  // namespace smol::cli
