#pragma once
// The one error type of the project: thrown with full context (file, field, offset), caught once at the CLI.
#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace smol {

// Messages quote what came from files (tensor names, keys, tokens): control characters, invalid UTF-8 and
// NUL would colour or split the terminal's text or cut it short, so every one is shown as \xNN, and every
// message is one line. Done once, here, so no message can forget it.
std::string escape_message(std::string_view text);

class error : public std::runtime_error {
public:
    explicit error(const std::string& message) : std::runtime_error(escape_message(message)) {}
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
    throw error(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace smol
