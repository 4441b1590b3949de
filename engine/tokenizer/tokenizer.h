#pragma once
// A byte-level BPE tokenizer loaded from HF's tokenizer.json, giving the same ids and text as HF
// `tokenizers` (checked by the conformance test against HF itself on 20,000+ strings).
//
// Input is any byte string. Invalid UTF-8 is first replaced, maximal invalid subpart by maximal invalid
// subpart, with U+FFFD (WHATWG / Rust from_utf8_lossy) — exactly what HF receives when those bytes reach it
// through a JS or Python string decoded with replacement. Encoding never throws on any input
// (only a Split regex of the file itself could hit Oniguruma's backtracking limit: smol::error, as HF fails).
#include "engine/tokenizer/utf8.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smol {

struct tokenizer_spec;

class tokenizer {
public:
    // Throws smol::error naming the file and the bad entry.
    static tokenizer load(const std::string& tokenizer_json_path);
    static tokenizer from_json(std::string_view text, const std::string& what);

    tokenizer(tokenizer&&) noexcept;
    tokenizer& operator=(tokenizer&&) noexcept;
    ~tokenizer();

    // parse_special: text of special added tokens becomes those tokens; otherwise it is plain text
    // (non-special added tokens are always matched, as in HF). The post-processor's tokens, if the file has
    // any (SmolLM2's adds none), surround the result.
    std::vector<int32_t> encode(std::string_view utf8_or_bytes, bool parse_special) const;
    // Byte-level decoding of the concatenated tokens, lossy UTF-8 as HF; throws smol::error
    // "invalid token id N (vocab size V)" for an id that is not a token.
    std::string decode(std::span<const int32_t> ids, bool skip_special) const;
    // A token's raw bytes (possibly an incomplete UTF-8 sequence); throws like decode.
    std::string token_bytes(int32_t id) const;
    // What a generated token adds to streamed text: its bytes, or nothing for a special token or for an id the
    // tokenizer lacks (a model's vocabulary may have unused rows past the tokenizer's; HF's decode skips them).
    std::string_view generated_bytes(int32_t id) const;
    // The token as spelled in the vocabulary (byte-level characters, or an added token's text).
    std::string token_text(int32_t id) const;

    int32_t size() const;  // highest id + 1
    std::optional<int32_t> find(std::string_view token) const;
    bool is_special(int32_t id) const;
    bool is_valid(int32_t id) const;

private:
    struct impl;
    explicit tokenizer(std::unique_ptr<impl> p);
    void check_id(int32_t id) const;
    std::unique_ptr<impl> impl_;
};

// The tokenizer of an HF model directory (its tokenizer.json), or of a tokenizer.json given directly.
tokenizer load_tokenizer_for_model(const std::string& model_path);

}  // namespace smol
