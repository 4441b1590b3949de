#pragma once
// Server-sent events as the OpenAI streaming API frames them: each chunk one "data: <json>" event, the
// stream ended by "data: [DONE]".
#include <nlohmann/json.hpp>

#include <string>

namespace smol::serve {

std::string sse_event(const nlohmann::json& data);
std::string sse_done();
// JSON text for a response: invalid UTF-8 cannot reach it (generated text is made whole by utf8_stream),
// but a dump must never throw inside a response, so any is replaced.
std::string json_text(const nlohmann::json& v);

}  // namespace smol::serve
