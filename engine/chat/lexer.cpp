#include "engine/chat/lexer.h"

#include "engine/chat/js_text.h"
#include "engine/chat/source_location.h"

#include <array>
#include <utility>

namespace smol::chat_detail {
namespace {

// Preprocessed text plus, for each byte, where it came from in the original source.
struct mapped_text {
    std::string text;
    std::vector<std::size_t> origin;  // origin.size() == text.size() + 1 (the end maps to the source end)
};

bool line_starts_at(std::string_view s, std::size_t i) {
    if (i == 0) return true;
    const char prev = s[i - 1];
    if (prev == '\n' || prev == '\r') return true;
    // JS multiline `^` also follows U+2028 / U+2029 (E2 80 A8 / E2 80 A9).
    return i >= 3 && s.substr(i - 3, 2) == "\xE2\x80" && (s[i - 1] == '\xA8' || s[i - 1] == '\xA9');
}

// The Template constructor always tokenizes with lstrip_blocks and trim_blocks on. Both are textual regex
// replacements over the whole source (string literals included), so they are done the same way here:
//   lstrip_blocks: /^[ \t]*({[#%-])/gm -> "$1"     trim_blocks: /([#%-]})\n/g -> "$1"
mapped_text preprocess(std::string_view source) {
    mapped_text m;
    std::size_t end = source.size();
    if (end > 0 && source[end - 1] == '\n') --end;  // one final newline is dropped
    const std::string_view body = source.substr(0, end);

    std::string lstripped;
    std::vector<std::size_t> lorigin;
    for (std::size_t i = 0; i < body.size();) {
        if (line_starts_at(body, i)) {
            std::size_t j = i;
            while (j < body.size() && (body[j] == ' ' || body[j] == '\t')) ++j;
            if (j + 1 < body.size() && body[j] == '{' && (body[j + 1] == '#' || body[j + 1] == '%' || body[j + 1] == '-'))
                i = j;
        }
        lstripped += body[i];
        lorigin.push_back(i);
        ++i;
    }
    for (std::size_t i = 0; i < lstripped.size(); ++i) {
        m.text += lstripped[i];
        m.origin.push_back(lorigin[i]);
        const bool closes_block = (lstripped[i] == '#' || lstripped[i] == '%' || lstripped[i] == '-') &&
                                  i + 2 < lstripped.size() && lstripped[i + 1] == '}' && lstripped[i + 2] == '\n';
        if (closes_block) {
            m.text += '}';
            m.origin.push_back(lorigin[i + 1]);
            i += 2;  // skip the newline
        }
    }
    m.origin.push_back(end);
    return m;
}

constexpr std::array<std::pair<std::string_view, token_kind>, 29> operator_table{{
    {"{%", token_kind::open_statement},   {"%}", token_kind::close_statement},
    {"{{", token_kind::open_expression},  {"}}", token_kind::close_expression},
    {"(", token_kind::open_paren},        {")", token_kind::close_paren},
    {"{", token_kind::open_curly},        {"}", token_kind::close_curly},
    {"[", token_kind::open_square},       {"]", token_kind::close_square},
    {",", token_kind::comma},             {".", token_kind::dot},
    {":", token_kind::colon},             {"|", token_kind::pipe},
    {"<=", token_kind::comparison},       {">=", token_kind::comparison},
    {"==", token_kind::comparison},       {"!=", token_kind::comparison},
    {"<", token_kind::comparison},        {">", token_kind::comparison},
    {"+", token_kind::additive},          {"-", token_kind::additive},
    {"~", token_kind::additive},          {"**", token_kind::power},
    {"*", token_kind::multiplicative},    {"//", token_kind::multiplicative},
    {"/", token_kind::multiplicative},    {"%", token_kind::multiplicative},
    {"=", token_kind::equals},
}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

class lexer {
public:
    explicit lexer(std::string_view source) : source_(source), m_(preprocess(source)), src_(m_.text) {}

    std::vector<token> run() {
        while (pos_ < src_.size()) step();
        return std::move(tokens_);
    }

private:
    std::string_view source_;
    mapped_text m_;
    std::string_view src_;
    std::size_t pos_ = 0;
    int curly_depth_ = 0;
    std::vector<token> tokens_;

    [[noreturn]] void fail_here(const std::string& what) const {
        fail_at(source_, m_.origin[std::min(pos_, src_.size())], "{}", what);
    }
    bool at(std::string_view s) const { return src_.substr(pos_, s.size()) == s; }
    void push(token_kind kind, std::string value, std::size_t start) {
        tokens_.push_back({kind, std::move(value), m_.origin[start]});
    }
    void skip_whitespace() {
        while (std::size_t n = js_space_at(src_, pos_)) pos_ += n;
    }
    // `{%-` / `{{-` / `{#-`: the preceding text loses its trailing whitespace, and disappears if empty.
    void strip_trailing_whitespace() {
        if (tokens_.empty() || tokens_.back().kind != token_kind::text) return;
        std::string& text = tokens_.back().value;
        text.resize(js_trim_end(text).size());
        if (text.empty()) tokens_.pop_back();
    }

    void step() {
        const bool after_tag = tokens_.empty() || tokens_.back().kind == token_kind::close_statement ||
                               tokens_.back().kind == token_kind::close_expression ||
                               tokens_.back().kind == token_kind::comment;
        if (after_tag) {
            const std::size_t start = pos_;
            while (pos_ < src_.size() && !(src_[pos_] == '{' && pos_ + 1 < src_.size() &&
                                           (src_[pos_ + 1] == '%' || src_[pos_ + 1] == '{' || src_[pos_ + 1] == '#')))
                ++pos_;
            if (pos_ > start) {
                push(token_kind::text, std::string(src_.substr(start, pos_ - start)), start);
                return;
            }
        }
        if (at("{#")) return lex_comment();
        if (at("{%-") || at("{{-")) {
            strip_trailing_whitespace();
            const bool statement = src_[pos_ + 1] == '%';
            push(statement ? token_kind::open_statement : token_kind::open_expression, statement ? "{%" : "{{", pos_);
            if (!statement) curly_depth_ = 0;
            pos_ += 3;
            return;
        }
        skip_whitespace();
        if (at("-%}") || at("-}}")) {
            const bool statement = src_[pos_ + 1] == '%';
            push(statement ? token_kind::close_statement : token_kind::close_expression, statement ? "%}" : "}}", pos_);
            pos_ += 3;
            skip_whitespace();
            return;
        }
        if (pos_ >= src_.size()) fail_here("unexpected end of template inside a tag");
        const char c = src_[pos_];
        if ((c == '-' || c == '+') && lex_sign()) return;
        for (const auto& [seq, kind] : operator_table) {
            if (seq == "}}" && curly_depth_ > 0) continue;  // `}}` closing a nested dict literal
            if (!at(seq)) continue;
            push(kind, std::string(seq), pos_);
            if (kind == token_kind::open_expression) curly_depth_ = 0;
            if (kind == token_kind::open_curly) ++curly_depth_;
            if (kind == token_kind::close_curly) --curly_depth_;
            pos_ += seq.size();
            return;
        }
        if (c == '\'' || c == '"') return lex_string(c);
        if (is_digit(c)) {
            const std::size_t start = pos_;
            std::string num = digits();
            const bool after_dot = !tokens_.empty() && tokens_.back().kind == token_kind::dot;
            if (!after_dot && pos_ + 1 < src_.size() && src_[pos_] == '.' && is_digit(src_[pos_ + 1])) {
                ++pos_;
                num += "." + digits();
            }
            push(token_kind::number, num, start);
            return;
        }
        if (is_word(c)) {
            const std::size_t start = pos_;
            while (pos_ < src_.size() && is_word(src_[pos_])) ++pos_;
            push(token_kind::identifier, std::string(src_.substr(start, pos_ - start)), start);
            return;
        }
        fail_here(fmt::format("unexpected character '{}'", c));
    }

    std::string digits() {
        const std::size_t start = pos_;
        while (pos_ < src_.size() && is_digit(src_[pos_])) ++pos_;
        return std::string(src_.substr(start, pos_ - start));
    }

    // A sign after an operand is a binary operator; elsewhere it is unary, or part of a number ("-1").
    bool lex_sign() {
        if (tokens_.empty() || tokens_.back().kind == token_kind::text) fail_here("unexpected sign");
        switch (tokens_.back().kind) {
        case token_kind::identifier:
        case token_kind::number:
        case token_kind::string:
        case token_kind::close_paren:
        case token_kind::close_square: return false;
        default: break;
        }
        const std::size_t start = pos_;
        const char sign = src_[pos_++];
        std::string num = digits();
        if (!num.empty() && pos_ + 1 < src_.size() && src_[pos_] == '.' && is_digit(src_[pos_ + 1])) {
            ++pos_;
            num += "." + digits();
        }
        push(num.empty() ? token_kind::unary : token_kind::number, sign + num, start);
        return true;
    }

    void lex_comment() {
        pos_ += 2;
        const bool strip_before = pos_ < src_.size() && src_[pos_] == '-';
        if (strip_before) ++pos_;
        const std::size_t start = pos_;
        while (!(pos_ + 1 < src_.size() && src_[pos_] == '#' && src_[pos_ + 1] == '}')) {
            if (pos_ + 2 >= src_.size()) fail_here("missing end of comment tag");
            ++pos_;
        }
        std::string comment(src_.substr(start, pos_ - start));
        const bool strip_after = !comment.empty() && comment.back() == '-';
        if (strip_after) comment.pop_back();
        if (strip_before) strip_trailing_whitespace();
        push(token_kind::comment, std::move(comment), start);
        pos_ += 2;
        if (strip_after) skip_whitespace();
    }

    void lex_string(char quote) {
        const std::size_t start = pos_++;
        std::string value;
        while (true) {
            if (pos_ >= src_.size()) fail_here("unterminated string literal");
            const char c = src_[pos_];
            if (c == quote) break;
            ++pos_;
            if (c != '\\') {
                value += c;
                continue;
            }
            if (pos_ >= src_.size()) fail_here("unterminated string literal");
            const char e = src_[pos_++];
            switch (e) {
            case 'n': value += '\n'; break;
            case 't': value += '\t'; break;
            case 'r': value += '\r'; break;
            case 'b': value += '\b'; break;
            case 'f': value += '\f'; break;
            case 'v': value += '\v'; break;
            case '\'': value += '\''; break;
            case '"': value += '"'; break;
            case '\\': value += '\\'; break;
            case 'x':
            case 'u': value += hex_escape(e == 'x' ? 2 : 4); break;
            default: fail_here(fmt::format("unsupported escape '\\{}' in string literal", e));
            }
        }
        ++pos_;  // closing quote
        push(token_kind::string, std::move(value), start);
    }

    // \xHH and \uHHHH are single UTF-16 code units in JS; a lone surrogate has no UTF-8 form.
    std::string hex_escape(std::size_t length) {
        if (pos_ + length > src_.size()) fail_here("invalid hexadecimal escape sequence");
        char32_t cp = 0;
        for (std::size_t i = 0; i < length; ++i) {
            const char h = src_[pos_ + i];
            const int v = is_digit(h) ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
            if (v < 0) fail_here("invalid hexadecimal escape sequence");
            cp = cp * 16 + static_cast<char32_t>(v);
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) fail_here("unsupported surrogate escape in string literal");
        pos_ += length;
        std::string out;
        append_utf8(out, cp);
        return out;
    }
};

}  // namespace

std::vector<token> tokenize(std::string_view source) { return lexer(source).run(); }

}  // namespace smol::chat_detail
