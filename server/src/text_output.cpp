#include "server/src/text_output.h"

#include <algorithm>

namespace smol::serve {

std::string text_output::push(int32_t token) {
    if (stopped_) return {};
    held_ += utf8_.push(tok_.generated_bytes(token));
    return release();
}

std::string text_output::finish() {
    if (stopped_) return {};
    held_ += utf8_.finish();
    std::string out = release();
    if (stopped_) return out;
    out += held_;  // a stop sequence's start at the very end is text like any other
    held_.clear();
    return out;
}

std::string text_output::release() {
    size_t cut = std::string::npos;
    for (const std::string& s : stop_) cut = std::min(cut, held_.find(s));
    if (cut != std::string::npos) {
        stopped_ = true;
        std::string out = held_.substr(0, cut);
        held_.clear();
        return out;
    }
    // Keep the longest tail of held_ that some stop sequence starts with.
    size_t keep = 0;
    for (const std::string& s : stop_)
        for (size_t n = std::min(s.size() - 1, held_.size()); n > keep; --n)
            if (held_.compare(held_.size() - n, n, s, 0, n) == 0) {
                keep = n;
                break;
            }
    std::string out = held_.substr(0, held_.size() - keep);
    held_.erase(0, held_.size() - keep);
    return out;
}

}  // namespace smol::serve
