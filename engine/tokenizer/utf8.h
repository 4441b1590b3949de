#pragma once
// UTF-8 for a tokenizer that takes any byte string: lossy decoding with the WHATWG / Rust
// `String::from_utf8_lossy` rule (each maximal invalid subpart becomes one U+FFFD), which is exactly what HF
// sees when the same bytes reach it through a JS string; and a streaming hold-back for generated text.
#include <cstddef>
#include <string>
#include <string_view>

namespace smol {

// Length of the valid UTF-8 prefix of `bytes`.
size_t utf8_valid_prefix(std::string_view bytes);

// `bytes` with every maximal invalid subpart replaced by U+FFFD (EF BF BD).
std::string utf8_lossy(std::string_view bytes);

// Decodes the code point at `text[pos]` of valid UTF-8; returns its length in bytes.
size_t utf8_decode(std::string_view text, size_t pos, char32_t& code_point);

// Streams token bytes to text: push() returns only complete UTF-8 (invalid parts replaced as utf8_lossy does)
// and holds back a trailing sequence that may still complete; finish() flushes what is held (as U+FFFD).
// Concatenating every push() and the finish() equals utf8_lossy of all the bytes.
class utf8_stream {
public:
    std::string push(std::string_view bytes);
    std::string finish();
    bool holding() const { return !pending_.empty(); }

private:
    std::string pending_;
};

}  // namespace smol
