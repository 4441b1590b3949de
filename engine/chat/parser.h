#pragma once
// Tokens -> statement list. Constructs outside our subset (macros, call/filter blocks, break/continue,
// float literals, `**`, argument unpacking) are rejected here, naming the construct and its position.
#include "engine/chat/ast.h"
#include "engine/chat/lexer.h"

#include <string_view>
#include <vector>

namespace smol::chat_detail {

stmt_list parse_template(std::string_view source, const std::vector<token>& tokens);

}  // namespace smol::chat_detail
