#include "engine/chat/source_location.h"

#include <fmt/format.h>

namespace smol::chat_detail {

std::string describe_location(std::string_view source, std::size_t offset) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < source.size(); ++i) {
        if (source[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return fmt::format("chat_template:{}:{}", line, column);
}

}  // namespace smol::chat_detail
