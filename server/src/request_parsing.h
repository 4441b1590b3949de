#pragma once
// The JSON bodies of the OpenAI endpoints, read into typed requests. Every value is checked for its type and
// range; a bad one is an api_error (400) whose message and param name the field. Fields this server does not
// implement are refused when they would change the result (logprobs, n > 1, ...) and ignored when they
// would not (user, a zero frequency_penalty, ...), so an unchanged OpenAI client works.
#include "engine/chat/chat_template.h"
#include "engine/src/sampler.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace smol::serve {

// Malformed JSON, or a body that is not an object: 400 naming the byte offset.
nlohmann::json parse_json_body(std::string_view body);

struct generation_params {
    std::optional<int32_t> max_tokens;  // none: up to the end of the context
    sampling_params sampling;           // temperature defaults to 1 as in the OpenAI API; a random seed when none
    std::vector<std::string> stop;      // up to 4 strings; the text ends before the first one generated
    bool stream = false;
    bool include_usage = false;  // stream_options.include_usage: a last chunk with the token counts
    bool ignore_eos = false;     // extension (as llama.cpp's server): generate past end-of-sequence tokens
};

struct completion_request {
    std::string model;
    std::variant<std::string, std::vector<int32_t>> prompt;  // text, or token ids
    generation_params params;
};

struct chat_request {
    std::string model;
    std::vector<chat_message> messages;
    generation_params params;
};

completion_request parse_completion_request(const nlohmann::json& body);
chat_request parse_chat_request(const nlohmann::json& body);

// POST /tokenize {"content": text, "parse_special": bool = true}; POST /detokenize {"tokens": [ids]}.
struct tokenize_request {
    std::string content;
    bool parse_special = true;
};
tokenize_request parse_tokenize_request(const nlohmann::json& body);
std::vector<int32_t> parse_detokenize_request(const nlohmann::json& body);

}  // namespace smol::serve
