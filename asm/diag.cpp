#include "asm/diag.h"

#include <fmt/format.h>

namespace smol::assembler {

std::string diagnostic::text() const {
    return fmt::format("{}:{}:{}: error: {} '{}'", file, line, col, message, token);
}

void diagnostics::error(source_loc loc, std::string message, std::string token) {
    list_.push_back({loc.file ? *loc.file : std::string("<input>"), loc.line, loc.col, std::move(message),
                     std::move(token)});
    if (list_.size() >= cap_) {
        capped_ = true;
        throw too_many{};
    }
}

}  // namespace smol::assembler
