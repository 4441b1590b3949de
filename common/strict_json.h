#pragma once
// JSON parsing for untrusted files: invalid UTF-8, trailing garbage and duplicate object keys are errors
// (a duplicate key must never silently mean "the last one wins").
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace smol {

// `what` names the source in messages, e.g. "model.safetensors header" or "config.json".
nlohmann::json parse_strict_json(std::string_view text, const std::string& what);

}  // namespace smol
