// load_chat_template: the tokenizer_config.json side of chat templates.
#include "common/error.h"
#include "common/input_file.h"
#include "common/strict_json.h"
#include "engine/chat/chat_template.h"

#include <fstream>
#include <sstream>

namespace smol {
namespace {

// tokenizer_config.json is a few kB; the cap only keeps a wrong file from filling memory.
constexpr size_t max_config_bytes = size_t{64} << 20;

std::string read_file(const std::string& path) { return read_input_file(path, max_config_bytes); }

// Tokens are saved either as plain strings or as AddedToken objects ({"content": ..., "lstrip": ...}).
std::string special_token(const nlohmann::json& config, const char* key, const std::string& path) {
    auto it = config.find(key);
    if (it == config.end() || it->is_null()) return "";
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object()) {
        auto content = it->find("content");
        if (content != it->end() && content->is_string()) return content->get<std::string>();
    }
    fail("{}: '{}' must be a string or an object with a string 'content'", path, key);
}

std::string template_source(const nlohmann::json& config, const std::string& path) {
    auto it = config.find("chat_template");
    if (it == config.end() || it->is_null()) fail("{}: no 'chat_template'", path);
    if (it->is_string()) return it->get<std::string>();
    if (it->is_array()) {
        for (const auto& entry : *it) {
            if (!entry.is_object() || !entry.contains("name") || !entry.contains("template") ||
                !entry["name"].is_string() || !entry["template"].is_string())
                fail("{}: each named chat_template needs string 'name' and 'template'", path);
            if (entry["name"] == "default") return entry["template"].get<std::string>();
        }
        fail("{}: chat_template list has no template named 'default'", path);
    }
    fail("{}: 'chat_template' must be a string or a list of named templates", path);
}

}  // namespace

chat_template load_chat_template(const std::string& tokenizer_config_json_path) {
    const std::string& path = tokenizer_config_json_path;
    const nlohmann::json config = parse_strict_json(read_file(path), path);
    if (!config.is_object()) fail("{}: expected a JSON object", path);
    chat_template t = [&] {
        try {
            return chat_template::parse(template_source(config, path));
        } catch (const error& e) {
            fail("{}: {}", path, e.what());
        }
    }();
    t.set_special_tokens(special_token(config, "bos_token", path), special_token(config, "eos_token", path));
    return t;
}

}  // namespace smol
