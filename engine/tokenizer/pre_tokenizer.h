#pragma once
// HF's pre-tokenizers for byte-level BPE: Digits, Split (regex or string, five behaviours, invert) and
// ByteLevel (optional prefix space, GPT-2 regex), applied in sequence to each piece of the previous step,
// with empty pieces dropped. Regexes run on Oniguruma as in HF.
#include "engine/tokenizer/tokenizer_json.h"
#include "engine/tokenizer/unicode_regex.h"

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace smol {

class pre_tokenizer {
public:
    explicit pre_tokenizer(const std::vector<pre_tokenizer_spec>& steps);

    // Splits valid UTF-8 `text` into pieces, which view `text` or strings kept in `arena`.
    void split(std::string_view text, std::vector<std::string_view>& pieces, std::deque<std::string>& arena) const;

private:
    struct step {
        pre_tokenizer_spec spec;
        std::unique_ptr<unicode_regex> regex;  // digits, split (Regex) and byte_level with use_regex
    };
    void apply(const step& s, std::string_view piece, std::vector<std::string_view>& out,
               std::deque<std::string>& arena) const;

    std::vector<step> steps_;
};

}  // namespace smol
