#pragma once
// A compiled Oniguruma regex with the options HF `tokenizers` uses (UTF-8, Ruby syntax, no options), so
// \s, \p{L}, \p{N} and lookarounds mean exactly what they mean in HF's pre-tokenizers.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace smol {

class unicode_regex {
public:
    explicit unicode_regex(const std::string& pattern);  // throws smol::error with Oniguruma's message
    ~unicode_regex();
    unicode_regex(const unicode_regex&) = delete;
    unicode_regex& operator=(const unicode_regex&) = delete;

    // Calls on_match(begin, end) for each successive match in `text` (valid UTF-8), searched as its own
    // string; an empty match right after the previous one is skipped as onig's find_iter does.
    void for_each_match(std::string_view text, const std::function<void(size_t, size_t)>& on_match) const;
    // True if the whole of `text` is one match (anchored both ends).
    bool matches_whole(std::string_view text) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace smol
