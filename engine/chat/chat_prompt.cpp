#include "engine/chat/chat_prompt.h"

#include <fmt/format.h>

namespace smol {

namespace {

// A piece of the rendered conversation: text the template wrote, or a message's content.
struct segment {
    bool is_content;
    std::string text;
};

std::string content_marker(size_t index) { return fmt::format("\x1f<smol-content-{}>\x1f", index); }

// Renders once with each content replaced by a marker, to learn where the contents stand. Returns no
// segments when the template transforms contents (e.g. trims them), so that markers cannot stand in.
std::vector<segment> split_rendering(const chat_template& tmpl, std::span<const chat_message> messages,
                                     bool add_generation_prompt, const std::string& rendered) {
    std::vector<chat_message> marked(messages.begin(), messages.end());
    for (size_t i = 0; i < marked.size(); ++i) marked[i].content = content_marker(i);
    const std::string with_markers = tmpl.render(marked, add_generation_prompt);
    std::vector<segment> segments;
    std::string rebuilt;
    size_t at = 0;
    while (at < with_markers.size()) {
        size_t next = with_markers.find('\x1f', at);
        size_t index = 0;
        size_t end = std::string::npos;
        for (; next != std::string::npos; next = with_markers.find('\x1f', next + 1)) {
            for (index = 0; index < messages.size(); ++index)
                if (with_markers.compare(next, content_marker(index).size(), content_marker(index)) == 0) break;
            if (index < messages.size()) {
                end = next + content_marker(index).size();
                break;
            }
        }
        const size_t text_end = next == std::string::npos ? with_markers.size() : next;
        if (text_end > at) segments.push_back({false, with_markers.substr(at, text_end - at)});
        if (next == std::string::npos) break;
        segments.push_back({true, messages[index].content});
        at = end;
    }
    for (const segment& s : segments) rebuilt += s.text;
    if (rebuilt != rendered) segments.clear();
    return segments;
}

std::vector<std::pair<std::string, int32_t>> special_tokens(const tokenizer& tok) {
    std::vector<std::pair<std::string, int32_t>> specials;
    for (int32_t id = 0; id < tok.size(); ++id)
        if (tok.is_valid(id) && tok.is_special(id)) specials.emplace_back(tok.token_text(id), id);
    return specials;
}

}  // namespace

std::vector<int32_t> tokenize_conversation(const chat_template& tmpl, const tokenizer& tok,
                                           std::span<const chat_message> messages, bool add_generation_prompt) {
    const std::string rendered = tmpl.render(messages, add_generation_prompt);
    const auto specials = special_tokens(tok);
    const std::vector<segment> segments = split_rendering(tmpl, messages, add_generation_prompt, rendered);
    if (segments.empty()) {
        // The contents could not be located; parsing specials in the whole text is only safe when no content
        // spells a special token.
        for (const chat_message& m : messages)
            for (const auto& [text, id] : specials)
                if (m.content.find(text) != std::string::npos)
                    fail("a {} message contains the special token text '{}', and this chat template changes message "
                         "contents, so it cannot be kept as plain text",
                         m.role, text);
        return tok.encode(rendered, true);
    }
    // As HF does, special tokens split the text and each piece between them is encoded whole; only the
    // template's own text is searched for special tokens (leftmost, then longest).
    std::vector<int32_t> ids;
    std::string plain;
    auto flush = [&] {
        if (plain.empty()) return;
        auto piece = tok.encode(plain, false);
        ids.insert(ids.end(), piece.begin(), piece.end());
        plain.clear();
    };
    for (const segment& s : segments) {
        if (s.is_content) {
            plain += s.text;
            continue;
        }
        size_t at = 0;
        while (at < s.text.size()) {
            size_t best_pos = std::string::npos, best_len = 0;
            int32_t best_id = -1;
            for (const auto& [text, id] : specials) {
                size_t pos = s.text.find(text, at);
                if (pos != std::string::npos && (pos < best_pos || (pos == best_pos && text.size() > best_len))) {
                    best_pos = pos;
                    best_len = text.size();
                    best_id = id;
                }
            }
            if (best_id < 0) {
                plain.append(s.text, at);
                break;
            }
            plain.append(s.text, at, best_pos - at);
            flush();
            ids.push_back(best_id);
            at = best_pos + best_len;
        }
    }
    flush();
    return ids;
}

}  // namespace smol
