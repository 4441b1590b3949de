#pragma once
// Every diagnostic names a place in the template as "chat_template:LINE:COLUMN" (1-based, column in bytes)
// so an unsupported construct in a 2 KB one-line template can be found.
#include "common/error.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace smol::chat_detail {

// An error that already names its place in the template (so enclosing nodes do not prefix it again).
class located_error : public error {
public:
    using error::error;
};

std::string describe_location(std::string_view source, std::size_t offset);

template <typename... Args>
[[noreturn]] void fail_at(std::string_view source, std::size_t offset, fmt::format_string<Args...> format,
                          Args&&... args) {
    throw located_error(describe_location(source, offset) + ": " + fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace smol::chat_detail
