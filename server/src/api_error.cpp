#include "server/src/api_error.h"

namespace smol::serve {

nlohmann::json api_error::to_json() const {
    nlohmann::json e = {{"message", what()}, {"type", type_}};
    e["param"] = param_.empty() ? nlohmann::json(nullptr) : nlohmann::json(param_);
    e["code"] = code_.empty() ? nlohmann::json(nullptr) : nlohmann::json(code_);
    return {{"error", e}};
}

std::string error_body(int status, const std::string& type, const std::string& message) {
    return api_error(status, type, message).to_json().dump();
}

}  // namespace smol::serve
