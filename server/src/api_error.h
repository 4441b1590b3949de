#pragma once
// An error answered to an HTTP client as the OpenAI API does: a status and
// {"error": {"message", "type", "param", "code"}}, where param names the request field at fault.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace smol::serve {

class api_error : public std::runtime_error {
public:
    api_error(int status, std::string type, const std::string& message, std::string param = {}, std::string code = {})
        : std::runtime_error(message), status_(status), type_(std::move(type)), param_(std::move(param)),
          code_(std::move(code)) {}

    int status() const { return status_; }
    const std::string& param() const { return param_; }
    nlohmann::json to_json() const;

private:
    int status_;
    std::string type_, param_, code_;
};

// 400 invalid_request_error naming `param` (the field, e.g. "max_tokens" or "messages[2].content").
template <typename... Args>
[[noreturn]] void fail_request(const std::string& param, fmt::format_string<Args...> format, Args&&... args) {
    throw api_error(400, "invalid_request_error", fmt::format(format, std::forward<Args>(args)...), param);
}

// The JSON body of an error response with no field at fault (unknown route, body too large, ...).
std::string error_body(int status, const std::string& type, const std::string& message);

}  // namespace smol::serve
