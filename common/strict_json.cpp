#include "common/strict_json.h"

#include "common/error.h"

#include <set>
#include <vector>

namespace smol {

nlohmann::json parse_strict_json(std::string_view text, const std::string& what) {
    std::vector<std::set<std::string>> keys_per_object;
    std::string duplicate;
    auto callback = [&](int /*depth*/, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using event_t = nlohmann::json::parse_event_t;
        if (event == event_t::object_start) {
            keys_per_object.emplace_back();
        } else if (event == event_t::object_end) {
            if (!keys_per_object.empty()) keys_per_object.pop_back();
        } else if (event == event_t::key && !keys_per_object.empty()) {
            const auto& key = parsed.get_ref<const std::string&>();
            if (!keys_per_object.back().insert(key).second && duplicate.empty()) duplicate = key;
        }
        return true;
    };
    // The formats are strict where nlohmann is lenient: safetensors requires '{' as the first byte and HF
    // tokenizers rejects a byte order mark; a raw NUL cannot occur in JSON text (nlohmann stops at one, so
    // NUL padding after a safetensors header would pass unseen).
    if (text.starts_with("\xEF\xBB\xBF")) fail("{}: starts with a UTF-8 byte order mark; JSON must begin with its value", what);
    if (size_t nul = text.find('\0'); nul != std::string_view::npos)
        fail("{}: NUL byte at offset {}; JSON text cannot contain one", what, nul);
    nlohmann::json result;
    try {
        result = nlohmann::json::parse(text.begin(), text.end(), callback);
    } catch (const nlohmann::json::exception& e) {
        fail("{}: invalid JSON: {}", what, e.what());
    }
    if (!duplicate.empty()) fail("{}: duplicate key \"{}\"", what, duplicate);
    return result;
}

}  // namespace smol
