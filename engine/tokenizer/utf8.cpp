#include "engine/tokenizer/utf8.h"

namespace smol {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";

// Length of the well-formed sequence starting at `pos` (Unicode table 3-7), or 0 if it is invalid;
// `valid_prefix` receives how many bytes form a prefix of some well-formed sequence (the maximal subpart).
size_t sequence_length(std::string_view s, size_t pos, size_t& valid_prefix) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char b0 = byte(pos);
    valid_prefix = 0;
    if (b0 < 0x80) return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 3;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 4;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    valid_prefix = 1;
    for (size_t i = 1; i < need; ++i) {
        if (pos + i >= s.size()) return 0;
        const unsigned char b = byte(pos + i);
        if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) return 0;
        valid_prefix = i + 1;
    }
    return need;
}

}  // namespace

size_t utf8_valid_prefix(std::string_view bytes) {
    size_t pos = 0, prefix;
    while (pos < bytes.size()) {
        if (static_cast<unsigned char>(bytes[pos]) < 0x80) {
            ++pos;
            continue;
        }
        const size_t n = sequence_length(bytes, pos, prefix);
        if (n == 0) break;
        pos += n;
    }
    return pos;
}

std::string utf8_lossy(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() + 8);
    size_t pos = 0;
    while (pos < bytes.size()) {
        const size_t good = utf8_valid_prefix(bytes.substr(pos));
        out.append(bytes.substr(pos, good));
        pos += good;
        if (pos == bytes.size()) break;
        size_t prefix;
        sequence_length(bytes, pos, prefix);
        out.append(replacement);
        pos += prefix == 0 ? 1 : prefix;
    }
    return out;
}

size_t utf8_decode(std::string_view text, size_t pos, char32_t& code_point) {
    const auto byte = [&](size_t i) { return char32_t(static_cast<unsigned char>(text[pos + i])); };
    const char32_t b0 = byte(0);
    if (b0 < 0x80) {
        code_point = b0;
        return 1;
    }
    if (b0 < 0xE0) {
        code_point = ((b0 & 0x1F) << 6) | (byte(1) & 0x3F);
        return 2;
    }
    if (b0 < 0xF0) {
        code_point = ((b0 & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
        return 3;
    }
    code_point = ((b0 & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F);
    return 4;
}

std::string utf8_stream::push(std::string_view bytes) {
    pending_.append(bytes);
    // Hold back a tail that is a proper prefix of a well-formed sequence: it may still complete.
    size_t keep_from = pending_.size();
    for (size_t back = 1; back <= 3 && back <= pending_.size(); ++back) {
        const size_t pos = pending_.size() - back;
        const unsigned char b = static_cast<unsigned char>(pending_[pos]);
        if (b >= 0x80 && b < 0xC0) continue;  // continuation byte: look further back
        size_t prefix;
        if (b >= 0xC0 && sequence_length(pending_, pos, prefix) == 0 && prefix == back) keep_from = pos;
        break;
    }
    std::string out = utf8_lossy(std::string_view(pending_).substr(0, keep_from));
    pending_.erase(0, keep_from);
    return out;
}

std::string utf8_stream::finish() {
    std::string out = utf8_lossy(pending_);
    pending_.clear();
    return out;
}

}  // namespace smol
