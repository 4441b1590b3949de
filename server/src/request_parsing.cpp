#include "server/src/request_parsing.h"

#include "server/src/api_error.h"

#include <cmath>
#include <limits>
#include <random>

namespace smol::serve {

using nlohmann::json;

namespace {

const char* type_name(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "an integer";
        case json::value_t::number_float: return "a number";
        case json::value_t::string: return "a string";
        case json::value_t::array: return "an array";
        case json::value_t::object: return "an object";
        default: return "an unsupported value";
    }
}

[[noreturn]] void wrong_type(const std::string& field, const char* expected, const json& v) {
    fail_request(field, "{}: expected {}, got {}", field, expected, type_name(v));
}

// The member, or nullptr when absent or null (the OpenAI API treats null as "not given").
const json* member(const json& body, const char* key) {
    auto it = body.find(key);
    return it == body.end() || it->is_null() ? nullptr : &*it;
}

bool get_bool(const json& v, const std::string& field) {
    if (!v.is_boolean()) wrong_type(field, "a boolean", v);
    return v.get<bool>();
}

std::string get_string(const json& v, const std::string& field) {
    if (!v.is_string()) wrong_type(field, "a string", v);
    return v.get<std::string>();
}

int64_t get_integer(const json& v, const std::string& field, int64_t min, int64_t max) {
    int64_t x = 0;
    if (v.is_number_unsigned()) {
        const uint64_t u = v.get<uint64_t>();
        if (u > uint64_t(std::numeric_limits<int64_t>::max())) fail_request(field, "{}: {} is out of range {}..{}", field, u, min, max);
        x = int64_t(u);
    } else if (v.is_number_integer()) {
        x = v.get<int64_t>();
    } else if (v.is_number_float() && std::isfinite(v.get<double>()) && v.get<double>() == std::floor(v.get<double>()) &&
               std::fabs(v.get<double>()) < 9.0e15) {
        x = int64_t(v.get<double>());  // 16.0 is an integer in JSON's number model
    } else {
        wrong_type(field, "an integer", v);
    }
    if (x < min || x > max) fail_request(field, "{}: {} is out of range {}..{}", field, x, min, max);
    return x;
}

double get_number(const json& v, const std::string& field, double min, double max, bool min_open = false) {
    if (!v.is_number()) wrong_type(field, "a number", v);
    const double x = v.get<double>();
    if (!(min_open ? x > min : x >= min) || !(x <= max))
        fail_request(field, "{}: {} is out of range {}{}, {}]", field, x, min_open ? "(" : "[", min, max);
    return x;
}

void check_model(const json& body, std::string& model) {
    const json* m = member(body, "model");
    if (m) model = get_string(*m, "model");  // the server checks it names its model
}

// Parameters that would change the result if honoured: refused unless at their neutral value.
void refuse_unsupported(const json& body) {
    if (const json* n = member(body, "n"); n && get_integer(*n, "n", 1, 128) != 1)
        fail_request("n", "n: only 1 choice per request is supported; send {} requests", n->dump());
    for (const char* key : {"frequency_penalty", "presence_penalty"})
        if (const json* p = member(body, key); p && get_number(*p, key, -2.0, 2.0) != 0.0)
            fail_request(key, "{}: only 0 is supported", key);
    for (const char* key : {"logprobs", "top_logprobs", "logit_bias", "tools", "functions", "response_format", "suffix"}) {
        const json* p = member(body, key);
        if (!p || (p->is_boolean() && !p->get<bool>()) || (p->is_object() && p->empty()) ||
            (p->is_array() && p->empty()))
            continue;
        if (std::string_view(key) == "response_format" && p->is_object() && p->value("type", "") == "text") continue;
        fail_request(key, "{}: not supported by this server", key);
    }
    if (const json* echo = member(body, "echo"); echo && get_bool(*echo, "echo"))
        fail_request("echo", "echo: not supported by this server");
    if (const json* b = member(body, "best_of"); b && get_integer(*b, "best_of", 1, 128) != 1)
        fail_request("best_of", "best_of: only 1 is supported");
}

generation_params parse_generation_params(const json& body, int32_t default_max_tokens, bool chat) {
    refuse_unsupported(body);
    generation_params p;
    p.sampling.temperature = 1.0f;
    if (default_max_tokens >= 0) p.max_tokens = default_max_tokens;
    const char* max_key = chat && member(body, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
    if (const json* v = member(body, max_key)) p.max_tokens = int32_t(get_integer(*v, max_key, 1, INT32_MAX));
    if (const json* v = member(body, "temperature")) p.sampling.temperature = float(get_number(*v, "temperature", 0.0, 2.0));
    if (const json* v = member(body, "top_p")) p.sampling.top_p = float(get_number(*v, "top_p", 0.0, 1.0, true));
    if (const json* v = member(body, "top_k")) p.sampling.top_k = int32_t(get_integer(*v, "top_k", 0, INT32_MAX));
    if (const json* v = member(body, "seed")) {
        // OpenAI documents a 64-bit signed seed; negative ones map onto the generator's unsigned seeds.
        if (v->is_number_unsigned()) p.sampling.seed = v->get<uint64_t>();
        else p.sampling.seed = uint64_t(get_integer(*v, "seed", std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()));
    } else {
        p.sampling.seed = std::random_device{}();
    }
    if (const json* v = member(body, "stop")) {
        if (v->is_string()) {
            p.stop.push_back(v->get<std::string>());
        } else if (v->is_array()) {
            if (v->size() > 4) fail_request("stop", "stop: at most 4 sequences, got {}", v->size());
            for (size_t i = 0; i < v->size(); ++i) p.stop.push_back(get_string((*v)[i], fmt::format("stop[{}]", i)));
        } else {
            wrong_type("stop", "a string or an array of strings", *v);
        }
        for (size_t i = 0; i < p.stop.size(); ++i)
            if (p.stop[i].empty()) fail_request("stop", "stop[{}]: an empty stop sequence would end every reply at once", i);
    }
    if (const json* v = member(body, "stream")) p.stream = get_bool(*v, "stream");
    if (const json* v = member(body, "stream_options")) {
        if (!v->is_object()) wrong_type("stream_options", "an object", *v);
        if (!p.stream) fail_request("stream_options", "stream_options: only allowed with stream: true");
        if (const json* u = member(*v, "include_usage")) p.include_usage = get_bool(*u, "stream_options.include_usage");
    }
    if (const json* v = member(body, "ignore_eos")) p.ignore_eos = get_bool(*v, "ignore_eos");
    return p;
}

std::vector<int32_t> get_token_ids(const json& v, const std::string& field) {
    std::vector<int32_t> ids;
    for (size_t i = 0; i < v.size(); ++i)
        ids.push_back(int32_t(get_integer(v[i], fmt::format("{}[{}]", field, i), 0, INT32_MAX)));
    return ids;
}

// A message's content: a string, or the array-of-parts form with text parts only.
std::string message_content(const json& v, const std::string& field) {
    if (v.is_string()) return v.get<std::string>();
    if (!v.is_array()) wrong_type(field, "a string or an array of content parts", v);
    std::string text;
    for (size_t i = 0; i < v.size(); ++i) {
        const std::string part = fmt::format("{}[{}]", field, i);
        if (!v[i].is_object()) wrong_type(part, "an object", v[i]);
        const json* type = member(v[i], "type");
        if (!type || get_string(*type, part + ".type") != "text")
            fail_request(part + ".type", "{}.type: only \"text\" parts are supported", part);
        const json* t = member(v[i], "text");
        if (!t) fail_request(part + ".text", "{}.text: missing", part);
        text += get_string(*t, part + ".text");
    }
    return text;
}

}  // namespace

json parse_json_body(std::string_view body) {
    json v;
    try {
        v = json::parse(body);
    } catch (const json::parse_error& e) {
        fail_request("", "the request body is not valid JSON: {}", e.what());
    }
    if (!v.is_object()) fail_request("", "the request body must be a JSON object, got {}", type_name(v));
    return v;
}

completion_request parse_completion_request(const json& body) {
    completion_request r;
    check_model(body, r.model);
    const json* prompt = member(body, "prompt");
    if (!prompt) fail_request("prompt", "prompt: missing");
    if (prompt->is_string()) {
        r.prompt = prompt->get<std::string>();
    } else if (prompt->is_array() && !prompt->empty() && (*prompt)[0].is_string()) {
        if (prompt->size() != 1) fail_request("prompt", "prompt: only one prompt per request is supported, got {}", prompt->size());
        r.prompt = (*prompt)[0].get<std::string>();
    } else if (prompt->is_array() && !prompt->empty() && (*prompt)[0].is_array()) {
        if (prompt->size() != 1) fail_request("prompt", "prompt: only one prompt per request is supported, got {}", prompt->size());
        r.prompt = get_token_ids((*prompt)[0], "prompt[0]");
    } else if (prompt->is_array()) {
        r.prompt = get_token_ids(*prompt, "prompt");
    } else {
        wrong_type("prompt", "a string or an array of token ids", *prompt);
    }
    if (std::holds_alternative<std::string>(r.prompt) ? std::get<std::string>(r.prompt).empty()
                                                      : std::get<std::vector<int32_t>>(r.prompt).empty())
        fail_request("prompt", "prompt: empty; at least one token is needed to start generation");
    r.params = parse_generation_params(body, 16, false);  // the OpenAI default for completions
    return r;
}

chat_request parse_chat_request(const json& body) {
    chat_request r;
    check_model(body, r.model);
    const json* messages = member(body, "messages");
    if (!messages) fail_request("messages", "messages: missing");
    if (!messages->is_array()) wrong_type("messages", "an array", *messages);
    if (messages->empty()) fail_request("messages", "messages: empty; at least one message is needed");
    for (size_t i = 0; i < messages->size(); ++i) {
        const std::string field = fmt::format("messages[{}]", i);
        const json& m = (*messages)[i];
        if (!m.is_object()) wrong_type(field, "an object", m);
        const json* role = member(m, "role");
        if (!role) fail_request(field + ".role", "{}.role: missing", field);
        chat_message msg;
        msg.role = get_string(*role, field + ".role");
        if (msg.role == "developer") msg.role = "system";  // the OpenAI API's newer name for the system role
        if (msg.role != "system" && msg.role != "user" && msg.role != "assistant")
            fail_request(field + ".role", "{}.role: '{}' is not one of system, developer, user, assistant", field, msg.role);
        const json* content = member(m, "content");
        if (!content) fail_request(field + ".content", "{}.content: missing", field);
        msg.content = message_content(*content, field + ".content");
        r.messages.push_back(std::move(msg));
    }
    r.params = parse_generation_params(body, -1, true);
    return r;
}

tokenize_request parse_tokenize_request(const json& body) {
    tokenize_request r;
    const json* content = member(body, "content");
    if (!content) fail_request("content", "content: missing");
    r.content = get_string(*content, "content");
    if (const json* v = member(body, "parse_special")) r.parse_special = get_bool(*v, "parse_special");
    return r;
}

std::vector<int32_t> parse_detokenize_request(const json& body) {
    const json* tokens = member(body, "tokens");
    if (!tokens) fail_request("tokens", "tokens: missing");
    if (!tokens->is_array()) wrong_type("tokens", "an array of token ids", *tokens);
    return get_token_ids(*tokens, "tokens");
}

}  // namespace smol::serve
