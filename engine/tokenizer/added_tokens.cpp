#include "engine/tokenizer/added_tokens.h"

#include "engine/tokenizer/utf8.h"

namespace smol {

void added_token_matcher::trie::add(std::string_view content, int32_t index) {
    if (token_at.empty()) token_at.push_back(-1);
    int32_t node = 0;
    for (char c : content) {
        const uint64_t key = (uint64_t(node) << 8) | static_cast<uint8_t>(c);
        auto it = edges.find(key);
        if (it == edges.end()) {
            it = edges.emplace(key, int32_t(token_at.size())).first;
            token_at.push_back(-1);
        }
        node = it->second;
    }
    token_at[size_t(node)] = index;
    first_byte[static_cast<uint8_t>(content.front())] = true;
}

int32_t added_token_matcher::trie::longest_at(std::string_view text, size_t pos, size_t& length) const {
    int32_t node = 0, found = -1;
    for (size_t i = pos; i < text.size(); ++i) {
        auto it = edges.find((uint64_t(node) << 8) | static_cast<uint8_t>(text[i]));
        if (it == edges.end()) break;
        node = it->second;
        if (token_at[size_t(node)] >= 0) {
            found = token_at[size_t(node)];
            length = i + 1 - pos;
        }
    }
    return found;
}

added_token_matcher::added_token_matcher(const std::vector<added_token_spec>& tokens) : tokens_(tokens) {
    for (size_t i = 0; i < tokens_.size(); ++i) {
        const added_token_spec& t = tokens_[i];
        tries_[1][t.normalized].add(t.content, int32_t(i));
        if (!t.special) tries_[0][t.normalized].add(t.content, int32_t(i));
    }
    word_char_ = std::make_unique<unicode_regex>("[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}]");
    space_char_ = std::make_unique<unicode_regex>("\\p{White_Space}");
}

added_token_matcher::~added_token_matcher() = default;

namespace {

size_t previous_char(std::string_view text, size_t pos) {
    do --pos;
    while (pos > 0 && (static_cast<uint8_t>(text[pos]) & 0xC0) == 0x80);
    return pos;
}

size_t char_length(std::string_view text, size_t pos) {
    char32_t c;
    return utf8_decode(text, pos, c);
}

}  // namespace

bool added_token_matcher::is_single_word(std::string_view text, size_t start, size_t stop) const {
    if (start > 0) {
        const size_t p = previous_char(text, start);
        if (word_char_->matches_whole(text.substr(p, start - p))) return false;
    }
    if (stop < text.size() && word_char_->matches_whole(text.substr(stop, char_length(text, stop)))) return false;
    return true;
}

size_t added_token_matcher::strip_left(std::string_view text, size_t start, size_t floor) const {
    while (start > floor) {
        const size_t p = previous_char(text, start);
        if (!space_char_->matches_whole(text.substr(p, start - p))) break;
        start = p;
    }
    return start;
}

size_t added_token_matcher::strip_right(std::string_view text, size_t stop) const {
    while (stop < text.size()) {
        const size_t n = char_length(text, stop);
        if (!space_char_->matches_whole(text.substr(stop, n))) break;
        stop += n;
    }
    return stop;
}

void added_token_matcher::split_pass(std::string_view text, const trie& t, std::vector<text_segment>& out) const {
    if (t.empty()) {
        if (!text.empty()) out.push_back({text, -1});
        return;
    }
    size_t emitted = 0;  // text before this has been emitted
    size_t pos = 0;
    while (pos < text.size()) {
        if (!t.first_byte[static_cast<uint8_t>(text[pos])]) {
            ++pos;
            continue;
        }
        size_t length = 0;
        const int32_t index = t.longest_at(text, pos, length);
        if (index < 0) {
            ++pos;
            continue;
        }
        const added_token_spec& token = tokens_[size_t(index)];
        size_t start = pos, stop = pos + length;
        pos = stop;
        if (token.single_word && !is_single_word(text, start, stop)) continue;
        if (token.lstrip) start = strip_left(text, start, emitted);
        if (token.rstrip) stop = pos = strip_right(text, stop);
        if (start > emitted) out.push_back({text.substr(emitted, start - emitted), -1});
        out.push_back({{}, token.id});
        emitted = stop;
    }
    if (emitted < text.size()) out.push_back({text.substr(emitted), -1});
}

void added_token_matcher::split(std::string_view text, bool parse_special, std::vector<text_segment>& out) const {
    out.clear();
    std::vector<text_segment> first;
    split_pass(text, tries_[parse_special][0], first);
    for (const text_segment& s : first) {
        if (s.id >= 0) {
            out.push_back(s);
        } else {
            split_pass(s.text, tries_[parse_special][1], out);
        }
    }
}

}  // namespace smol
