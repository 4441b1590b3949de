#include "server/src/openai_responses.h"

namespace smol::serve {

using nlohmann::json;

namespace {

json envelope(const response_meta& meta, const char* object) {
    return {{"id", meta.id}, {"object", object}, {"created", meta.created}, {"model", meta.model},
            {"system_fingerprint", "smol32"}};
}

json finish_json(const std::optional<std::string>& reason) { return reason ? json(*reason) : json(nullptr); }

}  // namespace

json usage_json(int32_t prompt_tokens, int32_t completion_tokens) {
    return {{"prompt_tokens", prompt_tokens}, {"completion_tokens", completion_tokens},
            {"total_tokens", prompt_tokens + completion_tokens}};
}

json full_response(const response_meta& meta, const std::string& text, const std::string& finish_reason,
                   int32_t prompt_tokens, int32_t completion_tokens) {
    json r = envelope(meta, meta.chat ? "chat.completion" : "text_completion");
    json choice = {{"index", 0}, {"finish_reason", finish_reason}, {"logprobs", nullptr}};
    if (meta.chat) choice["message"] = {{"role", "assistant"}, {"content", text}};
    else choice["text"] = text;
    r["choices"] = json::array({choice});
    r["usage"] = usage_json(prompt_tokens, completion_tokens);
    return r;
}

json chunk_response(const response_meta& meta, const std::string& text, const std::optional<std::string>& finish_reason,
                    bool role_chunk) {
    json r = envelope(meta, meta.chat ? "chat.completion.chunk" : "text_completion");
    json choice = {{"index", 0}, {"finish_reason", finish_json(finish_reason)}, {"logprobs", nullptr}};
    if (meta.chat) {
        json delta = json::object();
        if (role_chunk) delta = {{"role", "assistant"}, {"content", ""}};
        else if (!text.empty()) delta["content"] = text;
        choice["delta"] = delta;
    } else {
        choice["text"] = text;
    }
    r["choices"] = json::array({choice});
    return r;
}

json usage_chunk(const response_meta& meta, int32_t prompt_tokens, int32_t completion_tokens) {
    json r = envelope(meta, meta.chat ? "chat.completion.chunk" : "text_completion");
    r["choices"] = json::array();
    r["usage"] = usage_json(prompt_tokens, completion_tokens);
    return r;
}

}  // namespace smol::serve
