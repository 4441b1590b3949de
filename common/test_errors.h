#pragma once
// How every test reads a smol::error: the message an action throws, and a check that it names what it must.
#include "common/error.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>

namespace smol::testing {

inline constexpr std::string_view no_error = "<no error>";

// The message of the smol::error `action` throws, or no_error when it throws none.
template <typename F>
std::string error_of(F&& action) {
    try {
        action();
    } catch (const error& e) {
        return e.what();
    }
    return std::string(no_error);
}

// Fails the test unless `action` throws a smol::error whose message contains every one of `parts`.
template <typename F>
void expect_error(F&& action, std::initializer_list<std::string_view> parts) {
    const std::string message = error_of(action);
    for (std::string_view part : parts)
        EXPECT_NE(message.find(part), std::string::npos) << "message: " << message << "\nmissing: " << part;
}

}  // namespace smol::testing
