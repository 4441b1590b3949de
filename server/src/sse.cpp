#include "server/src/sse.h"

namespace smol::serve {

std::string json_text(const nlohmann::json& v) { return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

std::string sse_event(const nlohmann::json& data) { return "data: " + json_text(data) + "\n\n"; }

std::string sse_done() { return "data: [DONE]\n\n"; }

}  // namespace smol::serve
