#pragma once
// Numeric flags: one parser for every subcommand. A value that is empty, not a number, or outside the flag's
// range is an error naming the flag, its range and exactly what the user wrote (never a clamped or wrapped
// value, never the converted number instead of the text).
#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smol::cli {

// Decimal or 0x-hex integer in min..max.
int64_t parse_integer_flag(std::string_view text, std::string_view flag, int64_t min, int64_t max);
// Unsigned 64-bit (seeds, addresses, counts); `suffixes` allows K/M/G (powers of 1024).
uint64_t parse_unsigned_flag(std::string_view text, std::string_view flag, uint64_t max, bool suffixes = false);
// A finite real in [min, max], or (min, max] when `min_open`.
double parse_real_flag(std::string_view text, std::string_view flag, double min, double max, bool min_open = false);
// "1,2,3": each item an integer in min..max; an empty item is an error naming its position.
std::vector<int64_t> parse_integer_list(std::string_view text, std::string_view flag, int64_t min, int64_t max);

// "-n,--n-predict" -> "-n/--n-predict": how messages name an option.
std::string flag_display_name(const std::string& names);

// CLI11 options whose text goes through the parsers above (CLI11's own conversion would wrap, clamp or
// accept an empty string).
template <typename T>
CLI::Option* add_integer_flag(CLI::App& command, const std::string& names, T& target, int64_t min, int64_t max,
                              const std::string& help) {
    const std::string flag = flag_display_name(names);
    return command.add_option_function<std::string>(
        names, [&target, flag, min, max](const std::string& text) { target = T(parse_integer_flag(text, flag, min, max)); },
        help);
}

template <typename T>
CLI::Option* add_unsigned_flag(CLI::App& command, const std::string& names, T& target, uint64_t max,
                               const std::string& help) {
    const std::string flag = flag_display_name(names);
    return command.add_option_function<std::string>(
        names, [&target, flag, max](const std::string& text) { target = T(parse_unsigned_flag(text, flag, max)); }, help);
}

template <typename T>
CLI::Option* add_real_flag(CLI::App& command, const std::string& names, T& target, double min, double max,
                           bool min_open, const std::string& help) {
    const std::string flag = flag_display_name(names);
    return command.add_option_function<std::string>(
        names,
        [&target, flag, min, max, min_open](const std::string& text) {
            target = T(parse_real_flag(text, flag, min, max, min_open));
        },
        help);
}

}  // namespace smol::cli
