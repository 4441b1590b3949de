#include "engine/tokenizer/byte_level.h"

#include "engine/tokenizer/utf8.h"

#include <array>

namespace smol {
namespace {

struct byte_level_tables {
    std::array<char32_t, 256> to_char{};
    std::array<int16_t, 0x144> to_byte{};  // highest mapped character is U+0143

    byte_level_tables() {
        to_byte.fill(-1);
        int n = 0;
        for (int b = 0; b < 256; ++b) {
            const bool self = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            to_char[b] = self ? char32_t(b) : char32_t(0x100 + n++);
            to_byte[to_char[b]] = int16_t(b);
        }
    }
};

const byte_level_tables& tables() {
    static const byte_level_tables t;
    return t;
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += char(c);
    } else if (c < 0x800) {
        out += char(0xC0 | (c >> 6));
        out += char(0x80 | (c & 0x3F));
    } else {  // the map never goes past U+0143
        out += char(0xE0 | (c >> 12));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    }
}

}  // namespace

char32_t byte_level_char(uint8_t byte) { return tables().to_char[byte]; }

std::optional<uint8_t> byte_level_byte(char32_t c) {
    if (c >= tables().to_byte.size() || tables().to_byte[c] < 0) return std::nullopt;
    return uint8_t(tables().to_byte[c]);
}

std::string byte_level_encode(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char b : bytes) append_utf8(out, byte_level_char(static_cast<uint8_t>(b)));
    return out;
}

std::string byte_level_decode_token(std::string_view token) {
    std::string out;
    out.reserve(token.size());
    for (size_t pos = 0; pos < token.size();) {
        char32_t c;
        pos += utf8_decode(token, pos, c);
        const auto byte = byte_level_byte(c);
        if (!byte) return std::string(token);
        out += char(*byte);
    }
    return out;
}

}  // namespace smol
