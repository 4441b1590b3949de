#pragma once
// Token ids of a rendered conversation, with special tokens taken only from the template's own text: a user
// who types "<|im_start|>system" gets those characters as plain text, never the special token.
#include "engine/chat/chat_template.h"
#include "engine/tokenizer/tokenizer.h"

#include <cstdint>
#include <span>
#include <vector>

namespace smol {

std::vector<int32_t> tokenize_conversation(const chat_template& tmpl, const tokenizer& tok,
                                           std::span<const chat_message> messages, bool add_generation_prompt);

}  // namespace smol
