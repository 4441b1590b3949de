#pragma once
// The one error type of the project: thrown with full context (file, field, offset), caught once at the CLI.
#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace smol {

class error : public std::runtime_error {
public:
    explicit error(const std::string& message) : std::runtime_error(message) {}
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
    throw error(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace smol
