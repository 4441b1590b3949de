#pragma once
// tokenizer.json (HF `tokenizers`) read into a checked description of the pipeline. Everything a file can
// get wrong is rejected here with the entry named: unknown types, merges that refer to missing tokens,
// duplicate or out-of-range ids. Only what byte-level BPE models (GPT-2, SmolLM2, LLaMA-3 style) use is
// accepted; anything else is an error rather than a silent difference from HF.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smol {

// Ids above this are refused before any table is sized by them.
constexpr int32_t tokenizer_max_id = (1 << 24) - 1;

struct added_token_spec {
    int32_t id = 0;
    std::string content;
    bool special = false;
    bool single_word = false;
    bool lstrip = false;
    bool rstrip = false;
    bool normalized = false;
};

// How a Split keeps its matches (HF SplitDelimiterBehavior).
enum class split_behavior { removed, isolated, merged_with_previous, merged_with_next, contiguous };

struct pre_tokenizer_spec {
    enum class kind { byte_level, digits, split };
    kind type = kind::byte_level;
    bool add_prefix_space = false;   // byte_level
    bool use_regex = true;           // byte_level: split with GPT-2's pattern first
    bool individual_digits = false;  // digits
    std::string pattern;             // split
    bool pattern_is_regex = true;    // split: Regex or String
    split_behavior behavior = split_behavior::isolated;
    bool invert = false;  // split
};

struct tokenizer_spec {
    std::vector<std::string> vocab;  // model vocabulary by id, as spelled in the file; "" where no token
    std::vector<bool> vocab_present;
    std::vector<std::pair<int32_t, int32_t>> merges;  // in rank order
    std::optional<int32_t> unk_id;
    bool fuse_unk = false;
    bool ignore_merges = false;
    std::vector<added_token_spec> added_tokens;
    std::vector<pre_tokenizer_spec> pre_tokenizers;  // flattened Sequence; ByteLevel is the last
    std::vector<int32_t> post_prefix_ids, post_suffix_ids;  // TemplateProcessing around a single sequence
};

// `what` names the file in messages.
tokenizer_spec parse_tokenizer_json(std::string_view text, const std::string& what);

// GPT-2's pre-tokenization pattern, used by ByteLevel(use_regex=true).
extern const char* const gpt2_split_pattern;

}  // namespace smol
