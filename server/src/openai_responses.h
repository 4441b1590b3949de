#pragma once
// The response objects of the OpenAI API: text_completion and chat.completion, and their streamed chunks
// (text_completion chunks, chat.completion.chunk with a delta).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace smol::serve {

struct response_meta {
    std::string id;  // cmpl-N or chatcmpl-N
    int64_t created = 0;
    std::string model;
    bool chat = false;
};

nlohmann::json usage_json(int32_t prompt_tokens, int32_t completion_tokens);

// The whole answer of a non-streamed request.
nlohmann::json full_response(const response_meta& meta, const std::string& text, const std::string& finish_reason,
                             int32_t prompt_tokens, int32_t completion_tokens);

// One streamed chunk: text (chat: a content delta; the first chat chunk carries the role instead), and on
// the last one the finish reason.
nlohmann::json chunk_response(const response_meta& meta, const std::string& text,
                              const std::optional<std::string>& finish_reason, bool role_chunk = false);
// The chunk with no choices and the token counts (stream_options.include_usage).
nlohmann::json usage_chunk(const response_meta& meta, int32_t prompt_tokens, int32_t completion_tokens);

}  // namespace smol::serve
