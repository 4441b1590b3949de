#include "engine/tokenizer/unicode_regex.h"

#include "common/error.h"
#include "engine/tokenizer/utf8.h"

#include <oniguruma.h>

#include <mutex>

namespace smol {
namespace {

void onig_setup() {
    static std::once_flag once;
    std::call_once(once, [] {
        OnigEncoding encodings[] = {ONIG_ENCODING_UTF8};
        onig_initialize(encodings, 1);
    });
}

std::string onig_message(int code, OnigErrorInfo* info) {
    OnigUChar text[ONIG_MAX_ERROR_MESSAGE_LEN];
    const int n = info ? onig_error_code_to_str(text, code, info) : onig_error_code_to_str(text, code);
    return std::string(reinterpret_cast<const char*>(text), size_t(n > 0 ? n : 0));
}

const OnigUChar* bytes(std::string_view s) { return reinterpret_cast<const OnigUChar*>(s.data()); }

struct region_deleter {
    void operator()(OnigRegion* r) const { onig_region_free(r, 1); }
};

}  // namespace

struct unicode_regex::impl {
    regex_t* regex = nullptr;
    std::string pattern;
};

unicode_regex::unicode_regex(const std::string& pattern) : impl_(std::make_unique<impl>()) {
    onig_setup();
    impl_->pattern = pattern;
    OnigErrorInfo info{};
    const int r = onig_new(&impl_->regex, bytes(pattern), bytes(pattern) + pattern.size(), ONIG_OPTION_NONE,
                           ONIG_ENCODING_UTF8, ONIG_SYNTAX_RUBY, &info);
    if (r != ONIG_NORMAL) fail("invalid regex \"{}\": {}", pattern, onig_message(r, &info));
}

unicode_regex::~unicode_regex() {
    if (impl_ && impl_->regex) onig_free(impl_->regex);
}

void unicode_regex::for_each_match(std::string_view text,
                                   const std::function<void(size_t, size_t)>& on_match) const {
    std::unique_ptr<OnigRegion, region_deleter> region(onig_region_new());
    const OnigUChar* begin = bytes(text);
    const OnigUChar* end = begin + text.size();
    size_t from = 0;
    bool have_last = false;
    size_t last_end = 0;
    while (from <= text.size()) {
        onig_region_clear(region.get());
        const int r = onig_search(impl_->regex, begin, end, begin + from, end, region.get(), ONIG_OPTION_NONE);
        if (r == ONIG_MISMATCH) return;
        if (r < 0) fail("regex \"{}\": {}", impl_->pattern, onig_message(r, nullptr));
        const size_t s = size_t(region->beg[0]), e = size_t(region->end[0]);
        if (s == e && have_last && last_end == e) {
            if (from >= text.size()) return;
            char32_t c;
            from += utf8_decode(text, from, c);
            continue;
        }
        from = e;
        have_last = true;
        last_end = e;
        on_match(s, e);
        if (s == e && from >= text.size()) return;
    }
}

bool unicode_regex::matches_whole(std::string_view text) const {
    std::unique_ptr<OnigRegion, region_deleter> region(onig_region_new());
    const OnigUChar* begin = bytes(text);
    const int r = onig_match(impl_->regex, begin, begin + text.size(), begin, region.get(), ONIG_OPTION_NONE);
    return r >= 0 && size_t(r) == text.size();
}

}  // namespace smol
