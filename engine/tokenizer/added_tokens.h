#pragma once
// Added tokens (special and not) found in raw text before pre-tokenization, as HF's AddedVocabulary does:
// leftmost-longest, non-overlapping; tokens with normalized=false are matched first over the whole text,
// then those with normalized=true in the gaps (there is no normalizer, so both see the same text).
// single_word / lstrip / rstrip follow HF: word characters are regex \w, whitespace is White_Space.
// With parse_special off, special tokens are not matched at all: their text is ordinary text.
#include "engine/tokenizer/tokenizer_json.h"
#include "engine/tokenizer/unicode_regex.h"

#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace smol {

struct text_segment {
    std::string_view text;  // when id < 0
    int32_t id = -1;        // an added token
};

class added_token_matcher {
public:
    explicit added_token_matcher(const std::vector<added_token_spec>& tokens);
    ~added_token_matcher();

    // Cuts valid UTF-8 `text` into plain-text segments and added tokens.
    void split(std::string_view text, bool parse_special, std::vector<text_segment>& out) const;

private:
    // A byte trie over one group of tokens.
    struct trie {
        std::unordered_map<uint64_t, int32_t> edges;  // (node << 8 | byte) -> node
        std::vector<int32_t> token_at;                // node -> index into tokens_, or -1
        bool first_byte[256] = {};
        bool empty() const { return token_at.size() <= 1; }
        void add(std::string_view content, int32_t index);
        // Longest token starting at `pos`: its index and length, or -1.
        int32_t longest_at(std::string_view text, size_t pos, size_t& length) const;
    };
    void split_pass(std::string_view text, const trie& t, std::vector<text_segment>& out) const;
    size_t strip_left(std::string_view text, size_t start, size_t floor) const;
    size_t strip_right(std::string_view text, size_t stop) const;
    bool is_single_word(std::string_view text, size_t start, size_t stop) const;

    std::vector<added_token_spec> tokens_;
    // [parse_special][normalized]
    trie tries_[2][2];
    std::unique_ptr<unicode_regex> word_char_, space_char_;
};

}  // namespace smol
