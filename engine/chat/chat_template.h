#pragma once
// Chat templates: renders the Jinja `chat_template` of a HuggingFace tokenizer_config.json exactly as
// @huggingface/jinja (transformers.js) does, for the subset of Jinja chat templates use. Anything outside
// the subset is an error naming the construct and its place ("chat_template:1:45: unsupported filter
// 'wordcount'"), never a silently different rendering.
//
// Subset: text, {{ }}, {# #}, {% if/elif/else %}, {% for [k, v] in xs [if cond] %} with loop.* and {% else %},
// {% set x = ... %} and {% set x %}...{% endset %}, whitespace control, HF's trim_blocks + lstrip_blocks;
// string/integer/list/dict literals, true/false/none (both cases), `.`/`[]`/slices, + - * // % ~, comparisons,
// and/or/not, in/not in, `a if c else b`, tests (defined, none, string, mapping, odd, ...), filters (trim,
// length, upper, lower, tojson, join, default, first, last, items, ...), string/dict methods (strip,
// startswith, get, items, ...), raise_exception, range. Undefined variables behave as in the reference
// (print nothing, are false, make arithmetic an error). Refused: floats, `/`, `**`, macros, break/continue,
// namespace, non-ASCII case mapping, and the other filters and methods.
//
// The rendered text contains special tokens (e.g. <|im_start|>) only where the template writes them; tokenize
// it with special-token parsing while user content stays plain text (the caller's job: see engine/tokenizer).
#include "common/error.h"

#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace smol {

struct chat_message {
    std::string role, content;
};

class chat_template {
public:
    // Parses once; throws smol::error on a syntax error or an unsupported construct.
    static chat_template parse(std::string_view source);

    std::string render(std::span<const chat_message> messages, bool add_generation_prompt, const std::string& bos_token,
                       const std::string& eos_token) const;
    // With the bos/eos tokens that came with the template (load_chat_template), empty after parse().
    std::string render(std::span<const chat_message> messages, bool add_generation_prompt) const {
        return render(messages, add_generation_prompt, bos_token_, eos_token_);
    }

    const std::string& source() const;
    const std::string& bos_token() const { return bos_token_; }
    const std::string& eos_token() const { return eos_token_; }
    void set_special_tokens(std::string bos_token, std::string eos_token) {
        bos_token_ = std::move(bos_token);
        eos_token_ = std::move(eos_token);
    }

    struct program;  // the parsed template (internal)

private:
    explicit chat_template(std::shared_ptr<const program> p) : program_(std::move(p)) {}
    std::shared_ptr<const program> program_;  // immutable, so copies can share it
    std::string bos_token_, eos_token_;
};

// Reads `chat_template` (a string, or the list-of-named-templates form, from which "default" is taken) and
// `bos_token` / `eos_token` (a string or an {"content": ...} object; absent or null means "") from a
// tokenizer_config.json.
chat_template load_chat_template(const std::string& tokenizer_config_json_path);

}  // namespace smol
